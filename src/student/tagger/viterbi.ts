import type { SparseTable } from "../sparse-rows.ts";
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
  // As in `warmRows`: independent reads of every feature's row first keep many cache misses in
  // flight (training reads megabytes of float64 weights here, once per sentence and epoch).
  let warmed = 0;
  const length = offsets[count] as number;
  for (let index = 0; index < length; index++)
    warmed += emission[((ids[index] as number) & bucketMask) * size] as number;
  scratch.warmed = warmed;
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
 * Scratch arrays reused across calls (decoding is synchronous, so one set serves every layer): the
 * per-sentence allocations were a measurable part of prediction time. Grown to the longest sentence.
 */
const scratch = {
  emission: new Float64Array(0),
  best: new Float64Array(0),
  back: new Int32Array(0),
  /** What `warmRows` read, summed; meaningless. */
  warmed: 0,
};

function scratchFloat64(name: "emission" | "best", length: number): Float64Array {
  if (scratch[name].length < length)
    scratch[name] = new Float64Array(Math.max(length, 2 * scratch[name].length));
  return scratch[name];
}

/** The scratch emission array for a sentence's `count × size` scores, zeroed. */
function zeroedEmissionScratch(
  features: SentenceFeatures,
  size: number,
): { count: number; out: Float64Array } {
  const count = features.offsets.length - 1;
  const out = scratchFloat64("emission", count * size);
  out.fill(0, 0, count * size);
  return { count, out };
}

function scratchBack(length: number): Int32Array {
  if (scratch.back.length < length) scratch.back = new Int32Array(Math.max(length, 2 * scratch.back.length));
  return scratch.back;
}

/**
 * The same sum over float32 weights (saved models and averaged weights), as its own function so each
 * call site stays monomorphic for V8 (training sums float64 weights). Writes into the scratch array:
 * only `viterbi` uses it, and it decodes before the next call. Each (token, tag) sum starts at 0 and
 * adds the features in order, exactly as `emissionScores` does, so decoding sees the same values.
 */
function emissionScoresFloat32(
  features: SentenceFeatures,
  emission: Float32Array,
  bucketMask: number,
  size: number,
): Float64Array {
  const { count, out } = zeroedEmissionScratch(features, size);
  const { ids, offsets } = features;
  warmRows(ids, offsets[count] as number, emission, bucketMask, size);
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
 * Reads the first and last weight of every feature's row before summing: this short loop keeps many
 * cache misses in flight at once, where the summing loop waits on them nearly one at a time (the
 * emission table is megabytes). The sum goes to `scratch.warmed` so the reads are not optimised away.
 */
function warmRows(
  ids: Uint32Array,
  length: number,
  emission: Float32Array,
  bucketMask: number,
  size: number,
): void {
  let total = 0;
  for (let index = 0; index < length; index++) {
    const base = ((ids[index] as number) & bucketMask) * size;
    total += (emission[base] as number) + (emission[base + size - 1] as number);
  }
  scratch.warmed = total;
}

/**
 * `emissionScoresFloat32` from a sparse table's non-zero elements (the same sums), into the same
 * scratch array: for a model's first sentences, before its dense table is worth building.
 */
export function sparseEmissionScores(
  features: SentenceFeatures,
  table: SparseTable,
  bucketMask: number,
  size: number,
): Float64Array {
  const { count, out } = zeroedEmissionScratch(features, size);
  const { ids, offsets } = features;
  for (let position = 0; position < count; position++) {
    const row = position * size;
    const end = offsets[position + 1] as number;
    for (let index = offsets[position] as number; index < end; index++)
      table.addRow(((ids[index] as number) & bucketMask) * size, size, out, row);
  }
  return out;
}

/** The best tag sequence under the BIO (or BILOU) constraints of `labels`. */
export function viterbi(features: SentenceFeatures, scores: LayerScores, labels: LabelSet): Int32Array {
  const emission =
    scores.emission instanceof Float32Array
      ? emissionScoresFloat32(features, scores.emission, scores.bucketMask, labels.size)
      : emissionScores(features, scores, labels.size);
  return decodeEmission(emission, scores, labels, features.offsets.length - 1);
}

/** Viterbi over precomputed emission scores (training adds its cost to them first). */
export function decodeEmission(
  emission: Float64Array,
  scores: LayerScores,
  labels: LabelSet,
  count = emission.length / labels.size,
): Int32Array {
  return scores.order === 1
    ? decodeFirstOrder(emission, scores, labels, count)
    : decodeSecondOrder(emission, scores, labels, count);
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

function decodeFirstOrder(
  emission: Float64Array,
  scores: LayerScores,
  labels: LabelSet,
  count: number,
): Int32Array {
  const size = labels.size;
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

/**
 * The transitions the BIO/BILOU constraints allow, flattened into the order the second-order
 * recursion visits them: for each previous tag (ascending), each tag allowed after it (ascending),
 * then the beforePrevious tags (or the start) allowed before previous (ascending). Ascending order
 * keeps ties breaking as a full scan with the same skips would.
 */
interface SecondOrderPlan {
  /** Per (previous, tag) pair: its state previous * size + tag, its first-order transition index
   * and how many predecessors follow in `before` / `beforeTransition`. */
  pairState: Int32Array;
  pairCount: Int32Array;
  /** Per predecessor: the state beforePrevious * size + previous and its transition2 index. */
  beforeState: Int32Array;
  beforeTransition: Int32Array;
  /** The tags allowed at the sentence start. */
  starters: Int32Array;
}

const planCache = new WeakMap<LabelSet, SecondOrderPlan>();

function secondOrderPlan(labels: LabelSet): SecondOrderPlan {
  const cached = planCache.get(labels);
  if (cached) return cached;
  const { size, allowed, start } = labels;
  const width = size + 1;
  const pairState: number[] = [];
  const pairCount: number[] = [];
  const beforeState: number[] = [];
  const beforeTransition: number[] = [];
  for (let previous = 0; previous < size; previous++) {
    for (let tag = 0; tag < size; tag++) {
      if (allowed[previous * size + tag] !== 1) continue;
      let count = 0;
      for (let beforePrevious = 0; beforePrevious <= size; beforePrevious++) {
        if (allowed[beforePrevious * size + previous] !== 1) continue;
        beforeState.push(beforePrevious * size + previous);
        beforeTransition.push((beforePrevious * width + previous) * size + tag);
        count++;
      }
      pairState.push(previous * size + tag);
      pairCount.push(count);
    }
  }
  const starters: number[] = [];
  for (let tag = 0; tag < size; tag++) if (allowed[start * size + tag] === 1) starters.push(tag);
  const plan: SecondOrderPlan = {
    pairState: Int32Array.from(pairState),
    pairCount: Int32Array.from(pairCount),
    beforeState: Int32Array.from(beforeState),
    beforeTransition: Int32Array.from(beforeTransition),
    starters: Int32Array.from(starters),
  };
  planCache.set(labels, plan);
  return plan;
}

/**
 * States are (previous tag, tag) pairs; previous = size marks the sentence start. A state that a
 * constraint forbids is never written, so it keeps −∞ and skipping it (via the plan) changes no
 * score; reachable states still skip −∞ predecessors. Both score buffers live in one scratch array
 * (`best` at `current`, `next` at the other half), swapped by offset.
 */
function decodeSecondOrder(
  emission: Float64Array,
  scores: LayerScores,
  labels: LabelSet,
  count: number,
): Int32Array {
  const size = labels.size;
  const width = size + 1;
  const states = width * size;
  const result = new Int32Array(count);
  if (count === 0) return result;
  const { transition, transition2, final } = scores;
  const { start } = labels;
  const { pairState, pairCount, beforeState, beforeTransition, starters } = secondOrderPlan(labels);
  const pairs = pairState.length;
  const buffer = scratchFloat64("best", 2 * states);
  let current = 0;
  let other = states;
  for (let state = 0; state < 2 * states; state++) buffer[state] = Number.NEGATIVE_INFINITY;
  const back = scratchBack(count * states);
  for (let index = 0; index < starters.length; index++) {
    const tag = starters[index] as number;
    buffer[start * size + tag] =
      (emission[tag] as number) +
      (transition[start * size + tag] as number) +
      (transition2[(start * width + start) * size + tag] as number);
  }
  for (let position = 1; position < count; position++) {
    for (let state = other; state < other + states; state++) buffer[state] = Number.NEGATIVE_INFINITY;
    const row = position * size;
    const backRow = position * states;
    let entry = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const last = entry + (pairCount[pair] as number);
      let top = Number.NEGATIVE_INFINITY;
      let from = 0;
      for (; entry < last; entry++) {
        const state = beforeState[entry] as number;
        const prior = buffer[current + state] as number;
        if (prior === Number.NEGATIVE_INFINITY) continue;
        const score = prior + (transition2[beforeTransition[entry] as number] as number);
        if (score > top) {
          top = score;
          from = state;
        }
      }
      const state = pairState[pair] as number;
      const tag = state % size;
      buffer[other + state] = top + (transition[state] as number) + (emission[row + tag] as number);
      back[backRow + state] = from;
    }
    const swap = current;
    current = other;
    other = swap;
  }
  let top = Number.NEGATIVE_INFINITY;
  let state = 0;
  for (let candidate = 0; candidate < states; candidate++) {
    if (!labels.allowedEnd[candidate % size]) continue;
    const score = (buffer[current + candidate] as number) + (final[candidate % size] as number);
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

/** log(Σ exp(values)) without overflow; −∞ for no finite value. */
function logSumExp(values: readonly number[]): number {
  let top = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > top) top = value;
  if (top === Number.NEGATIVE_INFINITY) return top;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - top);
  return top + Math.log(sum);
}

/**
 * log Z: the log of Σ exp(score) over every tag sequence the BIO/BILOU constraints allow (the
 * forward algorithm over the same emissions and transitions Viterbi maximises, order 1 or 2).
 * With `sequenceScore` of the Viterbi path it gives that path's probability under the Gibbs
 * distribution exp(score − log Z): what active learning reads as the tagger's confidence.
 */
export function logPartition(
  emission: Float64Array,
  scores: LayerScores,
  labels: LabelSet,
  count = emission.length / labels.size,
): number {
  if (count === 0) return 0;
  const size = labels.size;
  const width = size + 1;
  const { transition, transition2, final } = scores;
  const { start, allowed } = labels;
  const minusInfinity = Number.NEGATIVE_INFINITY;
  if (scores.order === 1) {
    let alpha = Array.from({ length: size }, (_, tag) =>
      allowed[start * size + tag]
        ? (emission[tag] as number) + (transition[start * size + tag] as number)
        : minusInfinity,
    );
    for (let position = 1; position < count; position++) {
      const previousAlpha = alpha;
      alpha = Array.from({ length: size }, (_, tag) => {
        const terms: number[] = [];
        for (let previous = 0; previous < size; previous++) {
          if (allowed[previous * size + tag])
            terms.push((previousAlpha[previous] as number) + (transition[previous * size + tag] as number));
        }
        return logSumExp(terms) + (emission[position * size + tag] as number);
      });
    }
    return logSumExp(
      alpha.flatMap((value, tag) => (labels.allowedEnd[tag] ? [value + (final[tag] as number)] : [])),
    );
  }
  // States are (previous, tag) pairs, previous = size at the start, as in decodeSecondOrder.
  const states = width * size;
  let alpha = new Array<number>(states).fill(minusInfinity);
  for (let tag = 0; tag < size; tag++) {
    if (!allowed[start * size + tag]) continue;
    alpha[start * size + tag] =
      (emission[tag] as number) +
      (transition[start * size + tag] as number) +
      (transition2[(start * width + start) * size + tag] as number);
  }
  for (let position = 1; position < count; position++) {
    const next = new Array<number>(states).fill(minusInfinity);
    for (let previous = 0; previous < size; previous++) {
      for (let tag = 0; tag < size; tag++) {
        if (!allowed[previous * size + tag]) continue;
        const terms: number[] = [];
        for (let before = 0; before <= size; before++) {
          if (!allowed[before * size + previous]) continue;
          terms.push(
            (alpha[before * size + previous] as number) +
              (transition2[(before * width + previous) * size + tag] as number),
          );
        }
        next[previous * size + tag] =
          logSumExp(terms) +
          (transition[previous * size + tag] as number) +
          (emission[position * size + tag] as number);
      }
    }
    alpha = next;
  }
  return logSumExp(
    alpha.flatMap((value, state) =>
      labels.allowedEnd[state % size] ? [value + (final[state % size] as number)] : [],
    ),
  );
}
