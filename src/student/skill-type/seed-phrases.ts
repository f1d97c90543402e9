import { phraseVariants } from "./from-lexicon.ts";
import type { SkillTypeExample } from "./train.ts";

/**
 * The names of soft skills as an HR glossary lists them: nouns such as "teamwork" or
 * "adaptability", where ESCO names the same skills as verb phrases ("work in teams", "adapt to
 * change"). How it was made: rewritten from general knowledge of common soft-skill checklists,
 * replacing an earlier list whose author had looked at the evaluation spans. Its author had read
 * the `val` split of the typed spans (to understand error types) and never the `test` split.
 * Kept short on purpose: the ESCO lexicon is the main signal, and the adjective forms adverts
 * use ("adaptable", "creative") come from `phraseVariants`, the same rules applied to ESCO labels.
 * Skills ESCO files as knowledge (communication, languages) are absent: the lexicon decides those.
 */
export const softSkillSeedPhrases: readonly string[] = [
  "teamwork",
  "team player",
  "collaboration",
  "leadership",
  "interpersonal",
  "creativity",
  "adaptability",
  "flexibility",
  "problem solving",
  "critical thinking",
  "analytical thinking",
  "decision making",
  "time management",
  "self-motivation",
  "initiative",
  "reliability",
  "dependability",
  "integrity",
  "work ethic",
  "resilience",
  "patience",
  "empathy",
  "emotional intelligence",
  "conflict resolution",
  "attention to detail",
  "organisation",
  "positive attitude",
  "open-mindedness",
  "curiosity",
  "willingness to learn",
  "stress tolerance",
  "enthusiasm",
  "dedication",
];

/** Each seed phrase with `label`, plus its derived forms at `variantWeight` (see `phraseVariants`). */
export function softSkillSeedExamples(label = "Soft", variantWeight = 0.5): SkillTypeExample[] {
  const examples: SkillTypeExample[] = [];
  const seen = new Set<string>();
  for (const [index, phrase] of softSkillSeedPhrases.entries()) {
    const concept = `seed:${index}`;
    for (const [text, weight] of [
      [phrase, 1],
      ...phraseVariants(phrase, true).map((variant): [string, number] => [variant, variantWeight]),
    ] as [string, number][]) {
      const key = text.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      examples.push(
        weight === 1 ? { phrase: text, label, concept } : { phrase: text, label, weight, concept },
      );
    }
  }
  return examples;
}
