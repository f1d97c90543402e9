import { jaccard } from "./minhash.ts";
import { comparableWords, wordShingleHashes } from "./words.ts";

export interface ScoredCandidate {
  id: string;
  text: string;
  /** Higher is more worth buying (the student's uncertainty). */
  score: number;
}

export interface DiversePickOptions {
  /** How many to pick. */
  count: number;
  /**
   * A candidate whose word-shingle Jaccard similarity to one already picked is above this is
   * passed over while others remain. @default 0.5
   */
  maxSimilarity?: number | undefined;
  /** Words per shingle. @default 3 */
  shingleSize?: number | undefined;
}

export interface DiversePick extends ScoredCandidate {
  /** Its rank by score alone (0 = the highest). */
  rank: number;
  /** Whether it was taken only to fill the count after every dissimilar candidate was used. */
  filled: boolean;
}

/**
 * Greedy diverse selection: candidates in order of score (highest first, ties by id), each taken
 * unless its shingle set is more similar than `maxSimilarity` to one already taken, so one round
 * does not buy twenty copies of one advert. When too few dissimilar candidates remain, the passed
 * over ones fill the count in score order. Never returns more than `count` or any candidate twice.
 */
export function pickDiverse(
  candidates: readonly ScoredCandidate[],
  options: DiversePickOptions,
): DiversePick[] {
  const maxSimilarity = options.maxSimilarity ?? 0.5;
  const shingleSize = options.shingleSize ?? 3;
  const count = Math.max(0, Math.floor(options.count));
  const ranked = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort(
      (a, b) =>
        b.candidate.score - a.candidate.score ||
        (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : a.index - b.index),
    )
    .map(({ candidate }, rank) => ({ ...candidate, rank, filled: false }));
  const picked: DiversePick[] = [];
  const pickedShingles: Set<number>[] = [];
  const passedOver: DiversePick[] = [];
  const seen = new Set<string>();
  for (const candidate of ranked) {
    if (picked.length >= count) break;
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const shingles = wordShingleHashes(comparableWords(candidate.text), shingleSize);
    if (pickedShingles.some((other) => jaccard(shingles, other) > maxSimilarity)) {
      passedOver.push(candidate);
      continue;
    }
    picked.push(candidate);
    pickedShingles.push(shingles);
  }
  for (const candidate of passedOver) {
    if (picked.length >= count) break;
    picked.push({ ...candidate, filled: true });
  }
  return picked;
}
