/** Lower-cased runs of letters and digits: what near-duplicate and copy checks compare, blind to punctuation and spacing. */
export function comparableWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** FNV-1a over the UTF-16 code units: a fast 32-bit hash of a shingle. */
export function hashString32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The 32-bit hashes of a text's `size`-word shingles (a shorter text is one shingle of all its words). */
export function wordShingleHashes(words: readonly string[], size: number): Set<number> {
  const shingles = new Set<number>();
  if (words.length === 0) return shingles;
  const last = Math.max(0, words.length - size);
  for (let start = 0; start <= last; start++) {
    shingles.add(hashString32(words.slice(start, start + size).join(" ")));
  }
  return shingles;
}
