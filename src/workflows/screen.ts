import { existsSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "csv-stringify/sync";
import { readableText } from "../align/index.ts";
import { UsageError } from "../core/errors.ts";
import { labelledDocuments } from "../dataset/document-labels.ts";
import { extractDocumentText, importFileKind, readCsvRows, readJsonlRows } from "../dataset/import/index.ts";
import { listDocumentFiles } from "../dataset/import/read-folder-rows.ts";
import { createEncoder, type SentenceEncoder } from "../encoders/index.ts";
import { type ScreenMetrics, screenMetrics } from "../evaluate/screen-metrics.ts";
import type { ModelEntry, Workspace } from "../store/index.ts";
import { modelPath } from "../student/load-predictors.ts";
import {
  holdOutPerLabel,
  loadScreenClassifier,
  type ScreenClassifier,
  type ScreenResult,
  type ScreenStudentKind,
  type ScreenTrainingExample,
  saveScreenClassifier,
  screenStudentDefaults,
  screenStudentKinds,
  trainEncoderScreenStudent,
  trainNgramScreenStudent,
} from "../student/screen/index.ts";
import { ledgerEncoderOptions } from "./embedding-ledger.ts";

export interface TrainScreenOptions {
  /** Every label, in output order; the first is the positive one unless `positiveLabel` says. */
  labels: readonly string[];
  positiveLabel?: string | undefined;
  /** @default both, measured side by side */
  students?: readonly ScreenStudentKind[] | undefined;
  /** The encoder student's encoder id. @default use-lite */
  encoder?: string | undefined;
  /** An encoder to use instead of loading `encoder` (tests inject a fake). */
  encoderInstance?: SentenceEncoder | undefined;
  /** @default 1 */
  seed?: number | undefined;
  /** Share of each label's documents held out to score the students (0: none). @default 0.2 */
  testFraction?: number | undefined;
  /** Registry name prefix: `<name>-encoder`, `<name>-ngram`. @default screen */
  name?: string | undefined;
  onEmbeddingProgress?: ((progress: { total: number; cached: number; computed: number }) => void) | undefined;
}

export interface TrainedScreenStudent {
  student: ScreenStudentKind;
  name: string;
  file: string;
  bytes: number;
  trainSeconds: number;
  /** On the held-out documents; absent when none were held out. */
  test?: ScreenMetrics | undefined;
  /** Held-out documents screened per second. */
  documentsPerSecond?: number | undefined;
}

export interface TrainScreenResult {
  runId: number;
  labels: string[];
  positiveLabel: string;
  /** Documents per label, train (dev included) and held-out test. */
  documents: { train: Record<string, number>; test: Record<string, number> };
  /** Stored documents not trained on, by their label (`(none)` for unlabelled ones). */
  skipped: Record<string, number>;
  /** Where the trained-on documents' labels came from: `meta.label`, or a single-label classify annotation. */
  labelledBy: { meta: number; classify: number };
  students: TrainedScreenStudent[];
}

const count = (examples: readonly ScreenTrainingExample[], labels: readonly string[]) =>
  Object.fromEntries(
    labels.map((label) => [label, examples.filter((example) => example.label === label).length]),
  );

/**
 * Trains the screen students from the workspace's labelled documents (`meta.label`, else a
 * single-label `classify` annotation, gold before teacher): documents
 * whose label is not among `labels` are counted in `skipped`, never dropped silently. A seeded,
 * per-label `testFraction` is held out and both students are scored on it (accuracy, macro-F1,
 * the positive label's F1, ROC AUC, documents/s); each student is saved, registered as
 * `<name>-<student>` (task `screen`) and the run recorded.
 */
export async function trainScreenInWorkspace(
  workspace: Workspace,
  options: TrainScreenOptions,
): Promise<TrainScreenResult> {
  const labels = [...options.labels];
  const positiveLabel = options.positiveLabel ?? (labels[0] as string);
  const students = options.students ?? screenStudentKinds;
  const seed = options.seed ?? screenStudentDefaults.seed;
  const prefix = options.name ?? "screen";
  const { documents: labelled, skipped } = labelledDocuments(workspace, labels);
  const examples: ScreenTrainingExample[] = [];
  const labelledBy = { meta: 0, classify: 0 };
  for (const { document, label, labelledBy: from } of labelled) {
    labelledBy[from]++;
    examples.push({ text: readableText(document), label });
  }
  if (examples.length === 0) {
    throw new UsageError(
      `no stored document is labelled ${labels.join(" or ")} (meta.label or a classify annotation); import a labelled CSV/JSONL (a "label" column), label --task classify, or run generate first`,
    );
  }
  const fraction = options.testFraction ?? 0.2;
  // Keep at least two per label for training (one for dev).
  const { kept: train, held: test } = holdOutPerLabel(examples, labels, fraction, seed, 2);
  const runId = workspace.runs.start({
    kind: "train",
    task: "screen",
    params: {
      labels,
      positiveLabel,
      students,
      seed,
      name: prefix,
      encoder: options.encoder,
      testFraction: fraction,
    },
    itemsTotal: train.length,
  });
  try {
    const trained: TrainedScreenStudent[] = [];
    const models: ModelEntry[] = [];
    for (const student of students) {
      const started = performance.now();
      let model:
        | Awaited<ReturnType<typeof trainEncoderScreenStudent>>
        | Awaited<ReturnType<typeof trainNgramScreenStudent>>;
      let encoder: SentenceEncoder | undefined;
      if (student === "encoder") {
        const encoderId = options.encoder ?? screenStudentDefaults.encoder;
        // An openai: encoder's requests are this train run's spend in the ledger, as for `train`.
        encoder =
          options.encoderInstance ??
          (await createEncoder(encoderId, ledgerEncoderOptions(workspace.calls, runId, encoderId)));
        model = await trainEncoderScreenStudent(train, {
          labels,
          positiveLabel,
          seed,
          encoder,
          cache: workspace.embeddings,
          onEmbeddingProgress: options.onEmbeddingProgress,
        });
      } else {
        model = await trainNgramScreenStudent(train, { labels, positiveLabel, seed });
      }
      const trainSeconds = (performance.now() - started) / 1000;
      let metrics: ScreenMetrics | undefined;
      let documentsPerSecond: number | undefined;
      try {
        if (test.length > 0) {
          const screenedAt = performance.now();
          const results = await model.screen(test.map((example) => example.text));
          documentsPerSecond = test.length / ((performance.now() - screenedAt) / 1000);
          metrics = screenMetrics(
            test.map((example) => example.label),
            results.map((result) => result.label),
            results.map((result) => result.score),
            labels,
            positiveLabel,
          );
        }
      } finally {
        if (encoder && !options.encoderInstance) await encoder.close();
      }
      const name = `${prefix}-${student}`;
      const file = join(workspace.modelsDir, `${name}.jdsm`);
      saveScreenClassifier(model, file);
      trained.push({
        student,
        name,
        file,
        bytes: statSync(file).size,
        trainSeconds,
        test: metrics,
        documentsPerSecond,
      });
      models.push({
        name,
        task: "screen",
        kind: "screen-classifier",
        path: relative(workspace.dir, file),
        runId,
        metrics: { student, labels, positiveLabel, test: metrics ?? null },
      });
    }
    workspace.db.transaction(() => {
      for (const model of models) workspace.models.register(model);
    })();
    const result: TrainScreenResult = {
      runId,
      labels,
      positiveLabel,
      documents: { train: count(train, labels), test: count(test, labels) },
      skipped,
      labelledBy,
      students: trained,
    };
    workspace.runs.progress(runId, { itemsDone: train.length });
    workspace.runs.finish(runId, "done", {
      report: { ...result, students: trained.map(({ file: _f, ...rest }) => rest) },
    });
    return result;
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
}

/** One document to screen: a file (its path) or a row of a CSV/JSONL (its id), with its plain text. */
export interface ScreenInput {
  id: string;
  text: string;
}

/** An input that has no text to screen, by name, with why. */
export interface ScreenFailure {
  id: string;
  reason: string;
}

export interface ScreenRow extends ScreenResult {
  id: string;
  rank: number;
}

export interface ScreenDocumentsOptions {
  /** Keep only rows whose score reaches this (before `top`). */
  threshold?: number | undefined;
  /** Keep only the best `top` rows. */
  top?: number | undefined;
  /** Supporting sentences per row. @default 3 */
  explain?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Screens documents with a screen model and ranks them by the positive label's score, best
 * first (ties by id): what `jobdistill screen`, `POST /v1/screen` and the page call.
 */
export async function screenDocuments(
  model: ScreenClassifier,
  inputs: readonly ScreenInput[],
  options: ScreenDocumentsOptions = {},
): Promise<ScreenRow[]> {
  const results = await model.screen(
    inputs.map((input) => input.text),
    { explain: options.explain, onProgress: options.onProgress },
  );
  const threshold = options.threshold;
  const rows = results
    .map((result, index) => ({
      ...result,
      id: (inputs[index] as ScreenInput).id,
      rank: 0,
    }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  rows.forEach((row, index) => {
    row.rank = index + 1;
  });
  const kept = threshold === undefined ? rows : rows.filter((row) => row.score >= threshold);
  return options.top === undefined ? kept : kept.slice(0, options.top);
}

export interface ReadScreenInputsOptions {
  /** CSV/JSONL: the text column. @default text, description, body … as import looks */
  textColumn?: string | undefined;
  /** CSV/JSONL: the id column. @default id, or the row number */
  idColumn?: string | undefined;
}

/**
 * The documents under the given paths: files (.txt/.md/.html/.pdf/.docx) and folders of them
 * (recursively, id = the file's path, under the folder as given), and CSV/JSONL rows (id from
 * the id column, else `file:line`). HTML is reduced to its text. Whatever has no text is returned
 * in `failures` by name with the reason: the caller reports it.
 */
export async function readScreenInputs(
  paths: readonly string[],
  options: ReadScreenInputsOptions = {},
): Promise<{ inputs: ScreenInput[]; failures: ScreenFailure[] }> {
  const inputs: ScreenInput[] = [];
  const failures: ScreenFailure[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
    const kind = importFileKind(path);
    if (kind === "csv" || kind === "jsonl") {
      const rows = kind === "csv" ? readCsvRows(path) : readJsonlRows(path);
      for await (const row of rows) {
        const where = `${path}:${row.line ?? "?"}`;
        if (row.kind === "bad") {
          failures.push({ id: where, reason: row.reason });
          continue;
        }
        const textKey =
          options.textColumn ??
          ["text", "description", "job_description", "body", "resume"].find((key) => key in row.values);
        const text = textKey === undefined ? undefined : row.values[textKey];
        const idValue = options.idColumn === undefined ? row.values.id : row.values[options.idColumn];
        const id = typeof idValue === "string" || typeof idValue === "number" ? String(idValue) : where;
        if (typeof text !== "string" || text.trim() === "") {
          failures.push({ id, reason: `no text in column ${textKey ?? "(none found: give --text-column)"}` });
          continue;
        }
        const format = row.values.format === "html" ? "html" : "text";
        inputs.push({ id, text: readableText({ text, format }) });
      }
      continue;
    }
    if (kind === "parquet") throw new UsageError(`screen reads CSV and JSONL tables, not Parquet: ${path}`);
    const files = statSync(path).isDirectory() ? listDocumentFiles(path) : [path];
    for (const file of files) {
      const extracted = await extractDocumentText(file);
      if (!extracted.ok) failures.push({ id: file, reason: extracted.reason });
      else inputs.push({ id: file, text: readableText(extracted) });
    }
  }
  return { inputs, failures };
}

/** A registered screen model by name, or a model file path. */
export async function openScreenModel(
  workspace: Workspace | undefined,
  nameOrPath: string,
  options: { encoder?: SentenceEncoder | undefined } = {},
): Promise<ScreenClassifier & { close?: () => Promise<void> }> {
  const stored = workspace?.models.get(nameOrPath);
  if (stored && stored.task !== "screen") {
    throw new UsageError(
      `${nameOrPath} is a ${stored.task} model, not a screen model (train one: jobdistill train --task screen)`,
    );
  }
  const path = stored && workspace ? modelPath(workspace, stored) : nameOrPath;
  if (!existsSync(path)) {
    throw new UsageError(`no screen model ${nameOrPath}: neither a registered model name nor a file`);
  }
  return loadScreenClassifier(path, { encoder: options.encoder, cache: workspace?.embeddings });
}

/** The ranked rows as CSV (what `screen --out x.csv` writes and `/v1/screen?format=csv` answers). */
export function screenRowsToCsv(rows: readonly ScreenRow[], explain = 3): string {
  const sentenceColumns = Array.from({ length: explain }, (_, index) => `sentence_${index + 1}`);
  return stringify(
    rows.map((row) => [
      row.rank,
      row.id,
      row.score.toFixed(4),
      row.label,
      ...sentenceColumns.map((_, index) => row.sentences[index]?.text ?? ""),
    ]),
    { header: true, columns: ["rank", "id", "score", "label", ...sentenceColumns] },
  );
}
