import { z } from "zod";

/**
 * How a segment becomes hashed feature indices. Serialised with the model: the same text must
 * hash to the same indices at training and prediction time.
 */
export const featureConfigSchema = z.object({
  /** log2 of the number of hash buckets. */
  hashBits: z.number().int().min(8).max(26),
  /** Longest word n-gram: 1 = unigrams, 2 = unigrams + bigrams, … */
  wordNgrams: z.number().int().min(1).max(5),
  /** Character n-gram lengths inside `<word>` (fastText style), or false for none. */
  charNgrams: z.union([
    z.literal(false),
    z.object({ min: z.number().int().min(1).max(10), max: z.number().int().min(1).max(10) }),
  ]),
});
export type FeatureConfig = z.infer<typeof featureConfigSchema>;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Distinct starting states keep words, word n-grams, char n-grams and extra features apart.
const WORD_SEED = FNV_OFFSET;
const CHAR_SEED = 0x5bd1e995;
const EXTRA_SEED = 0x27d4eb2f;
const BOUNDARY_START = 0x3c; // "<"
const BOUNDARY_END = 0x3e; // ">"

/** murmur3's finaliser: spreads FNV's weak low bits before masking to the table size. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One-code-unit lower-casing for the scripts job adverts use, computed once. */
const LOWER_LIMIT = 0x2500;
const lowerTable = (() => {
  const table = new Uint16Array(LOWER_LIMIT);
  for (let c = 0; c < LOWER_LIMIT; c++) {
    const lower = String.fromCharCode(c).toLowerCase();
    table[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
  }
  return table;
})();

function lowerCode(c: number): number {
  return c < LOWER_LIMIT ? (lowerTable[c] as number) : c;
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x3000
  );
}

// Punctuation that is split off a word's edges; inner characters stay ("c++", "node.js", "ci/cd").
function isLeadingPunctuation(c: number): boolean {
  return c === 0x28 || c === 0x5b || c === 0x7b || c === 0x22 || c === 0x27 || c === 0x2022;
}
function isTrailingPunctuation(c: number): boolean {
  return (
    c === 0x2e ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x3a ||
    c === 0x21 ||
    c === 0x3f ||
    c === 0x29 ||
    c === 0x5d ||
    c === 0x7d ||
    c === 0x22 ||
    c === 0x27
  );
}

/**
 * Turns text into hashed feature indices, reusing its buffers: after `extract`, the first `count`
 * entries of `indices` are valid until the next call. One instance per thread of use.
 */
export class FeatureExtractor {
  readonly config: FeatureConfig;
  indices: Int32Array = new Int32Array(1024);
  count = 0;
  private readonly mask: number;
  private tokenStarts = new Int32Array(128);
  private tokenEnds = new Int32Array(128);
  private tokenHashes = new Int32Array(128);
  private tokenCount = 0;
  private wordChars = new Uint16Array(64);

  constructor(config: FeatureConfig) {
    this.config = config;
    this.mask = (1 << config.hashBits) - 1;
  }

  /** Fills `indices[0..count)` for `text` (and optional extra feature strings); returns `count`. */
  extract(text: string, extraFeatures?: readonly string[]): number {
    this.count = 0;
    this.tokenize(text);
    const { wordNgrams, charNgrams } = this.config;
    const tokenCount = this.tokenCount;
    for (let t = 0; t < tokenCount; t++) {
      const wordHash = this.tokenHashes[t] as number;
      this.push(mix(wordHash));
      let combined = wordHash;
      for (let n = 2; n <= wordNgrams && t + n - 1 < tokenCount; n++) {
        combined = (Math.imul(combined, 116049371) + (this.tokenHashes[t + n - 1] as number)) | 0;
        this.push(mix(combined ^ Math.imul(n, 0x9e3779b1)));
      }
      if (charNgrams !== false) {
        this.pushCharNgrams(text, this.tokenStarts[t] as number, this.tokenEnds[t] as number, charNgrams);
      }
    }
    if (extraFeatures) {
      for (const feature of extraFeatures) {
        let h = EXTRA_SEED;
        for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), FNV_PRIME);
        this.push(mix(h));
      }
    }
    return this.count;
  }

  private push(hash: number): void {
    if (this.count === this.indices.length) {
      const grown = new Int32Array(this.indices.length * 2);
      grown.set(this.indices);
      this.indices = grown;
    }
    this.indices[this.count++] = hash & this.mask;
  }

  private addToken(text: string, start: number, end: number): void {
    if (this.tokenCount === this.tokenStarts.length) {
      const size = this.tokenStarts.length * 2;
      const starts = new Int32Array(size);
      const ends = new Int32Array(size);
      const hashes = new Int32Array(size);
      starts.set(this.tokenStarts);
      ends.set(this.tokenEnds);
      hashes.set(this.tokenHashes);
      this.tokenStarts = starts;
      this.tokenEnds = ends;
      this.tokenHashes = hashes;
    }
    let h = WORD_SEED;
    for (let i = start; i < end; i++) h = Math.imul(h ^ lowerCode(text.charCodeAt(i)), FNV_PRIME);
    this.tokenStarts[this.tokenCount] = start;
    this.tokenEnds[this.tokenCount] = end;
    this.tokenHashes[this.tokenCount] = h;
    this.tokenCount++;
  }

  /** Whitespace-separated words, with edge punctuation split off as one-character tokens. */
  private tokenize(text: string): void {
    this.tokenCount = 0;
    const length = text.length;
    let i = 0;
    while (i < length) {
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) break;
      let end = i;
      while (end < length && !isSpace(text.charCodeAt(end))) end++;
      let start = i;
      i = end;
      while (start < end && isLeadingPunctuation(text.charCodeAt(start))) {
        this.addToken(text, start, start + 1);
        start++;
      }
      let wordEnd = end;
      while (wordEnd > start && isTrailingPunctuation(text.charCodeAt(wordEnd - 1))) wordEnd--;
      if (wordEnd > start) this.addToken(text, start, wordEnd);
      for (let p = wordEnd; p < end; p++) this.addToken(text, p, p + 1);
    }
  }

  /** Character n-grams of `<word>`, hashed incrementally without building substrings. */
  private pushCharNgrams(
    text: string,
    start: number,
    end: number,
    lengths: { min: number; max: number },
  ): void {
    const paddedLength = end - start + 2;
    if (paddedLength > this.wordChars.length) this.wordChars = new Uint16Array(paddedLength * 2);
    const chars = this.wordChars;
    chars[0] = BOUNDARY_START;
    for (let i = start; i < end; i++) chars[i - start + 1] = lowerCode(text.charCodeAt(i));
    chars[paddedLength - 1] = BOUNDARY_END;
    const { min, max } = lengths;
    for (let from = 0; from < paddedLength; from++) {
      let h = CHAR_SEED;
      const last = Math.min(paddedLength, from + max);
      for (let to = from; to < last; to++) {
        h = Math.imul(h ^ (chars[to] as number), FNV_PRIME);
        const n = to - from + 1;
        // A lone boundary marker carries no information.
        if (n >= min && !(n === 1 && (to === 0 || to === paddedLength - 1))) this.push(mix(h ^ n));
      }
    }
  }
}
