import { z } from "zod";
import { datasetSplits } from "./examples.ts";

const bySplit = <T extends z.ZodType>(schema: T) => z.object({ train: schema, dev: schema, test: schema });
const categoryCountsSchema = z.object({
  segments: z.number(),
  spans: z.number(),
  pairsPositive: z.number(),
  pairsNegative: z.number(),
  conllChunks: z.number(),
});
export type CategoryCounts = z.infer<typeof categoryCountsSchema>;

export const datasetReportSchema = z.object({
  task: z.string(),
  source: z.object({ kind: z.string(), name: z.string() }),
  createdAt: z.string(),
  dir: z.string(),
  options: z.object({
    seed: z.number(),
    split: z.array(z.number()),
    /** "given": each document's own split (its metadata); "random": `split` fractions with `seed`. */
    splitBy: z.enum(["given", "random"]).optional(),
    negativeRatio: z.number(),
    layers: z.array(z.string()),
    segmentRule: z.string(),
  }),
  documents: bySplit(z.number()),
  segments: bySplit(z.number()),
  unlabelledSegments: bySplit(z.number()),
  pairs: bySplit(z.object({ positive: z.number(), negative: z.number() })),
  categories: z.array(z.object({ id: z.string(), name: z.string(), bySplit: bySplit(categoryCountsSchema) })),
  dropped: z.object({
    /** Segments and pair passages left out of a later split because the same text is in an earlier one. */
    crossSplitSegments: z.number(),
    crossSplitPairs: z.number(),
    invalidSpans: z.number(),
    unknownLabelSpans: z.number(),
    /** Negatives that could not be drawn because the pools ran dry. */
    negativesShort: z.number(),
  }),
  alignment: z.object({
    exact: z.number(),
    normalised: z.number(),
    fuzzy: z.number(),
    given: z.number(),
    unspecified: z.number(),
    unaligned: z.number(),
    total: z.number(),
    /** The aligner's own counts per teacher call (quotes in chunk overlaps counted per chunk), when stored. */
    teacherStats: z
      .object({
        exact: z.number(),
        normalised: z.number(),
        fuzzy: z.number(),
        unaligned: z.number(),
        total: z.number(),
      })
      .nullable(),
  }),
  files: z.array(z.string()),
});
export type DatasetReport = z.infer<typeof datasetReportSchema>;

const percent = (part: number, whole: number): string =>
  whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;

/** The report as Markdown: what a person reads before training on the dataset. */
export function reportMarkdown(report: DatasetReport): string {
  const lines = [
    `# Dataset: ${report.task}`,
    "",
    `Source: ${report.source.kind} "${report.source.name}". Built ${report.createdAt}, seed ${report.options.seed}, ${report.options.splitBy === "given" ? "splits as the documents give them" : `split ${report.options.split.join("/")} at random by document`}, ${report.options.negativeRatio} negative(s) per positive.`,
    "",
    `Segment labels: ${report.options.segmentRule}`,
    "",
    "| | train | dev | test |",
    "|---|---:|---:|---:|",
    `| documents | ${datasetSplits.map((split) => report.documents[split]).join(" | ")} |`,
    `| segments | ${datasetSplits.map((split) => report.segments[split]).join(" | ")} |`,
    `| unlabelled segments | ${datasetSplits.map((split) => report.unlabelledSegments[split]).join(" | ")} |`,
    `| pairs (pos/neg) | ${datasetSplits.map((split) => `${report.pairs[split].positive}/${report.pairs[split].negative}`).join(" | ")} |`,
    "",
    "## Per category (train / dev / test)",
    "",
    "| category | spans | segments | pairs pos | pairs neg | CoNLL chunks |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const category of report.categories) {
    const cell = (key: keyof CategoryCounts): string =>
      datasetSplits.map((split) => category.bySplit[split][key]).join(" / ");
    lines.push(
      `| ${category.name} | ${cell("spans")} | ${cell("segments")} | ${cell("pairsPositive")} | ${cell("pairsNegative")} | ${cell("conllChunks")} |`,
    );
  }
  const { alignment, dropped } = report;
  lines.push(
    "",
    "## Alignment of the source spans",
    "",
    `${alignment.total} quotes: exact ${percent(alignment.exact, alignment.total)}, normalised ${percent(alignment.normalised, alignment.total)}, fuzzy ${percent(alignment.fuzzy, alignment.total)}, given (gold offsets) ${percent(alignment.given, alignment.total)}, unspecified ${percent(alignment.unspecified, alignment.total)}, unaligned ${percent(alignment.unaligned, alignment.total)}.`,
    "",
    ...(alignment.teacherStats
      ? [
          `Teacher calls' own counts (per chunk): ${alignment.teacherStats.total} quotes, exact ${percent(alignment.teacherStats.exact, alignment.teacherStats.total)}, normalised ${percent(alignment.teacherStats.normalised, alignment.teacherStats.total)}, fuzzy ${percent(alignment.teacherStats.fuzzy, alignment.teacherStats.total)}, unaligned ${percent(alignment.teacherStats.unaligned, alignment.teacherStats.total)}.`,
          "",
        ]
      : []),
    "## Left out",
    "",
    `- ${dropped.crossSplitSegments} segments and ${dropped.crossSplitPairs} pairs whose text already appears in an earlier split`,
    `- ${dropped.invalidSpans} spans whose offsets do not reproduce their text; ${dropped.unknownLabelSpans} spans with a label outside the task's set`,
    `- ${dropped.negativesShort} negatives that could not be drawn (pools exhausted)`,
    "",
    `Files: ${report.files.join(", ")}`,
    "",
  );
  return lines.join("\n");
}
