/**
 * Batch prediction that streams: input records (CSV, JSON lines, a folder, stdin, the workspace's
 * documents, or one advert) go through a trained student and come out as JSON lines, CSV or CoNLL,
 * record by record, in input order. Nothing is read ahead beyond a small window, and output waits
 * for its reader (backpressure), so memory stays flat however many records there are. Bad rows are
 * handed to the caller with their file and line, never dropped silently.
 */
import { createReadStream, statSync } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InputError, JobdistillError, UsageError } from "../core/errors.ts";
import type { SourceDocument } from "../core/types.ts";
import {
  listDocumentFiles,
  type ReadRow,
  readCsvHeader,
  readCsvRows,
  readFolderRows,
  readJsonlRows,
  rowToDocument,
} from "../dataset/import/index.ts";
import type { Workspace } from "../store/index.ts";
import { loadStudentModels } from "../student/load-predictors.ts";
import type { TextFormat } from "../student/predictors.ts";
import { trainCommandFor } from "../student/student-model-names.ts";
import type { QueueConnection } from "../teacher/queue/queue-url.ts";
import {
  type PredictInput,
  type PredictRequest,
  type PredictResult,
  type PredictTask,
  recordPredictor,
  requiredModelName,
  studentNamesFor,
} from "./predict-record.ts";
import { createPredictorPool } from "./predictor-pool.ts";

export type { PredictInput, PredictRequest, PredictResult, PredictTask } from "./predict-record.ts";
export { predictTasks } from "./predict-record.ts";

/** How an input is read: a CSV table, JSON lines, one record per line, or the whole input as one. */
export const inputForms = ["csv", "jsonl", "lines", "text"] as const;
export type InputForm = (typeof inputForms)[number];

export const predictOutputFormats = ["jsonl", "csv", "conll"] as const;
export type PredictOutputFormat = (typeof predictOutputFormats)[number];

/** Where records come from. */
export type PredictSource =
  /** One advert given as text (skill-type: one phrase). */
  | { kind: "text"; text: string }
  /**
   * A file or folder: `form` when given, else by kind — a folder is one record per .txt/.md/.html
   * file, .csv a table, .jsonl/.ndjson JSON lines, anything else one record.
   */
  | { kind: "path"; path: string; form?: InputForm | undefined }
  /** A stream such as stdin; "auto" reads JSON lines when it starts with `{`, else one record per line. */
  | { kind: "stream"; name: string; stream: Readable; form: InputForm | "auto" }
  /** Documents already stored (the workspace's). */
  | { kind: "workspace"; documents: Iterable<SourceDocument>; count?: number | undefined };

/** A record that could not become an input, and why. */
export interface BadRow {
  file: string;
  line?: number | undefined;
  reason: string;
}

export type PredictItem = { kind: "input"; input: PredictInput } | { kind: "bad"; bad: BadRow };
export type PredictOutcome =
  | { kind: "result"; input: PredictInput; result: PredictResult }
  | { kind: "bad"; bad: BadRow };

export interface InputReadOptions {
  /** CSV: the column holding the text. @default the first of text, description, job_description, body */
  textColumn?: string | undefined;
  /** CSV: the column holding the id. @default id or job_id, else a content hash */
  idColumn?: string | undefined;
  /** JSON lines: the field holding the text. @default as `textColumn` */
  textField?: string | undefined;
  /** JSON lines: the field holding the id. @default as `idColumn` */
  idField?: string | undefined;
  /** Read every input as HTML. @default false (.html/.htm files and `format: "html"` rows are HTML) */
  html?: boolean | undefined;
}

/** How far through the inputs a run is: `done` of `total` in bytes or records, when known. */
export interface PredictProgress {
  items: number;
  badRows: number;
  done: number;
  total?: number;
}

const htmlExtensions = new Set([".html", ".htm"]);

/** What a path holds, by folder-ness and extension. */
export function inputFormOf(path: string): InputForm | "folder" {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (cause) {
    throw new InputError(`cannot read ${path}: no such file or folder`, { cause, data: { path } });
  }
  if (directory) return "folder";
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  return "text";
}

/** Counts the bytes a stream gives, for progress. */
function counted(stream: Readable, onBytes: (bytes: number) => void): Readable {
  stream.on("data", (chunk: Buffer | string) => onBytes(chunk.length));
  return stream;
}

/** A stream that starts with `first` and goes on with the rest of `source`. */
function prepended(first: Buffer, rest: AsyncIterator<Buffer>): Readable {
  return Readable.from(
    (async function* () {
      yield first;
      for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    })(),
  );
}

/** Reads up to the first non-blank byte, to tell JSON lines (`{`) from one record per line. */
async function sniffStream(stream: Readable): Promise<{ form: "jsonl" | "lines"; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    const text = chunk.toString("utf8").trimStart();
    if (text !== "") {
      return {
        form: text.startsWith("{") ? "jsonl" : "lines",
        stream: prepended(Buffer.concat(chunks), iterator),
      };
    }
  }
  return { form: "lines", stream: Readable.from(chunks) };
}

async function* lineRecords(name: string, stream: Readable, format: TextFormat): AsyncGenerator<PredictItem> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line++;
    // Blank lines separate records; they are not records.
    if (text.trim() === "") continue;
    yield { kind: "input", input: { id: `${name}:${line}`, text, format, file: name, line } };
  }
}

async function wholeRecord(name: string, stream: Readable, format: TextFormat): Promise<PredictItem> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { kind: "bad", bad: { file: name, reason: "empty text" } };
  return { kind: "input", input: { id: name, text, format, file: name } };
}

async function* tableRecords(
  rows: AsyncIterable<ReadRow>,
  columns: { textColumn?: string | undefined; idColumn?: string | undefined },
  html: boolean,
): AsyncGenerator<PredictItem> {
  const options = {
    textColumn: columns.textColumn,
    idColumn: columns.idColumn,
  };
  for await (const row of rows) {
    const at = { file: row.file, line: row.line };
    if (row.kind === "bad") {
      yield { kind: "bad", bad: { ...at, reason: row.reason } };
      continue;
    }
    const converted = rowToDocument(row, options);
    if (!converted.ok) {
      yield { kind: "bad", bad: { ...at, reason: converted.reason } };
      continue;
    }
    yield documentInput(converted.document, html, at);
  }
}

/** A stored or converted document as an input record read from `at`. */
function documentInput(
  document: SourceDocument,
  html: boolean,
  at: { file: string; line?: number | undefined },
): PredictItem {
  const format = html ? "html" : (document.format ?? "text");
  return { kind: "input", input: { id: document.id, text: document.text, format, ...at } };
}

async function checkCsvColumns(path: string, names: readonly (string | undefined)[]): Promise<void> {
  const wanted = names.filter((name): name is string => name !== undefined);
  if (wanted.length === 0) return;
  const header = await readCsvHeader(path);
  for (const name of wanted) {
    if (!header.includes(name)) {
      throw new UsageError(`${path} has no column "${name}" (columns: ${header.join(", ")})`);
    }
  }
}

/**
 * Fails early, before any model is loaded or record read, on a path that does not exist and on a
 * CSV column option that a CSV file's header lacks.
 */
export async function checkPredictSources(
  sources: readonly PredictSource[],
  options: Pick<InputReadOptions, "textColumn" | "idColumn">,
): Promise<void> {
  for (const source of sources) {
    if (source.kind !== "path") continue;
    if ((source.form ?? inputFormOf(source.path)) === "csv") {
      await checkCsvColumns(source.path, [options.textColumn, options.idColumn]);
    }
  }
}

/**
 * The records of every source, in order, as inputs or bad rows. Files are streamed (a folder's
 * files are read one at a time); `onBytes` and `onTotal` report how far through they are.
 */
export async function* readPredictInputs(
  sources: readonly PredictSource[],
  options: InputReadOptions & {
    onBytes?: (bytes: number) => void;
  } = {},
): AsyncGenerator<PredictItem> {
  const html = Boolean(options.html);
  const onBytes = options.onBytes ?? (() => undefined);
  const csvColumns = { textColumn: options.textColumn, idColumn: options.idColumn };
  const jsonFields = {
    textColumn: options.textField ?? options.textColumn,
    idColumn: options.idField ?? options.idColumn,
  };
  await checkPredictSources(sources, options);
  for (const source of sources) {
    if (source.kind === "text") {
      if (source.text.trim() === "") yield { kind: "bad", bad: { file: "text", reason: "empty text" } };
      else
        yield {
          kind: "input",
          input: { id: "text", text: source.text, format: html ? "html" : "text", file: "text" },
        };
      continue;
    }
    if (source.kind === "workspace") {
      for (const document of source.documents) yield documentInput(document, html, { file: "workspace" });
      continue;
    }
    if (source.kind === "stream") {
      let form = source.form;
      let stream = counted(source.stream, onBytes);
      if (form === "auto") ({ form, stream } = await sniffStream(stream));
      const format: TextFormat = html ? "html" : "text";
      if (form === "csv") yield* tableRecords(readCsvRows(source.name, stream), csvColumns, html);
      else if (form === "jsonl") yield* tableRecords(readJsonlRows(source.name, stream), jsonFields, html);
      else if (form === "lines") yield* lineRecords(source.name, stream, format);
      else yield await wholeRecord(source.name, stream, format);
      continue;
    }
    const { path } = source;
    const form = source.form ?? inputFormOf(path);
    if (form === "folder") {
      for await (const row of tableRecords(readFolderRows(path), {}, html)) {
        yield row;
        onBytes(1);
      }
      continue;
    }
    const open = (): Readable => counted(createReadStream(path, { highWaterMark: 1 << 20 }), onBytes);
    const looksHtml = html || htmlExtensions.has(extname(path).toLowerCase());
    if (form === "csv") yield* tableRecords(readCsvRows(path, open()), csvColumns, html);
    else if (form === "jsonl") yield* tableRecords(readJsonlRows(path, open()), jsonFields, html);
    else if (form === "lines") yield* lineRecords(path, open(), looksHtml ? "html" : "text");
    else yield await wholeRecord(path, open(), looksHtml ? "html" : "text");
  }
}

/**
 * What `readPredictInputs` will go through, for a progress bar: bytes of the files, records of a
 * folder or the workspace; undefined when a source is a stream (its length is unknown).
 */
export function inputTotal(sources: readonly PredictSource[]): number | undefined {
  let total = 0;
  for (const source of sources) {
    if (source.kind === "stream") return undefined;
    if (source.kind === "text") continue;
    if (source.kind === "workspace") {
      if (source.count === undefined) return undefined;
      total += source.count;
      continue;
    }
    const form = source.form ?? inputFormOf(source.path);
    total += form === "folder" ? listDocumentFiles(source.path).length : statSync(source.path).size;
  }
  return total;
}

/** Predicts runs of records; `batchSize` records per call, up to `window` calls in flight. */
export interface BatchPredictor {
  predict(inputs: readonly PredictInput[]): Promise<PredictResult[]>;
  batchSize: number;
  window: number;
  close(): Promise<void>;
}

export interface BatchPredictorOptions {
  task: PredictTask;
  /** Name prefix given to `train --name`. @default the task */
  model?: string | undefined;
  /** skill-type: the workspace lexicon consulted first. @default esco when imported */
  lexicon?: string | undefined;
  /** CoNLL tags instead of spans. @default false */
  conll?: boolean | undefined;
  /** Worker threads; 0 or 1 predicts on this thread. @default 1 */
  threads?: number | undefined;
  /**
   * Runs of records go as jobs to `jobdistill worker`s on this Redis queue instead of a student
   * here (requirements and skills). @default none: predicted in this process
   */
  queue?: QueueConnection | undefined;
  /** Queue trouble worth a line (a reconnect). */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * The workspace's student for `task`, on this thread or on `threads` worker threads. A task whose
 * student is not trained fails here, before any input is read.
 */
export async function openBatchPredictor(
  workspace: Workspace,
  options: BatchPredictorOptions,
): Promise<BatchPredictor> {
  if (options.queue) {
    // Loaded only here: BullMQ and its Redis client take a second to load on a busy machine.
    const { openQueueBatchPredictor } = await import("./predict-queue.ts");
    return openQueueBatchPredictor(workspace, { ...options, connection: options.queue });
  }
  const names = studentNamesFor(options.task, options.model, options.lexicon);
  const modelName = requiredModelName(options.task, options.model);
  if (!workspace.models.get(modelName)) {
    throw new JobdistillError(
      `no trained ${options.task} student ("${modelName}") in this workspace: run \`${trainCommandFor(options.task)}\` first`,
      { code: "not_found", data: { task: options.task, model: modelName } },
    );
  }
  const request: PredictRequest = { task: options.task, conll: Boolean(options.conll) };
  const threads = options.threads ?? 1;
  if (threads <= 1) {
    const predict = recordPredictor(await loadStudentModels(workspace, names), names);
    return {
      predict: async (inputs) => predict(request, inputs),
      batchSize: 1,
      window: 1,
      close: async () => undefined,
    };
  }
  const pool = await createPredictorPool({ ...names, workspaceDir: workspace.dir, threads });
  return {
    predict: (inputs) => pool.predictRecords(request, inputs),
    // A few records per message keep the messaging cost small; a few messages per worker keep
    // every worker busy while the main thread reads and writes.
    batchSize: 16,
    window: threads * 3,
    close: () => pool.close(),
  };
}

/**
 * The streaming batch predictor: input records in, outcomes out, in input order. Records go to
 * `predictor` in runs of its batch size, with up to `window` runs in flight; reading waits while
 * the window is full, so nothing piles up however long the input is.
 */
export async function* predictStream(
  items: AsyncIterable<PredictItem>,
  predictor: Pick<BatchPredictor, "predict" | "batchSize" | "window">,
): AsyncGenerator<PredictOutcome> {
  const pending: Promise<PredictOutcome[]>[] = [];
  const run = (chunk: PredictItem[]): void => {
    const inputs = chunk.flatMap((item) => (item.kind === "input" ? [item.input] : []));
    const outcome = (inputs.length === 0 ? Promise.resolve([]) : predictor.predict(inputs)).then(
      (results) => {
        let next = 0;
        return chunk.map((item): PredictOutcome => {
          if (item.kind === "bad") return item;
          const result = results[next++];
          if (result === undefined) throw new Error("the predictor returned fewer results than records");
          return { kind: "result", input: item.input, result };
        });
      },
    );
    // Awaited in order below; marked handled now so a later run's failure is not unhandled meanwhile.
    outcome.catch(() => undefined);
    pending.push(outcome);
  };
  let chunk: PredictItem[] = [];
  let inputsInChunk = 0;
  for await (const item of items) {
    chunk.push(item);
    if (item.kind === "input") inputsInChunk++;
    if (inputsInChunk < predictor.batchSize) continue;
    run(chunk);
    chunk = [];
    inputsInChunk = 0;
    while (pending.length >= predictor.window) yield* (await pending.shift()) ?? [];
  }
  if (chunk.length > 0) run(chunk);
  while (pending.length > 0) yield* (await pending.shift()) ?? [];
}

const csvColumns: Record<PredictTask, string[]> = {
  requirements: ["id", "category", "start", "end", "score", "text"],
  skills: ["id", "layer", "start", "end", "score", "text"],
  "skill-type": ["skill", "label", "confidence", "source"],
};

function jsonLine(input: PredictInput, result: PredictResult): string {
  if (result.kind === "skill-type") return `${JSON.stringify(result.row)}\n`;
  if (result.kind === "conll") return `${result.lines.join("\n")}\n`;
  const { kind: _kind, ...rest } = result;
  const at = input.line === undefined ? {} : { line: input.line };
  return `${JSON.stringify({ id: input.id, input: input.file, ...at, ...rest })}\n`;
}

function csvRows(input: PredictInput, result: PredictResult): string[][] {
  if (result.kind === "skill-type") {
    const { row } = result;
    return [[row.skill, row.label, row.confidence.toFixed(4), row.source]];
  }
  if (result.kind === "highlights") {
    return result.spans.map((span) => [
      input.id,
      span.category,
      String(span.start),
      String(span.end),
      span.score.toFixed(4),
      span.text,
    ]);
  }
  if (result.kind === "skills") {
    return result.mentions.map((mention) => [
      input.id,
      mention.layer,
      String(mention.start),
      String(mention.end),
      mention.score === undefined ? "" : mention.score.toFixed(4),
      mention.text,
    ]);
  }
  throw new UsageError("--format csv is for spans and skill types; CoNLL tags are written as conll");
}

export interface PredictBatchOptions extends BatchPredictorOptions, InputReadOptions {
  sources: readonly PredictSource[];
  /** @default "jsonl" */
  format?: PredictOutputFormat | undefined;
  /** Where the records go, as they are predicted; writing waits while it is full. */
  output: Writable;
  /** End `output` when done (a file), or leave it open (stdout). @default false */
  endOutput?: boolean | undefined;
  /** Called for every bad row, as it is read. */
  onBadRow?: ((bad: BadRow) => void) | undefined;
  /** Called after every record (good or bad). */
  onProgress?: ((progress: PredictProgress) => void) | undefined;
}

export interface PredictBatchSummary {
  /** Records predicted. */
  items: number;
  badRows: number;
  /** Seconds from the students being loaded to the last record written. */
  seconds: number;
  itemsPerSecond: number;
}

/**
 * `jobdistill predict` over any number of records: reads the sources, predicts with the
 * workspace's student (on `threads` worker threads when more than one), and writes each record as
 * it is predicted. Bad rows go to `onBadRow` and are counted; what to do about them (the exit
 * code) is the caller's rule.
 */
export async function predictBatch(
  workspace: Workspace,
  options: PredictBatchOptions,
): Promise<PredictBatchSummary> {
  const format = options.format ?? "jsonl";
  if (format === "conll" && options.task === "skill-type") {
    throw new UsageError("--format conll is for span tasks; --task skill-type writes csv or jsonl");
  }
  await checkPredictSources(options.sources, options);
  const progress: PredictProgress = { items: 0, badRows: 0, done: 0 };
  const total = options.onProgress ? inputTotal(options.sources) : undefined;
  if (total !== undefined) progress.total = total;
  const byRecords = options.sources.every((source) => source.kind === "workspace" || source.kind === "text");
  const items = readPredictInputs(options.sources, {
    ...options,
    onBytes: (bytes) => {
      if (!byRecords) progress.done += bytes;
    },
  });
  const predictor = await openBatchPredictor(workspace, { ...options, conll: format === "conll" });
  // The clock starts once the students are loaded: the rate is what prediction itself sustains.
  const started = performance.now();
  try {
    const outcomes = predictStream(items, predictor);
    const notify = (outcome: PredictOutcome): void => {
      if (outcome.kind === "bad") {
        progress.badRows++;
        options.onBadRow?.(outcome.bad);
      } else progress.items++;
      if (byRecords) progress.done = progress.items + progress.badRows;
      options.onProgress?.({ ...progress });
    };
    const end = { end: Boolean(options.endOutput) };
    if (format === "csv") {
      // Loaded for CSV output only (start-up of the other formats does not pay for it).
      const { stringify } = await import("csv-stringify");
      const rows = async function* (): AsyncGenerator<string[]> {
        for await (const outcome of outcomes) {
          notify(outcome);
          if (outcome.kind === "result") yield* csvRows(outcome.input, outcome.result);
        }
      };
      await pipeline(
        Readable.from(rows()),
        stringify({ header: true, columns: csvColumns[options.task] }),
        options.output,
        end,
      );
    } else {
      const lines = async function* (): AsyncGenerator<string> {
        for await (const outcome of outcomes) {
          notify(outcome);
          if (outcome.kind === "result") yield jsonLine(outcome.input, outcome.result);
        }
      };
      await pipeline(Readable.from(lines()), options.output, end);
    }
  } finally {
    await predictor.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    items: progress.items,
    badRows: progress.badRows,
    seconds,
    itemsPerSecond: seconds > 0 ? progress.items / seconds : 0,
  };
}
