import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readableText } from "../../align/index.ts";
import { UsageError } from "../../core/errors.ts";
import type { AnnotationReader } from "../../store/index.ts";
import { type LabelledWholeDocument, labelledDocuments } from "../document-labels.ts";
import { DEFAULT_DATASET_SEED, DEFAULT_SPLIT } from "./build-dataset.ts";
import { type DocumentDatasetReport, documentReportMarkdown } from "./document-report.ts";
import { type DatasetSplit, datasetSplits, textKey } from "./examples.ts";
import {
  assignSplits,
  emptyBySplit,
  type SplitBy,
  splitDocuments,
  validateSplitFractions,
} from "./split-documents.ts";
import { type TableColumn, writeCsv, writeJsonl, writeParquet } from "./write-tables.ts";

/** Tasks whose datasets are whole labelled documents (one label each), not spans. */
export const documentDatasetTasks = ["screen", "classify"] as const;
export const isDocumentDatasetTask = (task: string): boolean =>
  (documentDatasetTasks as readonly string[]).includes(task);

export interface BuildDocumentDatasetOptions {
  task: string;
  /** Labels to keep, in this order; documents with other labels are counted as skipped. Default: all found. */
  labels?: readonly string[] | undefined;
  out?: string | undefined;
  /** Seed for the split. Default 13. */
  seed?: number | undefined;
  /** Train/dev/test fractions of each label's documents, when split at random. Default [0.8, 0.1, 0.1]. */
  split?: readonly number[];
  /** As for span datasets: "given" by `meta.split`, "random" by `split` and `seed`, "auto" given when every document names one. */
  splitBy?: SplitBy;
  now?: Date;
}

/** One row of documents.{jsonl,csv,parquet}; provenance fields are "" when a document has none. */
export interface DocumentExample {
  id: string;
  text: string;
  label: string;
  split: DatasetSplit;
  synthetic: boolean;
  labelled_by: "meta" | "classify";
  /** The document's source (file path, dataset or generate spec). */
  source: string;
  /** The generator's grid cell, as JSON. */
  cell: string;
  model: string;
  prompt_version: string;
}

const documentColumns: TableColumn[] = [
  { name: "id", kind: "string" },
  { name: "text", kind: "string" },
  { name: "label", kind: "string" },
  { name: "split", kind: "string" },
  { name: "synthetic", kind: "boolean" },
  { name: "labelled_by", kind: "string" },
  { name: "source", kind: "string" },
  { name: "cell", kind: "string" },
  { name: "model", kind: "string" },
  { name: "prompt_version", kind: "string" },
];

const metaString = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : "";

/**
 * Splits by document: the documents' own splits when "given" (or "auto" and every one names
 * one), else each label's documents shuffled with the seed and cut by the fractions, so every
 * label is spread over the splits as the fractions say.
 */
function documentSplits(
  entries: readonly LabelledWholeDocument[],
  labels: readonly string[],
  splitBy: SplitBy,
  fractions: ReturnType<typeof validateSplitFractions>,
  seed: number,
): { assignment: Map<string, DatasetSplit>; splitBy: "given" | "random" } {
  const overall = assignSplits(
    entries.map((entry) => entry.document),
    splitBy,
    fractions,
    seed,
  );
  if (overall.splitBy === "given") return overall;
  const assignment = new Map<string, DatasetSplit>();
  for (const label of labels) {
    const ids = entries.filter((entry) => entry.label === label).map((entry) => entry.document.id);
    for (const [id, split] of splitDocuments(ids, fractions, seed)) assignment.set(id, split);
  }
  return { assignment, splitBy: "random" };
}

/**
 * Builds a document-classification dataset from the workspace's labelled documents (`meta.label`,
 * what `generate` and a labelled import write, else a single-label `classify` annotation, gold
 * before teacher): documents.{jsonl,csv,parquet} with id, text, label, split and provenance
 * columns, dropped-documents.jsonl, report.json and report.md. Splits are filled in order train,
 * dev, test and a document whose text (whitespace folded) is already in an earlier split is left
 * out of the later one, so no identical text is in two splits. Refuses when no document has a
 * label (of those asked for).
 */
export function buildDocumentDataset(
  workspace: AnnotationReader & { readonly dir: string },
  options: BuildDocumentDatasetOptions,
): DocumentDatasetReport {
  if (!isDocumentDatasetTask(options.task)) {
    throw new UsageError(
      `"${options.task}" is not a document task (${documentDatasetTasks.join(", ")}); its dataset is built from spans`,
    );
  }
  const seed = options.seed ?? DEFAULT_DATASET_SEED;
  const fractions = validateSplitFractions(options.split ?? DEFAULT_SPLIT);
  const asked = options.labels ? [...new Set(options.labels)] : undefined;
  const { documents: found, skipped } = labelledDocuments(workspace, asked);
  if (found.length === 0) {
    const stored = workspace.documents.list().length;
    throw new UsageError(
      `no stored document is labelled${asked ? ` ${asked.join(" or ")}` : ""} (meta.label or a single-label classify annotation; ${stored} documents stored): import a labelled CSV/JSONL (a "label" column), run label --task classify, or run generate first`,
    );
  }
  let emptyText = 0;
  const entries = found
    .map((entry) => ({ ...entry, text: readableText(entry.document) }))
    .filter((entry) => {
      const empty = entry.text.trim() === "";
      if (empty) emptyText++;
      return !empty;
    });
  const labels = asked ?? [...new Set(entries.map((entry) => entry.label))].sort();
  const { assignment, splitBy } = documentSplits(entries, labels, options.splitBy ?? "auto", fractions, seed);
  const now = options.now ?? new Date();
  const dir =
    options.out ??
    join(workspace.dir, "datasets", `${options.task}-${now.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(dir, { recursive: true });

  const report: DocumentDatasetReport = {
    kind: "documents",
    task: options.task,
    createdAt: now.toISOString(),
    dir,
    options: { seed, split: [...fractions], splitBy, labels: asked ?? null },
    labels,
    documents: emptyBySplit(() => 0),
    byLabel: Object.fromEntries(labels.map((label) => [label, emptyBySplit(() => 0)])),
    bySource: { synthetic: emptyBySplit(() => 0), imported: emptyBySplit(() => 0) },
    labelledBy: { meta: 0, classify: 0 },
    skipped,
    dropped: { crossSplitDocuments: 0, emptyText },
    files: [],
  };
  const firstSplitOfText = new Map<string, DatasetSplit>();
  const rows: DocumentExample[] = [];
  const dropped: { id: string; split: DatasetSplit; label: string; reason: string }[] = [];
  for (const split of datasetSplits) {
    const inSplit = entries
      .filter((entry) => assignment.get(entry.document.id) === split)
      .sort((a, b) => (a.document.id < b.document.id ? -1 : 1));
    for (const { document, text, label, labelledBy } of inSplit) {
      const key = textKey(text);
      const first = firstSplitOfText.get(key);
      if (first !== undefined && first !== split) {
        report.dropped.crossSplitDocuments++;
        dropped.push({ id: document.id, split, label, reason: `text-in-${first}` });
        continue;
      }
      firstSplitOfText.set(key, split);
      const meta = document.meta ?? {};
      const synthetic = meta.synthetic === true;
      rows.push({
        id: document.id,
        text,
        label,
        split,
        synthetic,
        labelled_by: labelledBy,
        source: document.source ?? "",
        cell: meta.cell === undefined ? "" : JSON.stringify(meta.cell),
        model: metaString(meta.model),
        prompt_version: metaString(meta.promptVersion),
      });
      report.documents[split]++;
      const perLabel = report.byLabel[label];
      if (perLabel) perLabel[split]++;
      report.bySource[synthetic ? "synthetic" : "imported"][split]++;
      report.labelledBy[labelledBy]++;
    }
  }
  writeJsonl(join(dir, "documents.jsonl"), documentColumns, rows);
  writeCsv(join(dir, "documents.csv"), documentColumns, rows);
  writeParquet(join(dir, "documents.parquet"), documentColumns, rows);
  writeFileSync(
    join(dir, "dropped-documents.jsonl"),
    dropped.map((entry) => `${JSON.stringify(entry)}\n`).join(""),
  );
  report.files.push(
    "documents.jsonl",
    "documents.csv",
    "documents.parquet",
    "dropped-documents.jsonl",
    "report.json",
    "report.md",
  );
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), documentReportMarkdown(report));
  return report;
}
