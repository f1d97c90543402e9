import { closeSync, existsSync, openSync, statSync, writeSync } from "node:fs";
import { basename, extname } from "node:path";
import { UsageError } from "../../core/errors.ts";
import type { SourceDocument } from "../../core/types.ts";
import type { Workspace } from "../../store/index.ts";
import { readCsvHeader, readCsvRows } from "./read-csv-rows.ts";
import { isDocumentFileName, readFolderRows } from "./read-folder-rows.ts";
import { readJsonlRows } from "./read-jsonl-rows.ts";
import { readParquetRows } from "./read-parquet-rows.ts";
import { type ColumnOptions, rowToDocument } from "./row-to-document.ts";
import type { ReadRow } from "./source-rows.ts";

export type ImportFileKind = "csv" | "jsonl" | "parquet" | "folder";

export interface ImportOptions extends ColumnOptions {
  /** Tag stored on every document (default: the file or folder name). */
  source?: string | undefined;
  /** Stop after this many rows (good and bad) in all files together. */
  limit?: number | undefined;
  /** Write every refused row (bad rows and id conflicts) as JSON lines to this file. */
  errorsFile?: string | undefined;
  /** Rows per insert transaction (default 1,000). */
  batchSize?: number | undefined;
  /** Called after every batch. */
  onProgress?: ((progress: ImportProgress) => void) | undefined;
}

export interface ImportProgress {
  file: string;
  rows: number;
  inserted: number;
  duplicates: number;
  idConflicts: number;
  badRows: number;
}

/** A row that did not become a document, as written to the errors file. */
export interface RefusedRow {
  file: string;
  line?: number | undefined;
  reason: string;
  id?: string | undefined;
  raw?: string | undefined;
}

export interface ImportSummary extends ImportProgress {
  files: string[];
  /** The first refused rows (all of them are in the errors file when one was asked for). */
  refusedSamples: RefusedRow[];
  errorsFile?: string | undefined;
  seconds: number;
}

const maxSamples = 20;

/** What kind of input a path is: by folder-ness and extension. */
export function importFileKind(path: string): ImportFileKind {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (statSync(path).isDirectory()) return "folder";
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  if (extension === ".parquet") return "parquet";
  if (isDocumentFileName(path)) return "folder";
  throw new UsageError(
    `cannot tell how to import ${path}: expected .csv, .jsonl/.ndjson, .parquet, a .txt/.md/.html/.pdf/.docx file, or a folder`,
  );
}

function readRows(path: string, kind: ImportFileKind): AsyncGenerator<ReadRow> {
  if (kind === "csv") return readCsvRows(path);
  if (kind === "jsonl") return readJsonlRows(path);
  if (kind === "parquet") return readParquetRows(path);
  return readFolderRows(path);
}

/**
 * Imports documents from CSV, JSONL, Parquet files and folders of .txt/.md/.html/.pdf/.docx files into the
 * workspace. Files are streamed and inserted in batches of `batchSize` rows per transaction; the
 * store deduplicates by content hash. Nothing is dropped silently: bad rows and id conflicts are
 * counted, sampled in the summary, and written to `errorsFile` when given.
 */
export async function importDocuments(
  workspace: Workspace,
  paths: readonly string[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  if (paths.length === 0) throw new UsageError("no files to import");
  const kinds = paths.map(importFileKind);
  for (const [index, path] of paths.entries()) {
    const requested = [options.textColumn, options.idColumn].filter((name) => name !== undefined);
    if (kinds[index] !== "csv" || requested.length === 0) continue;
    const header = await readCsvHeader(path);
    for (const name of requested) {
      if (!header.includes(name)) {
        throw new UsageError(`${path} has no column "${name}" (columns: ${header.join(", ")})`);
      }
    }
  }
  const started = Date.now();
  const batchSize = options.batchSize ?? 1000;
  const progress: ImportProgress = {
    file: "",
    rows: 0,
    inserted: 0,
    duplicates: 0,
    idConflicts: 0,
    badRows: 0,
  };
  const refusedSamples: RefusedRow[] = [];
  let errorsFd: number | undefined;
  if (options.errorsFile !== undefined) {
    try {
      errorsFd = openSync(options.errorsFile, "w");
    } catch (cause) {
      throw new UsageError(`cannot write the errors file ${options.errorsFile}: ${(cause as Error).message}`);
    }
  }
  const refuse = (row: RefusedRow): void => {
    if (refusedSamples.length < maxSamples) refusedSamples.push(row);
    if (errorsFd !== undefined) writeSync(errorsFd, `${JSON.stringify(row)}\n`);
  };
  let batch: { document: SourceDocument; file: string; line?: number | undefined }[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const results = workspace.documents.insertMany(batch.map((entry) => entry.document));
    results.forEach((result, index) => {
      const entry = batch[index];
      if (result.status === "inserted") progress.inserted++;
      else if (result.status === "duplicate") progress.duplicates++;
      else {
        progress.idConflicts++;
        refuse({
          file: entry?.file ?? "",
          line: entry?.line,
          id: result.id,
          reason: "id conflict: a document with this id but other text is already stored",
        });
      }
    });
    batch = [];
    options.onProgress?.({ ...progress });
  };
  try {
    outer: for (const [index, path] of paths.entries()) {
      const kind = kinds[index] as ImportFileKind;
      progress.file = path;
      const columns = { ...options, source: options.source ?? basename(path) };
      for await (const row of readRows(path, kind)) {
        if (options.limit !== undefined && progress.rows >= options.limit) break outer;
        progress.rows++;
        if (row.kind === "bad") {
          progress.badRows++;
          const { kind: _kind, ...refused } = row;
          refuse(refused);
          continue;
        }
        const converted = rowToDocument(row, columns);
        if (!converted.ok) {
          progress.badRows++;
          refuse({
            file: row.file,
            line: row.line,
            reason: converted.reason,
          });
          continue;
        }
        batch.push({
          document: converted.document,
          file: row.file,
          line: row.line,
        });
        if (batch.length >= batchSize) flush();
      }
    }
    flush();
  } finally {
    // Rows read before a failure are committed batch by batch; the rest of the batch is kept too.
    flush();
    if (errorsFd !== undefined) closeSync(errorsFd);
  }
  return {
    ...progress,
    files: [...paths],
    refusedSamples,
    errorsFile: options.errorsFile,
    seconds: (Date.now() - started) / 1000,
  };
}
