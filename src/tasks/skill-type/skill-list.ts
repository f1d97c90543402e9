import type * as CsvParseSync from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { sha256Hex } from "../../core/hash.ts";
import { lazyModule } from "../../core/lazy-module.ts";
import type { SourceDocument } from "../../core/types.ts";
import { normaliseSkillPhrase } from "./normalise-skill.ts";

/** Documents of a skill list carry this source, so the engine's resumability applies to them. */
/** Loaded when a skill list is read as CSV (predicting does not need it). */
const csvParseSync = lazyModule<typeof CsvParseSync>("csv-parse/sync");

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

/**
 * Skill phrases from a file's text: with `column`, a CSV with a header row and that column;
 * without, one phrase per line. Blank entries are skipped.
 */
export function parseSkillList(text: string, options: { column?: string } = {}): string[] {
  if (options.column === undefined) {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
  }
  const records = z.array(z.record(z.string(), z.string())).parse(
    csvParseSync().parse(text, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
    }),
  );
  const first = records[0];
  if (first && !(options.column in first)) {
    throw new InputError(
      `no column "${options.column}" in the CSV (columns: ${Object.keys(first).join(", ")})`,
    );
  }
  return records
    .map((record) => (record[options.column as string] ?? "").trim())
    .filter((phrase) => phrase.length > 0);
}
