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

/** A header cell that names a list of skills ("skill", "Skills", "skill phrase"), not a skill itself. */
const skillHeader = /^(skills?|skill[ _-]?phrases?|phrases?)$/i;

/** The cells of a CSV line (quotes honoured): a file's first line, to read its header. */
function headerCells(line: string): string[] {
  const rows = z
    .array(z.array(z.string()))
    .parse(csvParseSync().parse(line, { bom: true, relax_quotes: true }));
  return (rows[0] ?? []).map((cell) => cell.trim());
}

/**
 * Skill phrases from a file's text: with `column`, a CSV with a header row and that column;
 * without, one phrase per line, where a first line that is a header naming the list ("skill",
 * "skills", "skill phrase"; alone, or one cell of a CSV header whose other cells name other
 * columns) is read as one: a lone header word is skipped, and a CSV header picks its skill column,
 * as `--column` would. Blank entries are skipped.
 */
export function parseSkillList(text: string, options: { column?: string } = {}): string[] {
  if (options.column === undefined) {
    const lines = text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    const first = lines[0];
    if (first === undefined) return [];
    if (skillHeader.test(first.replace(/^"(.*)"$/, "$1").trim())) return lines.slice(1);
    if (first.includes(",")) {
      const header = headerCells(first).find((cell) => skillHeader.test(cell));
      if (header !== undefined) return parseSkillList(text, { column: header });
    }
    return lines;
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
