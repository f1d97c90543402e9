import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import {
  buildDataset,
  buildDocumentDataset,
  type DatasetReport,
  DEFAULT_DATASET_SEED,
  type DocumentDatasetReport,
  datasetSplits,
  documentDatasetTasks,
  isDocumentDatasetTask,
  splitByChoices,
} from "../../dataset/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const numberList = z
  .string()
  .transform((value) => value.split(",").map((part) => Number(part.trim())))
  .refine((values) => values.every((value) => Number.isFinite(value)), "expected comma-separated numbers");
const nameList = z.string().transform((value) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== ""),
);

const buildOptionsSchema = z.strictObject({
  task: z.string().min(1),
  source: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  seed: z.coerce.number().int().nonnegative(),
  split: numberList,
  splitBy: z.enum(splitByChoices, { error: `--split-by must be one of ${splitByChoices.join(", ")}` }),
  negativeRatio: z.coerce.number().nonnegative(),
  layers: nameList.optional(),
  labels: nameList.optional(),
});

function summaryLines(report: DatasetReport): string[] {
  const perSplit = (pick: (split: (typeof datasetSplits)[number]) => string): string =>
    datasetSplits.map((split) => `${split} ${pick(split)}`).join(", ");
  const { alignment } = report;
  const share = (part: number): string =>
    alignment.total === 0 ? "–" : `${((100 * part) / alignment.total).toFixed(1)}%`;
  return [
    `dataset for "${report.task}" from ${report.source.kind} "${report.source.name}" written to ${report.dir}`,
    report.options.splitBy === "given"
      ? "  split: as the documents give it (their own train/dev/test)"
      : `  split: at random by document, ${report.options.split.join("/")} with seed ${report.options.seed}`,
    `  documents: ${perSplit((split) => String(report.documents[split]))}`,
    `  segments:  ${perSplit((split) => String(report.segments[split]))}`,
    `  pairs:     ${perSplit((split) => `${report.pairs[split].positive}+/${report.pairs[split].negative}-`)}`,
    `  alignment: exact ${share(alignment.exact)}, normalised ${share(alignment.normalised)}, fuzzy ${share(alignment.fuzzy)}, given ${share(alignment.given)}, unaligned ${share(alignment.unaligned)}`,
    `  left out: ${report.dropped.crossSplitSegments} segments and ${report.dropped.crossSplitPairs} pairs repeating an earlier split's text, ${report.dropped.invalidSpans} invalid spans`,
    `  see ${report.dir}/report.md`,
  ];
}

function documentSummaryLines(report: DocumentDatasetReport): string[] {
  const perSplit = (counts: Record<(typeof datasetSplits)[number], number>): string =>
    datasetSplits.map((split) => `${split} ${counts[split]}`).join(", ");
  const skipped = Object.entries(report.skipped);
  return [
    `document dataset for "${report.task}" (labels ${report.labels.join(", ")}) written to ${report.dir}`,
    report.options.splitBy === "given"
      ? "  split: as the documents give it (their own train/dev/test)"
      : `  split: at random by document per label, ${report.options.split.join("/")} with seed ${report.options.seed}`,
    `  documents: ${perSplit(report.documents)}`,
    ...report.labels.map(
      (label) => `  ${label}: ${perSplit(report.byLabel[label] ?? { train: 0, dev: 0, test: 0 })}`,
    ),
    `  synthetic: ${perSplit(report.bySource.synthetic)}; imported: ${perSplit(report.bySource.imported)}`,
    `  left out: ${report.dropped.crossSplitDocuments} documents repeating an earlier split's text, ${report.dropped.emptyText} empty${skipped.length > 0 ? `; not in the label set: ${skipped.map(([label, count]) => `${label} ${count}`).join(", ")}` : ""}`,
    `  see ${report.dir}/report.md`,
  ];
}

export function registerDatasetCommand(program: Command, io: CliIo): void {
  const dataset = program
    .command("dataset")
    .description("Build training datasets from the stored annotations.");
  dataset
    .command("build")
    .description("Build segment labels, query–passage pairs and CoNLL BIO for one task, split by document.")
    .requiredOption("--task <task>", "task whose annotations to use (requirements, skills, …)")
    .option(
      "--source <source>",
      "annotations to use: teacher, gold, human, or a source name (default: teacher if present, else gold)",
    )
    .option("--out <dir>", "output folder (default: <workspace>/datasets/<task>-<timestamp>)")
    .option("--seed <n>", "seed for the split and the negatives", String(DEFAULT_DATASET_SEED))
    .option("--split <fractions>", "train,dev,test fractions of the documents (random split)", "0.8,0.1,0.1")
    .option(
      "--split-by <how>",
      "given: each document's own split (SkillSpan's official ones); random: --split and --seed; auto: given when every document has one",
      "auto",
    )
    .option("--negative-ratio <r>", "negative pairs per positive pair, per category", "1")
    .option("--layers <ids>", "CoNLL layers (comma-separated category ids; default: all)")
    .option(
      "--labels <ids>",
      `document labels to keep, for the document tasks (${documentDatasetTasks.join(", ")}); default: every label found`,
    )
    .addHelpText(
      "after",
      [
        "",
        "Writes segments.{jsonl,csv,parquet}, pairs.{jsonl,csv,parquet}, conll/{train,dev,test}.conll (one typed",
        "BIO column per layer, in --layers order), conll/<split>.<layer>.conll (token and one layer's tag: append",
        "your predicted tag as a third column and conlleval scores it), dropped-segments.jsonl, report.json and",
        "report.md. JSONL loads with Hugging Face `datasets`.",
        `For a document task (${documentDatasetTasks.join(", ")}) it writes documents.{jsonl,csv,parquet} instead: one`,
        "row per labelled document (meta.label, as generate and labelled imports store it, else a single-label",
        "classify annotation, gold first) with id, text, label, split, synthetic, labelled_by, source, cell,",
        "model and prompt_version, split by document per label, with dropped-documents.jsonl and the report.",
        "A segment carries a category when a span overlaps it by half the segment or half the span.",
        "No identical text appears in two splits: a segment or pair whose text is in an earlier split",
        "(train, then dev, then test) is left out of the later one, counted in the report, and each such",
        "segment is listed in dropped-segments.jsonl with its reason (text-in-train, text-in-dev).",
        "",
        "Examples:",
        "  $ jobdistill gold import --format demo && jobdistill dataset build --task requirements --source gold",
        "  $ jobdistill dataset build --task requirements --negative-ratio 2 --seed 7 --out data/req",
        "  $ jobdistill dataset build --task skills --source skillspan --layers skill   # SkillSpan's own splits",
        "  $ jobdistill dataset build --task skills --split-by random --split 0.7,0.15,0.15",
        "  $ jobdistill dataset build --task screen --labels devops,other   # generated resumes, say",
      ].join("\n"),
    )
    .action(async (raw: unknown, command: Command) => {
      const options = parseCommandOptions(buildOptionsSchema, raw);
      if (isDocumentDatasetTask(options.task)) {
        if (options.source !== undefined || options.layers !== undefined) {
          throw new UsageError(
            `--source and --layers apply to span datasets; a "${options.task}" dataset takes each document's label (meta.label, else a single-label classify annotation, gold first)`,
          );
        }
        await withWorkspace(command, (workspace) => {
          const report = buildDocumentDataset(workspace, {
            task: options.task,
            labels: options.labels,
            seed: options.seed,
            split: options.split,
            splitBy: options.splitBy,
            out: options.out,
          });
          for (const line of documentSummaryLines(report)) io.out(line);
        });
        return;
      }
      if (options.labels !== undefined) {
        throw new UsageError(
          `--labels is for the document tasks (${documentDatasetTasks.join(", ")}); a span task's labels are its categories (see --layers)`,
        );
      }
      await withWorkspace(command, (workspace) => {
        const report = buildDataset(workspace, {
          task: options.task,
          seed: options.seed,
          split: options.split,
          splitBy: options.splitBy,
          negativeRatio: options.negativeRatio,
          source: options.source,
          out: options.out,
          layers: options.layers,
        });
        for (const line of summaryLines(report)) io.out(line);
      });
    });
}
