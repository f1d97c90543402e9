import { type BioChunk, bioToChunks } from "../../align/bio.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import { combineHash, hashString } from "./hashing.ts";
import { normaliseWord, shortShape, wordShape } from "./word-forms.ts";

/**
 * A second look at where each predicted span ends (or starts). Token taggers find the region of a
 * long span but often stop early: on SkillSpan dev most boundary errors of "skill" are spans cut two or
 * more tokens short. A ranker scores every end reachable from the span's start (or every start that
 * reaches its end) with span-level features a token tagger cannot see — the edge word, the words
 * beyond it, length, the other edge's word with the length, punctuation inside — and moves the edge
 * only when the best candidate outscores the tagger's by `margin`.
 */
export interface SpanEdgeModel {
  /** Which edge the model moves; the other one stays where the tagger put it. */
  side: "start" | "end";
  hashBits: number;
  /** Longest span considered, in tokens. */
  maxLength: number;
  /** How much better than the tagger's edge a candidate must score (chosen on dev). */
  margin: number;
  weights: Float32Array;
}

export interface SpanEdgeTrainOptions {
  hashBits?: number;
  maxLength?: number;
  epochs?: number;
  seed?: number;
}

/** Margins tried on dev (training keeps the tagger's edges when none helps). */
export const spanEdgeMargins = [8, 6, 4, 3, 2, 1] as const;

const punctuationToken = /^[\p{P}\p{S}]+$/u;
const punctuationChar = /[\p{P}\p{S}]/u;

/** What the features need of one token, hashed once per distinct token. */
interface TokenAtoms {
  core: number;
  shape: number;
  prefix: number;
  suffix: number;
  leading: number;
  trailing: number;
  punctuation: boolean;
}

const atomCache = new Map<string, TokenAtoms>();

function tokenAtoms(token: string): TokenAtoms {
  const cached = atomCache.get(token);
  if (cached) return cached;
  const core = normaliseWord(token);
  const first = token.slice(0, 1);
  const last = token.slice(-1);
  const atoms: TokenAtoms = {
    core: hashString(core, 1),
    shape: hashString(shortShape(wordShape(token)), 2),
    prefix: hashString(core.slice(0, 3), 3),
    suffix: hashString(core.slice(-3), 4),
    leading: punctuationChar.test(first) ? hashString(first, 5) : 0,
    trailing: punctuationChar.test(last) ? hashString(last, 5) : 0,
    punctuation: punctuationToken.test(token),
  };
  if (atomCache.size > 200_000) atomCache.clear();
  atomCache.set(token, atoms);
  return atoms;
}

const outside: TokenAtoms = {
  core: hashString("<outside>", 1),
  shape: hashString("<outside>", 2),
  prefix: 0,
  suffix: 0,
  leading: 0,
  trailing: 0,
  punctuation: false,
};

function atomAt(atoms: readonly TokenAtoms[], index: number): TokenAtoms {
  return atoms[index] ?? outside;
}

function pair(template: number, left: number, right: number): number {
  return combineHash(combineHash(template, left), right);
}

/** How many features `candidateFeatures` writes. */
const candidateFeatureCount = 15;

/**
 * The hashed features of one candidate span, written into `into` (prediction reuses one array, as
 * scoring thousands of candidates per second made the per-candidate arrays show up in profiles).
 */
function candidateFeatures(
  atoms: readonly TokenAtoms[],
  start: number,
  end: number,
  model: SpanEdgeModel,
  into: Uint32Array = new Uint32Array(candidateFeatureCount),
): Uint32Array {
  const length = Math.min(end - start, model.maxLength);
  let punctuation = 0;
  for (let index = start; index < end; index++) if (atomAt(atoms, index).punctuation) punctuation++;
  // Seen from the moving edge: its word, the words beyond it, and the fixed edge's word.
  const isEnd = model.side === "end";
  const towardsOutside = isEnd ? 1 : -1;
  const edgeIndex = isEnd ? end - 1 : start;
  const edge = atomAt(atoms, edgeIndex);
  const fixed = atomAt(atoms, isEnd ? start : end - 1).core;
  const outer = atomAt(atoms, edgeIndex + towardsOutside);
  const beyond = atomAt(atoms, edgeIndex + 2 * towardsOutside).core;
  const mask = 2 ** model.hashBits - 1;
  const salt = isEnd ? 0 : 0x5bd1e995;
  into[0] = (1 ^ salt) & mask;
  into[1] = (combineHash(2, edge.core) ^ salt) & mask;
  into[2] = (combineHash(3, outer.core) ^ salt) & mask;
  into[3] = (pair(4, edge.core, outer.core) ^ salt) & mask;
  into[4] = (pair(5, outer.core, beyond) ^ salt) & mask;
  into[5] = (combineHash(6, beyond) ^ salt) & mask;
  into[6] = (combineHash(7, length) ^ salt) & mask;
  into[7] = (pair(8, fixed, length) ^ salt) & mask;
  into[8] = (pair(9, fixed, edge.core) ^ salt) & mask;
  into[9] = (pair(10, length, outer.core) ^ salt) & mask;
  into[10] = (combineHash(11, isEnd ? edge.suffix : edge.prefix) ^ salt) & mask;
  into[11] = (combineHash(12, edge.shape) ^ salt) & mask;
  into[12] = (combineHash(13, outer.shape) ^ salt) & mask;
  into[13] = (combineHash(14, isEnd ? edge.trailing : edge.leading) ^ salt) & mask;
  into[14] = (combineHash(15, Math.min(punctuation, 3)) ^ salt) & mask;
  return into;
}

function score(features: ArrayLike<number>, weights: Float32Array | Float64Array): number {
  let total = 0;
  for (let index = 0; index < features.length; index++) total += weights[features[index] as number] as number;
  return total;
}

/** The candidate edges of a span whose other edge is fixed, within `limit` (exclusive bounds). */
function candidates(side: SpanEdgeModel["side"], start: number, end: number, low: number, high: number) {
  const out: [number, number][] = [];
  if (side === "end")
    for (let candidate = start + 1; candidate <= high; candidate++) out.push([start, candidate]);
  else for (let candidate = end - 1; candidate >= low; candidate--) out.push([candidate, end]);
  return out;
}

/** Learns to pick each gold span's edge among those reachable from its other edge (averaged perceptron). */
export function trainSpanEdge(
  sentences: readonly { tokens: readonly string[]; tags: readonly string[] }[],
  side: SpanEdgeModel["side"],
  options: SpanEdgeTrainOptions = {},
): SpanEdgeModel {
  const model: SpanEdgeModel = {
    side,
    hashBits: options.hashBits ?? 18,
    maxLength: options.maxLength ?? 10,
    margin: 0,
    weights: new Float32Array(0),
  };
  const size = 2 ** model.hashBits;
  const weights = new Float64Array(size);
  const sums = new Float64Array(size);
  const spans: { atoms: TokenAtoms[]; start: number; end: number }[] = [];
  for (const { tokens, tags } of sentences) {
    const chunks = bioToChunks(tags);
    if (chunks.length === 0) continue;
    const atoms = tokens.map(tokenAtoms);
    for (const chunk of chunks) {
      if (chunk.endToken - chunk.startToken <= model.maxLength)
        spans.push({ atoms, start: chunk.startToken, end: chunk.endToken });
    }
  }
  const bump = (features: Uint32Array, amount: number, step: number) => {
    for (const id of features) {
      weights[id] = (weights[id] as number) + amount;
      sums[id] = (sums[id] as number) + amount * step;
    }
  };
  const random = createRandom(options.seed ?? 1);
  let step = 1;
  const indices = spans.map((_, index) => index);
  for (let epoch = 0; epoch < (options.epochs ?? 5); epoch++) {
    for (const index of shuffled(indices, random)) {
      const { atoms, start, end } = spans[index] as (typeof spans)[number];
      const low = Math.max(0, end - model.maxLength);
      const high = Math.min(atoms.length, start + model.maxLength);
      let best: [number, number] = [start, end];
      let top = Number.NEGATIVE_INFINITY;
      for (const candidate of candidates(side, start, end, low, high)) {
        const value = score(candidateFeatures(atoms, candidate[0], candidate[1], model), weights);
        if (value > top) {
          top = value;
          best = candidate;
        }
      }
      if (best[0] !== start || best[1] !== end) {
        bump(candidateFeatures(atoms, start, end, model), 1, step);
        bump(candidateFeatures(atoms, best[0], best[1], model), -1, step);
      }
      step++;
    }
  }
  model.weights = Float32Array.from(weights, (weight, index) => weight - (sums[index] as number) / step);
  return model;
}

/** Reused by `refineSpanEdges` for each candidate's features. */
const candidateScratch = new Uint32Array(candidateFeatureCount);

/** The chunks with one edge moved where the model is surer by `margin`; never into a neighbour. */
export function refineSpanEdges(
  tokens: readonly string[],
  chunks: readonly BioChunk[],
  model: SpanEdgeModel,
  margin = model.margin,
): BioChunk[] {
  if (chunks.length === 0) return [];
  const atoms = tokens.map(tokenAtoms);
  const { weights } = model;
  const refined: BioChunk[] = [];
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index] as BioChunk;
    const { startToken: start, endToken: end } = chunk;
    const low = Math.max(0, end - model.maxLength, chunks[index - 1]?.endToken ?? 0);
    const high = Math.min(
      tokens.length,
      start + model.maxLength,
      chunks[index + 1]?.startToken ?? tokens.length,
    );
    let bestStart = start;
    let bestEnd = end;
    let top = score(candidateFeatures(atoms, start, end, model, candidateScratch), weights) + margin;
    // The candidates of `candidates()`, in the same order, without building the list.
    const first = model.side === "end" ? start + 1 : end - 1;
    const last = model.side === "end" ? high : low;
    const step = model.side === "end" ? 1 : -1;
    for (let edge = first; step * edge <= step * last; edge += step) {
      const candidateStart = model.side === "end" ? start : edge;
      const candidateEnd = model.side === "end" ? edge : end;
      const value = score(
        candidateFeatures(atoms, candidateStart, candidateEnd, model, candidateScratch),
        weights,
      );
      if (value > top) {
        top = value;
        bestStart = candidateStart;
        bestEnd = candidateEnd;
      }
    }
    refined.push(
      bestStart === start && bestEnd === end ? chunk : { ...chunk, startToken: bestStart, endToken: bestEnd },
    );
  }
  return refined;
}

/** BIO tags of chunks over `count` tokens (bare or typed, as the chunk labels say). */
export function chunksToTags(chunks: readonly BioChunk[], count: number): string[] {
  const tags = new Array<string>(count).fill("O");
  for (const chunk of chunks) {
    const suffix = chunk.label === "" ? "" : `-${chunk.label}`;
    for (let position = chunk.startToken; position < chunk.endToken; position++)
      tags[position] = `${position === chunk.startToken ? "B" : "I"}${suffix}`;
  }
  return tags;
}
