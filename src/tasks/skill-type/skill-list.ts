import { sha256Hex } from "../../core/hash.ts";
import type { SourceDocument } from "../../core/types.ts";
import { normaliseSkillPhrase } from "./normalise-skill.ts";

/** Documents of a skill list carry this source, so the engine's resumability applies to them. */
export const SKILL_LIST_SOURCE = "skill-list";

export interface UniqueSkillPhrases {
  /** One document per unique phrase (by `normaliseSkillPhrase`), the first spelling kept as text. */
  documents: SourceDocument[];
  /** For every input phrase, in order, the id of its document. */
  documentIdOf: string[];
}

export function skillDocumentId(phrase: string): string {
  return `skill-${sha256Hex(normaliseSkillPhrase(phrase)).slice(0, 16)}`;
}

/** Deduplicates phrases (case, whitespace, edge punctuation, simple plurals) into documents. */
export function uniqueSkillPhrases(phrases: readonly string[], listName?: string): UniqueSkillPhrases {
  const documents = new Map<string, SourceDocument>();
  const documentIdOf: string[] = [];
  for (const phrase of phrases) {
    const trimmed = phrase.trim();
    const id = skillDocumentId(trimmed);
    documentIdOf.push(id);
    if (trimmed.length === 0 || documents.has(id)) continue;
    const document: SourceDocument = { id, text: trimmed, source: SKILL_LIST_SOURCE };
    if (listName) document.meta = { list: listName };
    documents.set(id, document);
  }
  return { documents: [...documents.values()], documentIdOf };
}
