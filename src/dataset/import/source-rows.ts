/** One record read from an input file, before it becomes a document. */
export interface SourceRow {
  kind: "row";
  file: string;
  /** 1-based line (CSV: the line the row starts on; JSONL), row number (Parquet), or undefined for a whole file. */
  line?: number;
  values: Record<string, unknown>;
  /** Set by readers that know the content's format (a folder's .html files). */
  format?: "text" | "html";
}

/** A record that could not be read at all (bad JSON, wrong number of CSV fields). */
export interface BadSourceRow {
  kind: "bad";
  file: string;
  line?: number;
  reason: string;
  /** The offending raw text, cut to a readable length. */
  raw?: string;
}

export type ReadRow = SourceRow | BadSourceRow;

/** Raw text kept with a bad row is cut, so an errors file stays inspectable. */
export function excerpt(text: string, limit = 2000): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
