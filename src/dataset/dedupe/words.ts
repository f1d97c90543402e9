import { fnv1a32 } from "../../core/hash.ts";

/** Lower-cased runs of letters and digits: what near-duplicate and copy checks compare, blind to punctuation and spacing. */
export function comparableWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The 32-bit hashes of a text's `size`-word shingles (a shorter text is one shingle of all its words). */
export function wordShingleHashes(words: readonly string[], size: number): Set<number> {
  const shingles = new Set<number>();
  if (words.length === 0) return shingles;
  const last = Math.max(0, words.length - size);
  for (let start = 0; start <= last; start++) {
    shingles.add(fnv1a32(words.slice(start, start + size).join(" ")));
  }
  return shingles;
}
