import { normaliseSkillPhrase } from "../../tasks/skill-type/normalise-skill.ts";
import type { LexiconEntry } from "./lexicon-entry.ts";

export interface LexiconMatch {
  entry: LexiconEntry;
  /** "exact": the phrase equals a label or alt label; "normalised": equal after normalisation. */
  match: "exact" | "normalised";
}

export interface LexiconLookup {
  readonly size: number;
  find(phrase: string): LexiconMatch | undefined;
  /** Every label and alt label once, for a tagger's gazetteer. */
  phrases(): string[];
}

/**
 * Exact, then normalised (case, whitespace, edge punctuation, simple plurals) lookup. Labels win
 * over alt labels, and the first entry wins among equals, so an import's order decides ties.
 * Two hash-map probes per phrase: millions of look-ups a second.
 */
export function createLexiconLookup(entries: readonly LexiconEntry[]): LexiconLookup {
  const exact = new Map<string, LexiconEntry>();
  const normalised = new Map<string, LexiconEntry>();
  const add = (text: string, entry: LexiconEntry): void => {
    const trimmed = text.trim();
    if (!exact.has(trimmed)) exact.set(trimmed, entry);
    const key = normaliseSkillPhrase(trimmed);
    if (key && !normalised.has(key)) normalised.set(key, entry);
  };
  for (const entry of entries) add(entry.label, entry);
  for (const entry of entries) for (const alt of entry.altLabels) add(alt, entry);
  return {
    size: entries.length,
    find(phrase) {
      const trimmed = phrase.trim();
      const direct = exact.get(trimmed);
      if (direct) return { entry: direct, match: "exact" };
      const byKey = normalised.get(normaliseSkillPhrase(trimmed));
      return byKey ? { entry: byKey, match: "normalised" } : undefined;
    },
    phrases: () => [...exact.keys()],
  };
}
