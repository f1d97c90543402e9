import { fnv1a32 } from "../../core/hash.ts";
import { comparableWords } from "./words.ts";

export interface SeedText {
  /** How the seed is named in a rejection (its file). */
  name: string;
  text: string;
}

export interface SeedCopyMatch {
  seed: string;
  /** The longest run of consecutive words shared with that seed (at least the detector's minimum). */
  words: number;
}

/**
 * Finds texts that copy a seed example: a run of at least `minWords` consecutive words (compared
 * lower-case, punctuation aside) that also occurs in a seed. Every `minWords`-gram of the seeds is
 * indexed once; a text is checked in one pass over its own grams.
 */
export class SeedCopyDetector {
  private readonly grams = new Map<number, { seed: number; start: number }[]>();
  private readonly seedWords: string[][];

  constructor(
    private readonly seeds: readonly SeedText[],
    private readonly minWords: number,
  ) {
    this.seedWords = seeds.map((seed) => comparableWords(seed.text));
    this.seedWords.forEach((words, seed) => {
      for (let start = 0; start + minWords <= words.length; start++) {
        const key = fnv1a32(words.slice(start, start + minWords).join(" "));
        const places = this.grams.get(key);
        if (places) places.push({ seed, start });
        else this.grams.set(key, [{ seed, start }]);
      }
    });
  }

  /** The seed `text` copies most (by the longest shared run), or undefined when it copies none. */
  find(text: string): SeedCopyMatch | undefined {
    if (this.grams.size === 0) return undefined;
    const words = comparableWords(text);
    let best: SeedCopyMatch | undefined;
    for (let start = 0; start + this.minWords <= words.length; start++) {
      const places = this.grams.get(fnv1a32(words.slice(start, start + this.minWords).join(" ")));
      for (const place of places ?? []) {
        const seedWords = this.seedWords[place.seed] ?? [];
        // Confirm word by word (a hash collision is not a copy), then extend the run.
        let length = 0;
        while (
          start + length < words.length &&
          place.start + length < seedWords.length &&
          words[start + length] === seedWords[place.start + length]
        ) {
          length++;
        }
        if (length >= this.minWords && (best === undefined || length > best.words)) {
          best = { seed: this.seeds[place.seed]?.name ?? "", words: length };
        }
      }
    }
    return best;
  }
}
