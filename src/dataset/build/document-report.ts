import { z } from "zod";
import { datasetSplits } from "./examples.ts";

const bySplit = z.object({ train: z.number(), dev: z.number(), test: z.number() });

/** report.json of a document-classification dataset (`dataset build --task screen|classify`). */
export const documentDatasetReportSchema = z.object({
  kind: z.literal("documents"),
  task: z.string(),
  createdAt: z.string(),
  dir: z.string(),
  options: z.object({
    seed: z.number(),
    split: z.array(z.number()),
    /** "given": each document's own split (its metadata); "random": `split` fractions with `seed`, per label. */
    splitBy: z.enum(["given", "random"]),
    /** The labels asked for; null: every label found. */
    labels: z.array(z.string()).nullable(),
  }),
  /** The labels in the dataset, sorted unless asked for in an order. */
  labels: z.array(z.string()),
  documents: bySplit,
  byLabel: z.record(z.string(), bySplit),
  /** Generated documents (`meta.synthetic`) against all others (imported, pasted, …). */
  bySource: z.object({ synthetic: bySplit, imported: bySplit }),
  /** Where the written documents' labels came from. */
  labelledBy: z.object({ meta: z.number(), classify: z.number() }),
  /** Stored documents not in the dataset because they have no label or one not asked for, by label. */
  skipped: z.record(z.string(), z.number()),
  dropped: z.object({
    /** Documents whose text (whitespace folded) is already in an earlier split; listed in dropped-documents.jsonl. */
    crossSplitDocuments: z.number(),
    /** Documents with no text once read (an empty or tag-only HTML page). */
    emptyText: z.number(),
  }),
  files: z.array(z.string()),
});
export type DocumentDatasetReport = z.infer<typeof documentDatasetReportSchema>;

const row = (name: string, counts: z.infer<typeof bySplit>): string =>
  `| ${name} | ${datasetSplits.map((split) => counts[split]).join(" | ")} |`;

/** The report as Markdown: what a person reads before training on the dataset. */
export function documentReportMarkdown(report: DocumentDatasetReport): string {
  const skipped = Object.entries(report.skipped);
  return [
    `# Dataset: ${report.task} (documents)`,
    "",
    `Built ${report.createdAt}, seed ${report.options.seed}, ${report.options.splitBy === "given" ? "splits as the documents give them" : `split ${report.options.split.join("/")} at random by document, per label`}. Labels from meta.label for ${report.labelledBy.meta} documents, from a single-label classify annotation for ${report.labelledBy.classify}.`,
    "",
    "| | train | dev | test |",
    "|---|---:|---:|---:|",
    row("documents", report.documents),
    ...report.labels.map((label) =>
      row(`label ${label}`, report.byLabel[label] ?? { train: 0, dev: 0, test: 0 }),
    ),
    row("synthetic", report.bySource.synthetic),
    row("imported", report.bySource.imported),
    "",
    "## Left out",
    "",
    `- ${report.dropped.crossSplitDocuments} documents whose text already appears in an earlier split (dropped-documents.jsonl)`,
    `- ${report.dropped.emptyText} documents with no text`,
    `- not labelled with ${report.options.labels ? report.options.labels.join(", ") : "any label"}: ${skipped.length === 0 ? "none" : skipped.map(([label, count]) => `${label} ${count}`).join(", ")}`,
    "",
    `Files: ${report.files.join(", ")}`,
    "",
  ].join("\n");
}
