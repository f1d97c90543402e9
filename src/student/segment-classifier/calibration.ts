import { sigmoid, softmaxInPlace } from "./probability.ts";

export interface PlattParameters {
  slope: number;
  intercept: number;
}

/**
 * Platt scaling: fits `p = sigmoid(slope·margin + intercept)` to binary targets by Newton's
 * method with a backtracking line search, on Platt's smoothed targets so a perfectly separated
 * dev set does not push the slope to infinity (Lin, Lin & Weng 2007).
 */
export function fitPlatt(margins: ArrayLike<number>, targets: ArrayLike<boolean>): PlattParameters {
  const n = margins.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (targets[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { slope: 1, intercept: 0 };
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const loss = (a: number, b: number): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const z = a * (margins[i] as number) + b;
      const t = targets[i] ? high : low;
      // −[t·log σ(z) + (1−t)·log(1−σ(z))], written to stay finite for large |z|.
      total += z >= 0 ? (1 - t) * z + Math.log1p(Math.exp(-z)) : -t * z + Math.log1p(Math.exp(z));
    }
    return total;
  };
  let slope = 1;
  let intercept = 0;
  let current = loss(slope, intercept);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gradA = 0;
    let gradB = 0;
    let hAA = 1e-12;
    let hAB = 0;
    let hBB = 1e-12;
    for (let i = 0; i < n; i++) {
      const f = margins[i] as number;
      const p = sigmoid(slope * f + intercept);
      const diff = p - (targets[i] ? high : low);
      const w = p * (1 - p);
      gradA += diff * f;
      gradB += diff;
      hAA += w * f * f;
      hAB += w * f;
      hBB += w;
    }
    if (Math.abs(gradA) < 1e-7 && Math.abs(gradB) < 1e-7) break;
    const det = hAA * hBB - hAB * hAB;
    const stepA = -(hBB * gradA - hAB * gradB) / det;
    const stepB = -(-hAB * gradA + hAA * gradB) / det;
    const slopeOfLoss = gradA * stepA + gradB * stepB;
    let size = 1;
    let improved = false;
    while (size >= 1e-10) {
      const nextA = slope + size * stepA;
      const nextB = intercept + size * stepB;
      const next = loss(nextA, nextB);
      if (next <= current + 1e-4 * size * slopeOfLoss) {
        slope = nextA;
        intercept = nextB;
        current = next;
        improved = true;
        break;
      }
      size /= 2;
    }
    if (!improved) break;
  }
  return { slope, intercept };
}

/**
 * Temperature scaling for softmax outputs: the `T` minimising dev negative log-likelihood of
 * `softmax(margins / T)`, by golden-section search on log T in [1/20, 20].
 */
export function fitTemperature(
  margins: readonly Float64Array[],
  gold: ArrayLike<number>,
  labelCount: number,
): number {
  if (margins.length === 0) return 1;
  const scratch = new Float64Array(labelCount);
  const negativeLogLikelihood = (logT: number): number => {
    const temperature = Math.exp(logT);
    let total = 0;
    for (let i = 0; i < margins.length; i++) {
      scratch.set(margins[i] as Float64Array);
      softmaxInPlace(scratch, labelCount, temperature);
      total -= Math.log(Math.max(scratch[gold[i] as number] as number, 1e-300));
    }
    return total;
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = Math.log(1 / 20);
  let high = Math.log(20);
  let x1 = high - ratio * (high - low);
  let x2 = low + ratio * (high - low);
  let f1 = negativeLogLikelihood(x1);
  let f2 = negativeLogLikelihood(x2);
  for (let iteration = 0; iteration < 60 && high - low > 1e-6; iteration++) {
    if (f1 <= f2) {
      high = x2;
      x2 = x1;
      f2 = f1;
      x1 = high - ratio * (high - low);
      f1 = negativeLogLikelihood(x1);
    } else {
      low = x1;
      x1 = x2;
      f1 = f2;
      x2 = low + ratio * (high - low);
      f2 = negativeLogLikelihood(x2);
    }
  }
  return Math.exp((low + high) / 2);
}

/**
 * The decision threshold maximising F1 on (probability, target) pairs: midway between the last
 * probability called positive and the next one. 0.5 when there are no positives to learn from.
 */
export function tuneThreshold(probabilities: ArrayLike<number>, targets: ArrayLike<boolean>): number {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort(
    (a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b,
  );
  let positives = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i]) positives++;
  if (positives === 0) return 0.5;
  let bestF1 = -1;
  let bestThreshold = 0.5;
  let truePositives = 0;
  for (let k = 0; k < order.length; k++) {
    const index = order[k] as number;
    if (targets[index]) truePositives++;
    const here = probabilities[index] as number;
    const nextIndex = order[k + 1];
    const next = nextIndex === undefined ? 0 : (probabilities[nextIndex] as number);
    // Only cut between distinct probabilities: ties are predicted together.
    if (nextIndex !== undefined && next === here) continue;
    const f1 = (2 * truePositives) / (k + 1 + positives);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = (here + next) / 2;
    }
  }
  return bestThreshold;
}
