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

function candidateFeatures(
  atoms: readonly TokenAtoms[],
  start: number,
  end: number,
  model: SpanEdgeModel,
): number[] {
  const at = (index: number) => atoms[index] ?? outside;
  const length = Math.min(end - start, model.maxLength);
  let punctuation = 0;
  for (let index = start; index < end; index++) if (at(index).punctuation) punctuation++;
  // Seen from the moving edge: its word, the words beyond it, and the fixed edge's word.
  const towardsOutside = model.side === "end" ? 1 : -1;
  const edgeIndex = model.side === "end" ? end - 1 : start;
  const edge = at(edgeIndex);
  const fixed = at(model.side === "end" ? start : end - 1).core;
  const outer = at(edgeIndex + towardsOutside);
  const beyond = at(edgeIndex + 2 * towardsOutside).core;
  const pair = (template: number, left: number, right: number) =>
    combineHash(combineHash(template, left), right);
  const values = [
    1,
    combineHash(2, edge.core),
    combineHash(3, outer.core),
    pair(4, edge.core, outer.core),
    pair(5, outer.core, beyond),
    combineHash(6, beyond),
    combineHash(7, length),
    pair(8, fixed, length),
    pair(9, fixed, edge.core),
    pair(10, length, outer.core),
    combineHash(11, model.side === "end" ? edge.suffix : edge.prefix),
    combineHash(12, edge.shape),
    combineHash(13, outer.shape),
    combineHash(14, model.side === "end" ? edge.trailing : edge.leading),
    combineHash(15, Math.min(punctuation, 3)),
  ];
  const mask = 2 ** model.hashBits - 1;
  const salt = model.side === "end" ? 0 : 0x5bd1e995;
  return values.map((value) => (value ^ salt) & mask);
}

function score(features: readonly number[], weights: Float32Array | Float64Array): number {
  let total = 0;
  for (const id of features) total += weights[id] as number;
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
  const bump = (features: number[], amount: number, step: number) => {
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

/** The chunks with one edge moved where the model is surer by `margin`; never into a neighbour. */
export function refineSpanEdges(
  tokens: readonly string[],
  chunks: readonly BioChunk[],
  model: SpanEdgeModel,
  margin = model.margin,
): BioChunk[] {
  if (chunks.length === 0) return [];
  const atoms = tokens.map(tokenAtoms);
  return chunks.map((chunk, index) => {
    const { startToken: start, endToken: end } = chunk;
    const low = Math.max(0, end - model.maxLength, chunks[index - 1]?.endToken ?? 0);
    const high = Math.min(
      tokens.length,
      start + model.maxLength,
      chunks[index + 1]?.startToken ?? tokens.length,
    );
    let best: [number, number] = [start, end];
    let top = score(candidateFeatures(atoms, start, end, model), model.weights) + margin;
    for (const candidate of candidates(model.side, start, end, low, high)) {
      const value = score(candidateFeatures(atoms, candidate[0], candidate[1], model), model.weights);
      if (value > top) {
        top = value;
        best = candidate;
      }
    }
    return best[0] === start && best[1] === end
      ? chunk
      : { ...chunk, startToken: best[0], endToken: best[1] };
  });
}

/** BIO tags of chunks over `count` tokens (bare or typed, as the chunk labels say). */
export function chunksToTags(chunks: readonly BioChunk[], count: number): string[] {
  const tags = Array.from({ length: count }, () => "O");
  for (const chunk of chunks) {
    const suffix = chunk.label === "" ? "" : `-${chunk.label}`;
    for (let position = chunk.startToken; position < chunk.endToken; position++)
      tags[position] = `${position === chunk.startToken ? "B" : "I"}${suffix}`;
  }
  return tags;
}
