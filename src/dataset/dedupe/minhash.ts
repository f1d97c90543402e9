import { createRandom } from "../../core/random.ts";
import { comparableWords, wordShingleHashes } from "./words.ts";

/** murmur3's finaliser: a bijection on 32-bit integers that mixes every bit. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MinHash signatures of shingle sets (Broder 1997): `permutations` seeded hash functions
 * h_i(x) = mix32(a_i·x + b_i); the share of positions where two signatures agree estimates the
 * sets' Jaccard similarity. The same seed always gives the same functions.
 */
export class MinHasher {
  readonly permutations: number;
  private readonly multipliers: Uint32Array;
  private readonly offsets: Uint32Array;

  constructor(options: { permutations?: number | undefined; seed?: number | undefined } = {}) {
    this.permutations = options.permutations ?? 128;
    const random = createRandom(options.seed ?? 1);
    const word = (): number => Math.floor(random.next() * 0x1_0000_0000) >>> 0;
    this.multipliers = Uint32Array.from({ length: this.permutations }, () => (word() | 1) >>> 0);
    this.offsets = Uint32Array.from({ length: this.permutations }, word);
  }

  signature(shingles: Iterable<number>): Uint32Array {
    const signature = new Uint32Array(this.permutations).fill(0xffffffff);
    for (const shingle of shingles) {
      for (let i = 0; i < this.permutations; i++) {
        const hashed = mix32(Math.imul(shingle, this.multipliers[i] ?? 1) + (this.offsets[i] ?? 0));
        if (hashed < (signature[i] ?? 0)) signature[i] = hashed;
      }
    }
    return signature;
  }
}

/** The MinHash estimate of Jaccard similarity: the share of equal signature positions. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new RangeError("signatures of different lengths");
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return a.length === 0 ? 0 : equal / a.length;
}

/** Exact Jaccard similarity |A ∩ B| / |A ∪ B| (1 for two empty sets). */
export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const value of small) if (large.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

/** ∫ f over [from, to] by the trapezoid rule. */
function integrate(f: (x: number) => number, from: number, to: number, steps = 50): number {
  const width = (to - from) / steps;
  let sum = (f(from) + f(to)) / 2;
  for (let i = 1; i < steps; i++) sum += f(from + i * width);
  return sum * width;
}

/**
 * LSH banding for a Jaccard threshold: the (bands, rows) with bands × rows ≤ permutations that
 * minimise the areas of false positives below the threshold and false negatives above it, with
 * false negatives weighted `falseNegativeWeight` (candidates are checked exactly afterwards, so a
 * false positive only costs a comparison, while a false negative lets a duplicate through).
 */
export function lshBanding(
  threshold: number,
  permutations: number,
  falseNegativeWeight = 0.95,
): { bands: number; rows: number } {
  let best = { bands: 1, rows: permutations, error: Number.POSITIVE_INFINITY };
  for (let bands = 1; bands <= permutations; bands++) {
    for (let rows = 1; bands * rows <= permutations; rows++) {
      const candidate = (s: number): number => 1 - (1 - s ** rows) ** bands;
      const falsePositive = integrate(candidate, 0, threshold);
      const falseNegative = integrate((s) => 1 - candidate(s), threshold, 1);
      const error = (1 - falseNegativeWeight) * falsePositive + falseNegativeWeight * falseNegative;
      if (error < best.error) best = { bands, rows, error };
    }
  }
  return { bands: best.bands, rows: best.rows };
}

export interface NearDuplicateOptions {
  /** Jaccard similarity of word shingles at or above which a text is a near-duplicate. */
  threshold: number;
  /** Words per shingle. */
  shingleWords: number;
  /** @default 128 */
  permutations?: number | undefined;
  /** Seed of the hash functions. @default 1 */
  seed?: number | undefined;
}

export interface NearDuplicateMatch {
  /** The id of the earlier, kept text this one duplicates. */
  of: string;
  /** Exact Jaccard similarity of their shingle sets. */
  similarity: number;
}

/**
 * Finds near-duplicates as texts arrive: MinHash signatures banded into LSH buckets give the
 * candidates, which are confirmed on exact shingle Jaccard. Only kept texts enter the index, so
 * the first of a group is kept and whether a text is kept depends only on the texts before it.
 */
export class NearDuplicateIndex {
  readonly bands: number;
  readonly rows: number;
  /** Candidate pairs compared exactly so far. */
  comparisons = 0;
  private readonly hasher: MinHasher;
  private readonly buckets: Map<string, number[]>[];
  private readonly kept: { id: string; shingles: Set<number> }[] = [];

  constructor(private readonly options: NearDuplicateOptions) {
    this.hasher = new MinHasher({ permutations: options.permutations, seed: options.seed });
    const banding = lshBanding(options.threshold, this.hasher.permutations);
    this.bands = banding.bands;
    this.rows = banding.rows;
    this.buckets = Array.from({ length: this.bands }, () => new Map<string, number[]>());
  }

  /** Adds `text` unless it near-duplicates a kept text; returns that match, or undefined when kept. */
  add(id: string, text: string): NearDuplicateMatch | undefined {
    const shingles = wordShingleHashes(comparableWords(text), this.options.shingleWords);
    const signature = this.hasher.signature(shingles);
    const keys = this.buckets.map((_, band) =>
      signature.subarray(band * this.rows, (band + 1) * this.rows).join(","),
    );
    const candidates = new Set<number>();
    keys.forEach((key, band) => {
      for (const hit of this.buckets[band]?.get(key) ?? []) candidates.add(hit);
    });
    let best: NearDuplicateMatch | undefined;
    for (const candidate of [...candidates].sort((a, b) => a - b)) {
      const other = this.kept[candidate];
      if (other === undefined) continue;
      this.comparisons++;
      const similarity = jaccard(shingles, other.shingles);
      if (similarity >= this.options.threshold && (best === undefined || similarity > best.similarity)) {
        best = { of: other.id, similarity };
      }
    }
    if (best) return best;
    const position = this.kept.length;
    this.kept.push({ id, shingles });
    keys.forEach((key, band) => {
      const bucket = this.buckets[band];
      const members = bucket?.get(key);
      if (members) members.push(position);
      else bucket?.set(key, [position]);
    });
    return undefined;
  }
}
