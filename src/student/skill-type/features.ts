import { z } from "zod";
import { singularise } from "../../tasks/skill-type/normalise-skill.ts";

export const skillTypeFeatureConfigSchema = z.object({
  /** log2 of the number of hash buckets. */
  hashBits: z.number().int().min(10).max(24),
  /** Character n-gram lengths inside `<word>`. */
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(1).max(8),
  /** Word pairs as well as single words. */
  wordBigrams: z.boolean(),
});
export type SkillTypeFeatureConfig = z.infer<typeof skillTypeFeatureConfigSchema>;

export const defaultSkillTypeFeatureConfig: SkillTypeFeatureConfig = {
  hashBits: 18,
  charMin: 3,
  charMax: 5,
  wordBigrams: true,
};

/** What a lexicon says about a phrase, when one is loaded: a feature, not a verdict. */
export type LexiconHint = "hard" | "soft" | "language" | "unknown" | undefined;

/** FNV-1a over a string, finished with murmur3's mixer so the low bits spread. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Words of a phrase, lower-cased, edge punctuation off, simple plurals singular. */
export function phraseWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .split(/[\s()[\]{}"'“”‘’;:!?,/|]+/)
    .map((word) => word.replace(/^[-–.*•·]+(?=\w)/u, "").replace(/[-–.*•·]+$/u, ""))
    .filter((word) => word.length > 0)
    .map(singularise);
}

/**
 * The hashed feature ids of a phrase: words, word pairs, the first and last word, character
 * n-grams of each word (so "loyal" shares evidence with "loyalty"), and the phrase's shape
 * (length, capitals, acronyms, digits, symbols such as "#", "+" or "." inside a word).
 */
export function skillTypeFeatures(
  phrase: string,
  config: SkillTypeFeatureConfig,
  lexiconHint?: LexiconHint,
): Uint32Array {
  const mask = (1 << config.hashBits) - 1;
  const ids = new Set<number>();
  const add = (feature: string): void => {
    ids.add(hashString(feature) & mask);
  };
  const words = phraseWords(phrase);
  add("bias");
  add(`n:${Math.min(words.length, 6)}`);
  words.forEach((word, index) => {
    add(`w:${word}`);
    if (index === 0) add(`f:${word}`);
    if (index === words.length - 1) add(`l:${word}`);
    if (config.wordBigrams && index > 0) add(`b:${words[index - 1]} ${word}`);
    const bounded = `<${word}>`;
    for (let n = config.charMin; n <= config.charMax; n++) {
      for (let start = 0; start + n <= bounded.length; start++) add(`c:${bounded.slice(start, start + n)}`);
    }
  });
  const tokens = phrase
    .trim()
    .split(/\s+/)
    .filter((token) => /\w/.test(token));
  if (tokens.some((token) => /^[A-Z]{2,}[a-z]*$/.test(token) || /^[A-Z][a-z]+[A-Z]/.test(token)))
    add("s:acronym");
  if (tokens.length > 0 && tokens.every((token) => /^[A-Z]/.test(token))) add("s:all-capitalised");
  if (/\d/.test(phrase)) add("s:digit");
  if (/\w[#+.]|[#+]$|^\.\w/.test(phrase.trim())) add("s:symbol");
  if (lexiconHint) add(`lex:${lexiconHint}`);
  return Uint32Array.from(ids);
}
