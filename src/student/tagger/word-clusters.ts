import { createRandom } from "../../core/random.ts";
import { hashString } from "./hashing.ts";
import { normaliseWord } from "./word-forms.ts";

export interface WordClusterOptions {
  /** Words seen fewer times get no cluster. Default 2. */
  minCount?: number;
  /** How many of the most frequent words serve as context features. Default 2000. */
  contextWords?: number;
  /** Width of the random projection of context counts. Default 96. */
  dimensions?: number;
  /** Depth of the binary tree, i.e. the longest path. Default 14. */
  maxDepth?: number;
  seed?: number;
}

/**
 * Brown-like hierarchical word clusters learned from unlabelled sentences: each word is described by
 * PPMI-weighted counts of its left and right neighbours (randomly projected to a short dense vector),
 * and the words are split in two by spherical 2-means, recursively. A word's cluster is its path of
 * 0/1 choices from the root, so prefixes give coarser clusters. Keys are normalised words.
 */
export function learnWordClusters(
  sentences: Iterable<readonly string[]>,
  options: WordClusterOptions = {},
): Map<string, string> {
  const minCount = options.minCount ?? 2;
  const contextWords = options.contextWords ?? 2000;
  const dimensions = options.dimensions ?? 96;
  const maxDepth = options.maxDepth ?? 14;
  const random = createRandom(options.seed ?? 1);

  const normalised: string[][] = [];
  const frequency = new Map<string, number>();
  for (const tokens of sentences) {
    const words = tokens.map(normaliseWord);
    normalised.push(words);
    for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  const byFrequency = [...frequency.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const vocabulary = byFrequency.filter(([, count]) => count >= minCount).map(([word]) => word);
  const wordIndex = new Map(vocabulary.map((word, index) => [word, index]));
  const contextIndex = new Map(byFrequency.slice(0, contextWords).map(([word], index) => [word, index]));
  const contextCount = contextIndex.size;

  // Sparse co-occurrence counts: (word, side, context) → count; side 0 = left neighbour, 1 = right.
  const cooccurrence = new Map<number, number>();
  const wordTotals = new Float64Array(vocabulary.length);
  const contextTotals = new Float64Array(contextCount * 2 + 2);
  let total = 0;
  const boundary = contextCount;
  for (const words of normalised) {
    words.forEach((word, position) => {
      const row = wordIndex.get(word);
      if (row === undefined) return;
      const left = position > 0 ? (contextIndex.get(words[position - 1] as string) ?? -1) : boundary;
      const right =
        position < words.length - 1 ? (contextIndex.get(words[position + 1] as string) ?? -1) : boundary;
      for (const [side, context] of [
        [0, left],
        [1, right],
      ] as const) {
        if (context < 0) continue;
        const column = side * (contextCount + 1) + context;
        const key = row * (2 * contextCount + 2) + column;
        cooccurrence.set(key, (cooccurrence.get(key) ?? 0) + 1);
        wordTotals[row] = (wordTotals[row] ?? 0) + 1;
        contextTotals[column] = (contextTotals[column] ?? 0) + 1;
        total++;
      }
    });
  }

  const vectors = new Float32Array(vocabulary.length * dimensions);
  const columns = 2 * contextCount + 2;
  for (const [key, count] of cooccurrence) {
    const row = Math.floor(key / columns);
    const column = key % columns;
    const pmi = Math.log((count * total) / ((wordTotals[row] as number) * (contextTotals[column] as number)));
    if (pmi <= 0) continue;
    // Each context column projects onto a few random ±1 dimensions (a sparse random projection).
    for (let probe = 0; probe < 3; probe++) {
      const hash = hashString(String(column), probe + 1);
      const dimension = hash % dimensions;
      vectors[row * dimensions + dimension] =
        (vectors[row * dimensions + dimension] as number) + (hash & 0x80000000 ? -pmi : pmi);
    }
  }
  for (let row = 0; row < vocabulary.length; row++) normalise(vectors, row, dimensions);

  const paths = new Map<string, string>();
  const split = (members: number[], path: string): void => {
    if (members.length <= 1 || path.length >= maxDepth) {
      for (const member of members) paths.set(vocabulary[member] as string, path || "0");
      return;
    }
    const [zero, one] = twoMeans(members, vectors, dimensions, random);
    if (zero.length === 0 || one.length === 0) {
      for (const member of members) paths.set(vocabulary[member] as string, path || "0");
      return;
    }
    split(zero, `${path}0`);
    split(one, `${path}1`);
  };
  split(
    vocabulary.map((_, index) => index),
    "",
  );
  return paths;
}

function normalise(vectors: Float32Array, row: number, dimensions: number): void {
  let norm = 0;
  for (let d = 0; d < dimensions; d++) norm += (vectors[row * dimensions + d] as number) ** 2;
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dimensions; d++)
    vectors[row * dimensions + d] = (vectors[row * dimensions + d] as number) * scale;
}

/** Spherical 2-means with seeded initial centres; returns the two groups in a stable order. */
function twoMeans(
  members: number[],
  vectors: Float32Array,
  dimensions: number,
  random: ReturnType<typeof createRandom>,
): [number[], number[]] {
  const first = members[random.int(members.length)] as number;
  // Second centre: the member least similar to the first, for a decisive first split.
  let second = first;
  let lowest = Number.POSITIVE_INFINITY;
  for (const member of members) {
    const similarity = dot(vectors, member * dimensions, vectors, first * dimensions, dimensions);
    if (similarity < lowest) {
      lowest = similarity;
      second = member;
    }
  }
  const centres = new Float32Array(2 * dimensions);
  centres.set(vectors.subarray(first * dimensions, (first + 1) * dimensions), 0);
  centres.set(vectors.subarray(second * dimensions, (second + 1) * dimensions), dimensions);
  let assignment = new Uint8Array(members.length);
  for (let iteration = 0; iteration < 8; iteration++) {
    const next = new Uint8Array(members.length);
    members.forEach((member, index) => {
      const toZero = dot(vectors, member * dimensions, centres, 0, dimensions);
      const toOne = dot(vectors, member * dimensions, centres, dimensions, dimensions);
      next[index] = toOne > toZero ? 1 : 0;
    });
    const changed = next.some((value, index) => value !== assignment[index]);
    assignment = next;
    centres.fill(0);
    members.forEach((member, index) => {
      const offset = (assignment[index] as number) * dimensions;
      for (let d = 0; d < dimensions; d++) {
        centres[offset + d] = (centres[offset + d] as number) + (vectors[member * dimensions + d] as number);
      }
    });
    normalise(centres, 0, dimensions);
    normalise(centres, 1, dimensions);
    if (!changed && iteration > 0) break;
  }
  const zero: number[] = [];
  const one: number[] = [];
  members.forEach((member, index) => {
    (assignment[index] ? one : zero).push(member);
  });
  return [zero, one];
}

function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
  let sum = 0;
  for (let d = 0; d < length; d++) sum += (a[aOffset + d] as number) * (b[bOffset + d] as number);
  return sum;
}
