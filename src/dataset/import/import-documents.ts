import { closeSync, existsSync, openSync, statSync, writeSync } from "node:fs";
import { basename, extname } from "node:path";
import { errorMessage, JobdistillError, UsageError } from "../../core/errors.ts";
import type { SourceDocument } from "../../core/types.ts";
import type { Workspace } from "../../store/index.ts";
import { readCsvHeader, readCsvRows } from "./read-csv-rows.ts";
import {
  type FolderReadOptions,
  isDocumentFileName,
  readFolderRows,
  type SkippedFile,
  type SkipReason,
} from "./read-folder-rows.ts";
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

/** Files left out (never read): named inputs that are not regular files, and a folder's others. */
export interface ImportSkips {
  total: number;
  byReason: Partial<Record<SkipReason, number>>;
  /** The first ones. */
  samples: SkippedFile[];
}

/** Rows imported whose text has invalid UTF-8 (read as U+FFFD) or NUL bytes (kept as they are). */
export interface ImportTextIssues {
  invalidUtf8: number;
  nul: number;
  samples: { file: string; line?: number | undefined; issue: "invalid UTF-8" | "NUL bytes" }[];
}

export interface ImportSummary extends ImportProgress {
  files: string[];
  skipped: ImportSkips;
  textIssues: ImportTextIssues;
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

function readRows(path: string, kind: ImportFileKind, folder: FolderReadOptions): AsyncGenerator<ReadRow> {
  if (kind === "csv") return readCsvRows(path);
  if (kind === "jsonl") return readJsonlRows(path);
  if (kind === "parquet") return readParquetRows(path);
  return readFolderRows(path, folder);
}

/** A FIFO, socket or device named as an input: opening a FIFO blocks until a writer comes, forever. */
function isReadable(path: string): boolean {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  const stat = statSync(path);
  return stat.isFile() || stat.isDirectory();
}

/**
 * The error that ends an import, saying what was kept: rows are committed batch by batch, so a
 * rerun of the same command continues (what was committed comes back as duplicates).
 */
function importStopped(
  cause: unknown,
  progress: ImportProgress,
  at: { file: string; line?: number | undefined; after: boolean },
): JobdistillError {
  const where =
    at.line === undefined
      ? `in ${at.file}`
      : `at ${at.file}${at.after ? ` after line ${at.line}` : ` line ${at.line}`}`;
  const kept = progress.inserted + progress.duplicates;
  return new JobdistillError(
    `import stopped ${where}: ${errorMessage(cause)}. ${kept} of the ${progress.rows} rows read were committed ` +
      `(${progress.inserted} new documents, ${progress.duplicates} duplicates); ` +
      "rerun the same command to continue (committed rows are recognised as duplicates)",
    {
      code: JobdistillError.is(cause) ? cause.code : "workspace",
      cause,
      data: {
        file: at.file,
        line: at.line,
        rows: progress.rows,
        committed: kept,
        inserted: progress.inserted,
      },
    },
  );
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
  const skipped: ImportSkips = { total: 0, byReason: {}, samples: [] };
  const onSkip = (file: SkippedFile): void => {
    skipped.total++;
    skipped.byReason[file.reason] = (skipped.byReason[file.reason] ?? 0) + 1;
    if (skipped.samples.length < maxSamples) skipped.samples.push(file);
  };
  const inputs = paths.filter((path) => {
    if (isReadable(path)) return true;
    onSkip({ path, reason: "not a regular file" });
    return false;
  });
  const kinds = inputs.map(importFileKind);
  for (const [index, path] of inputs.entries()) {
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
  const textIssues: ImportTextIssues = { invalidUtf8: 0, nul: 0, samples: [] };
  const checkText = (text: string, file: string, line: number | undefined): void => {
    const issues = [
      ...(text.includes("\uFFFD") ? (["invalid UTF-8"] as const) : []),
      ...(text.includes("\u0000") ? (["NUL bytes"] as const) : []),
    ];
    for (const issue of issues) {
      if (issue === "invalid UTF-8") textIssues.invalidUtf8++;
      else textIssues.nul++;
      if (textIssues.samples.length < maxSamples) textIssues.samples.push({ file, line, issue });
    }
  };
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
  /** Where the import is: the last row read, or the first row of a batch whose commit failed. */
  let at: { file: string; line?: number | undefined; after: boolean } = { file: "", after: true };
  let commitFailed = false;
  const flush = (): void => {
    if (batch.length === 0) return;
    let results: ReturnType<Workspace["documents"]["insertMany"]>;
    try {
      results = workspace.documents.insertMany(batch.map((entry) => entry.document));
    } catch (error) {
      commitFailed = true;
      at = { file: batch[0]?.file ?? at.file, line: batch[0]?.line, after: false };
      throw error;
    }
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
    outer: for (const [index, path] of inputs.entries()) {
      const kind = kinds[index] as ImportFileKind;
      progress.file = path;
      at = { file: path, after: true };
      const columns = { ...options, source: options.source ?? basename(path) };
      for await (const row of readRows(path, kind, { onSkip })) {
        if (options.limit !== undefined && progress.rows >= options.limit) break outer;
        progress.rows++;
        at = { file: row.file, line: row.line, after: true };
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
        checkText(converted.document.text, row.file, row.line);
        batch.push({
          document: converted.document,
          file: row.file,
          line: row.line,
        });
        if (batch.length >= batchSize) flush();
      }
    }
    flush();
  } catch (error) {
    // Rows read before a reading failure are committed too; a failed commit is not tried twice.
    if (!commitFailed) {
      try {
        flush();
      } catch {
        // The commit failed as well: `at` now names the first row that was not committed.
      }
    }
    throw importStopped(error, progress, at);
  } finally {
    if (errorsFd !== undefined) closeSync(errorsFd);
  }
  return {
    ...progress,
    files: [...inputs],
    skipped,
    textIssues,
    refusedSamples,
    errorsFile: options.errorsFile,
    seconds: (Date.now() - started) / 1000,
  };
}
