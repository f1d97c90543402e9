import type { SourceDocument } from "../../core/types.ts";
import { contentHash } from "../../store/index.ts";
import type { SourceRow } from "./source-rows.ts";

/** Where a row's text is looked for, in order, when no text column is given. */
export const defaultTextColumns = ["text", "description", "job_description", "body"] as const;
/** Where a row's id is looked for when no id column is given; otherwise the content hash is the id. */
export const defaultIdColumns = ["id", "job_id"] as const;

export interface ColumnOptions {
  idColumn?: string | undefined;
  textColumn?: string | undefined;
}

export type RowConversion = { ok: true; document: SourceDocument } | { ok: false; reason: string };

/** JSON-safe meta values: Parquet gives bigints and dates, which JSON cannot hold as they are. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonSafe(inner)]));
  }
  return value;
}

function idValue(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

/**
 * Turns a read row into a document: the text column (given, or the first of `defaultTextColumns`
 * present), the id column (given, or `id`/`job_id`, or a content hash), every other non-empty
 * column kept in `meta`. A row without usable text or with a missing required id is refused with
 * the reason.
 */
export function rowToDocument(row: SourceRow, options: ColumnOptions & { source?: string }): RowConversion {
  const { values } = row;
  const textKey = options.textColumn ?? defaultTextColumns.find((name) => name in values);
  if (textKey === undefined) {
    return { ok: false, reason: `no text column (looked for ${defaultTextColumns.join(", ")})` };
  }
  const text = values[textKey];
  if (typeof text !== "string" || text.trim() === "") {
    return { ok: false, reason: `empty or missing text in column "${textKey}"` };
  }
  const idKey = options.idColumn ?? defaultIdColumns.find((name) => idValue(values[name]) !== undefined);
  let id: string;
  if (idKey !== undefined) {
    const given = idValue(values[idKey]);
    if (given === undefined) return { ok: false, reason: `empty or missing id in column "${idKey}"` };
    id = given;
  } else {
    id = `doc-${contentHash(text).slice(0, 16)}`;
  }
  const declaredFormat = values.format === "html" || values.format === "text" ? values.format : undefined;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === textKey || key === idKey || (key === "format" && declaredFormat)) continue;
    if (value === null || value === undefined || value === "") continue;
    meta[key] = jsonSafe(value);
  }
  const document: SourceDocument = { id, text, format: row.format ?? declaredFormat ?? "text" };
  if (options.source !== undefined) document.source = options.source;
  if (Object.keys(meta).length > 0) document.meta = meta;
  return { ok: true, document };
}
