import { normaliseWord } from "./word-forms.ts";

/** Phrases (e.g. ESCO skill labels) matched on normalised tokens, longest match first. */
export class PhraseLexicon {
  readonly phrases: ReadonlySet<string>;
  readonly maxLength: number;

  constructor(phrases: Iterable<string>) {
    const set = new Set<string>();
    let maxLength = 0;
    for (const phrase of phrases) {
      const words = phrase
        .split(/\s+/)
        .map(normaliseWord)
        .filter((word) => word !== "");
      if (words.length === 0) continue;
      set.add(words.join(" "));
      maxLength = Math.max(maxLength, words.length);
    }
    this.phrases = set;
    this.maxLength = maxLength;
  }

  /**
   * Greedy left-to-right longest match. Returns one mark per token: 0 outside a match, 1 at the
   * first token of a match, 2 inside one.
   */
  mark(normalisedTokens: readonly string[]): Uint8Array {
    const marks = new Uint8Array(normalisedTokens.length);
    let position = 0;
    while (position < normalisedTokens.length) {
      let matched = 0;
      const longest = Math.min(this.maxLength, normalisedTokens.length - position);
      for (let length = longest; length >= 1 && matched === 0; length--) {
        const words = normalisedTokens.slice(position, position + length);
        if (words.every((word) => word !== "") && this.phrases.has(words.join(" "))) matched = length;
      }
      if (matched === 0) {
        position++;
        continue;
      }
      marks[position] = 1;
      for (let index = position + 1; index < position + matched; index++) marks[index] = 2;
      position += matched;
    }
    return marks;
  }
}
