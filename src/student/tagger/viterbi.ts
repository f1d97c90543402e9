import type { SentenceFeatures } from "./features.ts";
import type { LabelSet } from "./label-set.ts";

/** The scores of one layer: hashed emission weights and transition tables of order 1 or 2. */
export interface LayerScores {
  order: 1 | 2;
  bucketMask: number;
  /** emission[(bucket) * size + tag]. */
  emission: Float32Array | Float64Array;
  /** transition[previous * size + tag], previous in 0..size (size = start). */
  transition: Float64Array;
  /** transition2[(beforePrevious * (size + 1) + previous) * size + tag], order 2 only. */
  transition2: Float64Array;
  /** final[tag]: the score of ending the sentence on tag. */
  final: Float64Array;
}

export function emissionScores(features: SentenceFeatures, scores: LayerScores, size: number): Float64Array {
  const count = features.offsets.length - 1;
  const out = new Float64Array(count * size);
  const { ids, offsets } = features;
  const { emission, bucketMask } = scores;
  for (let position = 0; position < count; position++) {
    const row = position * size;
    const end = offsets[position + 1] as number;
    for (let index = offsets[position] as number; index < end; index++) {
      const base = ((ids[index] as number) & bucketMask) * size;
      for (let tag = 0; tag < size; tag++)
        out[row + tag] = (out[row + tag] as number) + (emission[base + tag] as number);
    }
  }
  return out;
}

/**
 * The same sum over float32 weights (saved models and averaged weights), as its own function so each
 * call site stays monomorphic for V8 (training sums float64 weights).
 */
function emissionScoresFloat32(
  features: SentenceFeatures,
  emission: Float32Array,
  bucketMask: number,
  size: number,
): Float64Array {
  const count = features.offsets.length - 1;
  const out = new Float64Array(count * size);
  const { ids, offsets } = features;
  for (let position = 0; position < count; position++) {
    const row = position * size;
    const end = offsets[position + 1] as number;
    for (let index = offsets[position] as number; index < end; index++) {
      const base = ((ids[index] as number) & bucketMask) * size;
      for (let tag = 0; tag < size; tag++)
        out[row + tag] = (out[row + tag] as number) + (emission[base + tag] as number);
    }
  }
  return out;
}

/** The best tag sequence under the BIO (or BILOU) constraints of `labels`. */
export function viterbi(features: SentenceFeatures, scores: LayerScores, labels: LabelSet): Int32Array {
  const emission =
    scores.emission instanceof Float32Array
      ? emissionScoresFloat32(features, scores.emission, scores.bucketMask, labels.size)
      : emissionScores(features, scores, labels.size);
  return decodeEmission(emission, scores, labels);
}

/** Viterbi over precomputed emission scores (training adds its cost to them first). */
export function decodeEmission(emission: Float64Array, scores: LayerScores, labels: LabelSet): Int32Array {
  return scores.order === 1
    ? decodeFirstOrder(emission, scores, labels)
    : decodeSecondOrder(emission, scores, labels);
}

/** The score of one tag sequence: emissions plus transitions, as Viterbi adds them. */
export function sequenceScore(
  emission: Float64Array,
  tags: Int32Array,
  scores: LayerScores,
  labels: LabelSet,
): number {
  const size = labels.size;
  const width = size + 1;
  let total = 0;
  for (let position = 0; position < tags.length; position++) {
    const tag = tags[position] as number;
    const previous = position > 0 ? (tags[position - 1] as number) : labels.start;
    total +=
      (emission[position * size + tag] as number) + (scores.transition[previous * size + tag] as number);
    if (scores.order === 2) {
      const before = position > 1 ? (tags[position - 2] as number) : labels.start;
      total += scores.transition2[(before * width + previous) * size + tag] as number;
    }
  }
  const last = tags[tags.length - 1];
  return last === undefined ? total : total + (scores.final[last] as number);
}

function decodeFirstOrder(emission: Float64Array, scores: LayerScores, labels: LabelSet): Int32Array {
  const size = labels.size;
  const count = emission.length / size;
  const result = new Int32Array(count);
  if (count === 0) return result;
  const { transition, final } = scores;
  const { allowed, start } = labels;
  let best = new Float64Array(size);
  let next = new Float64Array(size);
  const back = new Int32Array(count * size);
  for (let tag = 0; tag < size; tag++) {
    best[tag] = allowed[start * size + tag]
      ? (emission[tag] as number) + (transition[start * size + tag] as number)
      : Number.NEGATIVE_INFINITY;
  }
  for (let position = 1; position < count; position++) {
    for (let tag = 0; tag < size; tag++) {
      let top = Number.NEGATIVE_INFINITY;
      let from = 0;
      for (let previous = 0; previous < size; previous++) {
        if (!allowed[previous * size + tag]) continue;
        const score = (best[previous] as number) + (transition[previous * size + tag] as number);
        if (score > top) {
          top = score;
          from = previous;
        }
      }
      next[tag] = top + (emission[position * size + tag] as number);
      back[position * size + tag] = from;
    }
    [best, next] = [next, best];
  }
  let top = Number.NEGATIVE_INFINITY;
  let last = 0;
  for (let tag = 0; tag < size; tag++) {
    if (!labels.allowedEnd[tag]) continue;
    const score = (best[tag] as number) + (final[tag] as number);
    if (score > top) {
      top = score;
      last = tag;
    }
  }
  for (let position = count - 1; position >= 0; position--) {
    result[position] = last;
    last = back[position * size + last] as number;
  }
  return result;
}

/** States are (previous tag, tag) pairs; previous = size marks the sentence start. */
function decodeSecondOrder(emission: Float64Array, scores: LayerScores, labels: LabelSet): Int32Array {
  const size = labels.size;
  const width = size + 1;
  const states = width * size;
  const count = emission.length / size;
  const result = new Int32Array(count);
  if (count === 0) return result;
  const { transition, transition2, final } = scores;
  const { allowed, start } = labels;
  let best = new Float64Array(states).fill(Number.NEGATIVE_INFINITY);
  let next = new Float64Array(states);
  const back = new Int32Array(count * states);
  for (let tag = 0; tag < size; tag++) {
    if (!allowed[start * size + tag]) continue;
    best[start * size + tag] =
      (emission[tag] as number) +
      (transition[start * size + tag] as number) +
      (transition2[(start * width + start) * size + tag] as number);
  }
  for (let position = 1; position < count; position++) {
    next.fill(Number.NEGATIVE_INFINITY);
    for (let previous = 0; previous < size; previous++) {
      for (let tag = 0; tag < size; tag++) {
        if (!allowed[previous * size + tag]) continue;
        let top = Number.NEGATIVE_INFINITY;
        let from = 0;
        for (let beforePrevious = 0; beforePrevious <= size; beforePrevious++) {
          const state = beforePrevious * size + previous;
          const prior = best[state] as number;
          if (prior === Number.NEGATIVE_INFINITY) continue;
          const score = prior + (transition2[(beforePrevious * width + previous) * size + tag] as number);
          if (score > top) {
            top = score;
            from = state;
          }
        }
        const state = previous * size + tag;
        next[state] =
          top + (transition[previous * size + tag] as number) + (emission[position * size + tag] as number);
        back[position * states + state] = from;
      }
    }
    [best, next] = [next, best];
  }
  let top = Number.NEGATIVE_INFINITY;
  let state = 0;
  for (let candidate = 0; candidate < states; candidate++) {
    if (!labels.allowedEnd[candidate % size]) continue;
    const score = (best[candidate] as number) + (final[candidate % size] as number);
    if (score > top) {
      top = score;
      state = candidate;
    }
  }
  for (let position = count - 1; position >= 0; position--) {
    result[position] = state % size;
    state = back[position * states + state] as number;
  }
  return result;
}
