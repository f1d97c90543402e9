import { UsageError } from "../../core/errors.ts";
import { fitPlatt, type PlattParameters } from "../segment-classifier/calibration.ts";

/**
 * Calibration and abstaining for any classifier, on plain arrays of margins or confidences and
 * gold: nothing here knows a head. Temperature scaling and Platt scaling are the segment
 * classifier's own fits (one implementation in the project), re-exported here with a per-label
 * Platt for multi-label heads.
 */
export { fitPlatt, fitTemperature, type PlattParameters } from "../segment-classifier/calibration.ts";

/**
 * Platt scaling fitted for each label apart: label `l`'s slope and intercept map `margins[e][l]`
 * to the probability that `l` is among `targets[e]` (a list of label indices per example).
 */
export function fitPlattPerLabel(
  margins: readonly ArrayLike<number>[],
  targets: readonly (readonly number[])[],
  labelCount: number,
): { slopes: number[]; intercepts: number[] } {
  if (margins.length !== targets.length) {
    throw new UsageError("one target list per margin row expected", {
      margins: margins.length,
      targets: targets.length,
    });
  }
  const slopes: number[] = [];
  const intercepts: number[] = [];
  const labelMargins = new Float64Array(margins.length);
  const labelTargets: boolean[] = new Array(margins.length);
  for (let l = 0; l < labelCount; l++) {
    for (let e = 0; e < margins.length; e++) {
      labelMargins[e] = (margins[e] as ArrayLike<number>)[l] as number;
      labelTargets[e] = (targets[e] as readonly number[]).includes(l);
    }
    const { slope, intercept }: PlattParameters = fitPlatt(labelMargins, labelTargets);
    slopes.push(slope);
    intercepts.push(intercept);
  }
  return { slopes, intercepts };
}

export interface ReliabilityBin {
  /** The bin holds confidences in [lower, upper) (the last bin also holds `upper`). */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's items (the bin's midpoint when it is empty). */
  meanConfidence: number;
  /** Share of the bin's items that are correct (0 when it is empty). */
  accuracy: number;
}

export interface ReliabilityCurve {
  bins: ReliabilityBin[];
  /** Expected calibration error: Σ (count / total) · |accuracy − meanConfidence| over the bins. */
  ece: number;
  /** The largest |accuracy − meanConfidence| over non-empty bins. */
  maximumError: number;
  count: number;
}

/**
 * The reliability curve of confidences in [0, 1] against whether each answer was right, in
 * `bins` equal-width bins (the usual 10 by default), with the expected calibration error.
 */
export function reliabilityCurve(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 10,
): ReliabilityCurve {
  checkPairs(confidences, correct);
  if (!Number.isInteger(bins) || bins < 1) throw new UsageError("bins must be a positive integer", { bins });
  const counts = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  const correctCounts = new Float64Array(bins);
  for (let i = 0; i < confidences.length; i++) {
    const confidence = confidences[i] as number;
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new UsageError("a reliability curve needs confidences in [0, 1]", { index: i, confidence });
    }
    const bin = Math.min(bins - 1, Math.floor(confidence * bins));
    counts[bin] = (counts[bin] as number) + 1;
    confidenceSums[bin] = (confidenceSums[bin] as number) + confidence;
    if (correct[i]) correctCounts[bin] = (correctCounts[bin] as number) + 1;
  }
  const total = confidences.length;
  let ece = 0;
  let maximumError = 0;
  const curve: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = counts[b] as number;
    const lower = b / bins;
    const upper = (b + 1) / bins;
    const meanConfidence = count > 0 ? (confidenceSums[b] as number) / count : (lower + upper) / 2;
    const accuracy = count > 0 ? (correctCounts[b] as number) / count : 0;
    if (count > 0) {
      const error = Math.abs(accuracy - meanConfidence);
      ece += (count / total) * error;
      maximumError = Math.max(maximumError, error);
    }
    curve.push({ lower, upper, count, meanConfidence, accuracy });
  }
  return { bins: curve, ece, maximumError, count: total };
}

/** What an abstain threshold should achieve on the data it is chosen on. */
export type AbstainCriterion =
  /** The lowest threshold (the most answers) whose answers are at least this accurate. */
  | { minAccuracy: number }
  /**
   * The threshold maximising F-beta of precision (accuracy of the answers) and recall (correct
   * answers over all items, so an abstention counts as a miss). @default beta 1
   */
  | { maximiseF: true; beta?: number };

export interface AbstainChoice {
  /** Answer when confidence ≥ threshold; abstain below it. */
  threshold: number;
  /** Share of the items answered at this threshold. */
  coverage: number;
  /** Accuracy of the answered items. */
  accuracy: number;
  answered: number;
  /** F-beta at this threshold, as `maximiseF` defines it. */
  f: number;
  /**
   * False when no threshold reaches `minAccuracy`: the threshold is then the most accurate one
   * (the most answers among ties), so a caller can still use it and must say it fell short.
   */
  met: boolean;
}

/**
 * Chooses where to abstain from (confidence, correct) pairs, typically on val. Thresholds fall
 * midway between distinct confidences, so the items at or above one are exactly the items counted.
 */
export function chooseAbstainThreshold(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  criterion: AbstainCriterion,
): AbstainChoice {
  checkPairs(confidences, correct);
  const total = confidences.length;
  if (total === 0) throw new UsageError("cannot choose an abstain threshold without examples");
  const minAccuracy = "minAccuracy" in criterion ? criterion.minAccuracy : undefined;
  if (minAccuracy !== undefined && !(minAccuracy >= 0 && minAccuracy <= 1)) {
    throw new UsageError("minAccuracy must be in [0, 1]", { minAccuracy });
  }
  const beta = "maximiseF" in criterion ? (criterion.beta ?? 1) : 1;
  if (!(beta > 0)) throw new UsageError("beta must be positive", { beta });
  const order = Array.from({ length: total }, (_, i) => i).sort(
    (a, b) => (confidences[b] as number) - (confidences[a] as number) || a - b,
  );
  const fOf = (answered: number, right: number): number => {
    const precision = right / answered;
    const recall = right / total;
    const b2 = beta * beta;
    return precision + recall === 0 ? 0 : ((1 + b2) * precision * recall) / (b2 * precision + recall);
  };
  let best: AbstainChoice | undefined;
  let right = 0;
  for (let k = 0; k < total; k++) {
    const index = order[k] as number;
    if (correct[index]) right++;
    const here = confidences[index] as number;
    const nextIndex = order[k + 1];
    // Ties are answered together: cut only between distinct confidences.
    if (nextIndex !== undefined && (confidences[nextIndex] as number) === here) continue;
    const threshold = nextIndex === undefined ? here : (here + (confidences[nextIndex] as number)) / 2;
    const answered = k + 1;
    const candidate: AbstainChoice = {
      threshold,
      coverage: answered / total,
      accuracy: right / answered,
      answered,
      f: fOf(answered, right),
      met: minAccuracy === undefined || right / answered >= minAccuracy,
    };
    // Later candidates answer more, so ">=" prefers more coverage among equals.
    if (
      best === undefined ||
      (minAccuracy !== undefined
        ? candidate.met || (!best.met && candidate.accuracy >= best.accuracy)
        : candidate.f >= best.f)
    ) {
      best = candidate;
    }
  }
  return best as AbstainChoice;
}

function checkPairs(confidences: ArrayLike<number>, correct: ArrayLike<boolean>): void {
  if (confidences.length !== correct.length) {
    throw new UsageError("one correct/incorrect flag per confidence expected", {
      confidences: confidences.length,
      correct: correct.length,
    });
  }
}
