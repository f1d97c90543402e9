import type { LexiconEntry, LexiconKind } from "../../dataset/lexicon/index.ts";
import type { SkillTypeExample } from "./train.ts";

export interface LexiconExampleOptions {
  /** How each lexicon kind becomes a class; kinds mapped to undefined are left out. */
  labelOf?: (kind: LexiconKind) => string | undefined;
  /** Add derived variants of each label (see `phraseVariants`). Default true. */
  augment?: boolean;
  /** Weight of a derived variant relative to a real label. Default 0.5. */
  variantWeight?: number;
}

/** Hard and language → Hard, soft → Soft, unknown left out: the student's default classes. */
export function defaultLexiconLabel(kind: LexiconKind): string | undefined {
  if (kind === "soft") return "Soft";
  if (kind === "hard" || kind === "language") return "Hard";
  return undefined;
}

/**
 * Training examples from a lexicon: every label and alt label with its entry's class, plus derived
 * variants that look more like what adverts write (ESCO says "work independently", adverts say
 * "independent" or "working independently"). Variants come from general English rules applied
 * to every entry alike, never from evaluation data.
 */
export function lexiconTrainingExamples(
  entries: readonly LexiconEntry[],
  options: LexiconExampleOptions = {},
): SkillTypeExample[] {
  const labelOf = options.labelOf ?? defaultLexiconLabel;
  const variantWeight = options.variantWeight ?? 0.5;
  const examples: SkillTypeExample[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const label = labelOf(entry.kind);
    if (label === undefined) return;
    // Every name of one entry is a name of one concept (for the concept linker).
    const concept = `lexicon:${index}`;
    for (const phrase of [entry.label, ...entry.altLabels]) {
      const key = `${concept}\u0000${phrase.toLowerCase()}`;
      if (!seen.has(key)) {
        seen.add(key);
        examples.push({ phrase, label, concept });
      }
    }
    if (options.augment === false) return;
    for (const variant of phraseVariants(entry.label, entry.skillType === "knowledge")) {
      const key = `${concept}\u0000${variant.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      examples.push({ phrase: variant, label, weight: variantWeight, concept });
    }
  });
  return examples;
}

const prepositions = new Set([
  "in",
  "to",
  "with",
  "on",
  "for",
  "of",
  "at",
  "by",
  "from",
  "about",
  "a",
  "an",
  "the",
]);

/**
 * Derived forms of a lexicon label: without a parenthesised qualifier ("Java (computer
 * programming)" → "Java"); for verb-led labels (skills and competences) the gerund ("solve
 * problems" → "solving problems") and the object without its verb ("show initiative" →
 * "initiative"); adverbs and abstract nouns turned into adjectives ("independently" →
 * "independent", "loyalty" → "loyal", "curiosity" → "curious", "collaboration" → "collaborative",
 * "empathy" → "empathetic", "open-mindedness" → "open-minded").
 */
export function phraseVariants(label: string, isNounPhrase: boolean): string[] {
  const variants = new Set<string>();
  const base = label.replace(/\s*\([^)]*\)\s*/g, " ").trim();
  if (base !== label.trim() && base.length > 0) variants.add(base);
  const words = base.split(/\s+/).filter((word) => word.length > 0);
  if (!isNounPhrase && words.length >= 2) {
    const [verb, ...rest] = words as [string, ...string[]];
    variants.add([gerund(verb), ...rest].join(" "));
    let object = rest;
    while (object.length > 1 && prepositions.has((object[0] as string).toLowerCase()))
      object = object.slice(1);
    if (object.length > 0 && !prepositions.has((object[0] as string).toLowerCase()))
      variants.add(object.join(" "));
  }
  for (const word of words) for (const adjective of adjectivesOf(word.toLowerCase())) variants.add(adjective);
  variants.delete(label);
  return [...variants];
}

function gerund(verb: string): string {
  const lower = verb.toLowerCase();
  if (lower.endsWith("ie")) return `${verb.slice(0, -2)}ying`;
  if (lower.endsWith("ee") || lower.endsWith("ye")) return `${verb}ing`;
  if (lower.endsWith("e") && lower.length > 2) return `${verb.slice(0, -1)}ing`;
  return `${verb}ing`;
}

const adjectiveRules: [RegExp, string][] = [
  [/ically$/, "ical"],
  [/ably$/, "able"],
  [/ibly$/, "ible"],
  [/([a-z]{3})ly$/, "$1"],
  [/ibility$/, "ible"],
  [/ability$/, "able"],
  [/osity$/, "ous"],
  [/ivity$/, "ive"],
  [/alty$/, "al"],
  [/asm$/, "astic"],
  [/ism$/, "istic"],
  [/ence$/, "ent"],
  [/ation$/, "ative"],
  [/athy$/, "athetic"],
  [/([^i])ness$/, "$1"],
];

/** The first rule's adjective; nouns in -ation also give the participle ("motivation" → "motivated"). */
function adjectivesOf(word: string): string[] {
  if (word.length < 6) return [];
  const participle = /ation$/.test(word) ? [word.replace(/ation$/, "ated")] : [];
  for (const [pattern, replacement] of adjectiveRules) {
    if (pattern.test(word)) return [word.replace(pattern, replacement), ...participle];
  }
  return participle;
}
