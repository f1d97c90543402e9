import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mergeAlignmentStats, segmentText } from "../../align/index.ts";
import { UsageError } from "../../core/errors.ts";
import { createRandom } from "../../core/random.ts";
import type { Span } from "../../core/types.ts";
import type { AnnotationReader } from "../../store/index.ts";
import { type LabelledDocument, selectAnnotations } from "../select-annotations.ts";
import { taskLabels } from "../task-labels.ts";
import { conllBlock, documentTokens, givenTokens } from "./conll.ts";
import {
  type DatasetSplit,
  datasetSplits,
  type PairExample,
  type SegmentExample,
  textKey,
} from "./examples.ts";
import { type CategoryCounts, type DatasetReport, reportMarkdown } from "./report.ts";
import { overlapLength, segmentLabels } from "./segment-labels.ts";
import { assignSplits, emptyBySplit, type SplitBy, validateSplitFractions } from "./split-documents.ts";
import { type TableColumn, writeCsv, writeJsonl, writeParquet } from "./write-tables.ts";

export interface BuildDatasetOptions {
  task: string;
  /** Annotation source: a kind (teacher, gold, human, …) or a source name. Default: teacher if present, else gold, … */
  source?: string | undefined;
  /** Output folder. Default `<workspace>/datasets/<task>-<timestamp>`. */
  out?: string | undefined;
  /** Seed for the split and the negatives. Default 13. */
  seed?: number | undefined;
  /** Train/dev/test fractions of the documents, when split at random. Default [0.8, 0.1, 0.1]. */
  split?: readonly number[];
  /**
   * How documents get their split: "given" by their metadata (`meta.split`, as SkillSpan's import
   * records its official splits), "random" by `split` and `seed`, "auto" (default) given when
   * every document names one, else random.
   */
  splitBy?: SplitBy;
  /** Negative pairs per positive pair, per category. Default 1. */
  negativeRatio?: number;
  /** CoNLL layers (category ids), in column order. Default: every category of the task. */
  layers?: readonly string[] | undefined;
  /** Clock for the default folder name and the report (tests pin it). */
  now?: Date;
}

export const DEFAULT_DATASET_SEED = 13;
export const DEFAULT_SPLIT = [0.8, 0.1, 0.1] as const;

export const segmentRule =
  "a segment carries a category when one of its spans overlaps the segment by at least half of the segment's length or at least half of the span's length";

const segmentColumns: TableColumn[] = [
  { name: "doc_id", kind: "string" },
  { name: "split", kind: "string" },
  { name: "segment_id", kind: "string" },
  { name: "start", kind: "int" },
  { name: "end", kind: "int" },
  { name: "text", kind: "string" },
  { name: "labels", kind: "string-list" },
];
const pairColumns: TableColumn[] = [
  { name: "query", kind: "string" },
  { name: "passage", kind: "string" },
  { name: "label", kind: "int" },
  { name: "category", kind: "string" },
  { name: "kind", kind: "string" },
  { name: "doc_id", kind: "string" },
  { name: "split", kind: "string" },
  { name: "start", kind: "int" },
  { name: "end", kind: "int" },
];

interface Passage {
  doc_id: string;
  start: number;
  end: number;
  text: string;
}

const emptyCounts = (): CategoryCounts => ({
  segments: 0,
  spans: 0,
  pairsPositive: 0,
  pairsNegative: 0,
  conllChunks: 0,
});

/**
 * Builds a training dataset from the stored annotations of one task and source:
 * segment-level multi-label examples, query–passage pairs and token-level BIO (CoNLL), as JSONL
 * (Hugging Face `datasets`), CSV and Parquet, with `report.json` and `report.md`.
 *
 * Documents are split whole (seeded). Splits are filled in order train, dev, test, and a segment
 * or pair passage whose text (whitespace folded) already appears in an earlier split is left out
 * of the later one, so no identical text is in two splits; within a split repeats stay. Negative
 * pairs for a category come from the same split: unlabelled segments (no span of any category
 * overlaps them) and spans of other categories that overlap no span of that category, never a
 * text that is a positive of that category.
 */
/**
 * A segment left out of its split's segments and pairs, and of its CoNLL file unless `in_conll`
 * (a document with its own tokens, a SkillSpan sentence, is written whole): `reason`
 * "text-in-train" says an earlier split already has the same text.
 */
interface DroppedSegment {
  doc_id: string;
  split: DatasetSplit;
  segment_id: string;
  start: number;
  end: number;
  reason: string;
  in_conll: boolean;
}

const conllText = (lines: readonly string[]): string => (lines.length > 0 ? `${lines.join("\n")}\n` : "");

/** The workspace parts a build reads: annotations and their documents, and the folder it writes under by default. */
export type DatasetBuildSource = AnnotationReader & { readonly dir: string };

export function buildDataset(workspace: DatasetBuildSource, options: BuildDatasetOptions): DatasetReport {
  const seed = options.seed ?? DEFAULT_DATASET_SEED;
  const fractions = validateSplitFractions(options.split ?? DEFAULT_SPLIT);
  const negativeRatio = options.negativeRatio ?? 1;
  if (!Number.isFinite(negativeRatio) || negativeRatio < 0) {
    throw new UsageError(`--negative-ratio must be a number ≥ 0, got ${negativeRatio}`);
  }
  const selection = selectAnnotations(workspace, { task: options.task, source: options.source });
  const labels = taskLabels(
    options.task,
    selection.documents.flatMap((entry) => entry.spans.map((span) => span.label)),
  );
  const labelIds = labels.map((label) => label.id);
  const layers = [...(options.layers ?? labelIds)];
  const unknownLayers = layers.filter((layer) => !labelIds.includes(layer));
  if (unknownLayers.length > 0 || layers.length === 0) {
    throw new UsageError(
      `--layers must name categories of "${options.task}" (${labelIds.join(", ")}), got ${layers.join(",")}`,
    );
  }
  const now = options.now ?? new Date();
  const dir =
    options.out ??
    join(workspace.dir, "datasets", `${options.task}-${now.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(join(dir, "conll"), { recursive: true });

  let unknownLabelSpans = 0;
  const documents: LabelledDocument[] = selection.documents.map((entry) => {
    const known = entry.spans.filter((span) => labelIds.includes(span.label));
    unknownLabelSpans += entry.spans.length - known.length;
    return { ...entry, spans: known };
  });
  const { assignment, splitBy } = assignSplits(
    documents.map((entry) => entry.document),
    options.splitBy ?? "auto",
    fractions,
    seed,
  );
  const report: DatasetReport = {
    task: options.task,
    source: selection.source,
    createdAt: now.toISOString(),
    dir,
    options: { seed, split: [...fractions], splitBy, negativeRatio, layers, segmentRule },
    documents: emptyBySplit(() => 0),
    segments: emptyBySplit(() => 0),
    unlabelledSegments: emptyBySplit(() => 0),
    pairs: emptyBySplit(() => ({ positive: 0, negative: 0 })),
    categories: labels.map((label) => ({
      id: label.id,
      name: label.name,
      bySplit: emptyBySplit(emptyCounts),
    })),
    dropped: {
      crossSplitSegments: 0,
      crossSplitPairs: 0,
      invalidSpans: selection.invalidSpans,
      unknownLabelSpans,
      negativesShort: 0,
    },
    alignment: alignmentCounts(documents),
    files: [],
  };
  const countsOf = (label: string, split: DatasetSplit): CategoryCounts =>
    report.categories.find((category) => category.id === label)?.bySplit[split] ?? emptyCounts();
  const nameOf = (label: string): string => labels.find((entry) => entry.id === label)?.name ?? label;

  const firstSplitOfText = new Map<string, DatasetSplit>();
  const claim = (text: string, split: DatasetSplit): boolean => {
    const key = textKey(text);
    const first = firstSplitOfText.get(key);
    if (first === undefined) firstSplitOfText.set(key, split);
    return first === undefined || first === split;
  };
  const random = createRandom(seed + 1);
  const segments: SegmentExample[] = [];
  const pairs: PairExample[] = [];
  /** Segments of a split's documents left out of its files (CoNLL included), each with its reason. */
  const droppedSegments: DroppedSegment[] = [];

  for (const split of datasetSplits) {
    const inSplit = documents
      .filter((entry) => assignment.get(entry.document.id) === split)
      .sort((a, b) => (a.document.id < b.document.id ? -1 : 1));
    const unlabelled: Passage[] = [];
    const positives: PairExample[] = [];
    const spansByDocument = new Map<string, Span[]>();
    const conllLines: string[] = [];
    for (const { document, text, spans } of inSplit) {
      report.documents[split]++;
      spansByDocument.set(document.id, spans);
      const kept: { start: number; end: number }[] = [];
      // A document with its own tokens (a SkillSpan sentence) is written as the one sentence it is.
      const ownTokens = givenTokens(document, text);
      segmentText(text).forEach((segment, index) => {
        if (!claim(segment.text, split)) {
          report.dropped.crossSplitSegments++;
          droppedSegments.push({
            doc_id: document.id,
            split,
            segment_id: `${document.id}#${index}`,
            start: segment.start,
            end: segment.end,
            reason: `text-in-${firstSplitOfText.get(textKey(segment.text)) ?? "earlier"}`,
            in_conll: ownTokens !== undefined,
          });
          return;
        }
        const segmentLabelIds = segmentLabels(segment, spans, labelIds);
        segments.push({
          doc_id: document.id,
          split,
          segment_id: `${document.id}#${index}`,
          start: segment.start,
          end: segment.end,
          text: segment.text,
          labels: segmentLabelIds,
        });
        report.segments[split]++;
        for (const label of segmentLabelIds) countsOf(label, split).segments++;
        if (!spans.some((span) => overlapLength(segment, span) > 0)) {
          unlabelled.push({
            doc_id: document.id,
            start: segment.start,
            end: segment.end,
            text: segment.text,
          });
          report.unlabelledSegments[split]++;
        }
        kept.push(segment);
      });
      for (const span of spans) {
        countsOf(span.label, split).spans++;
        if (!claim(span.text, split)) {
          report.dropped.crossSplitPairs++;
          continue;
        }
        positives.push({
          query: `Example of ${nameOf(span.label)}`,
          passage: span.text,
          label: 1,
          category: span.label,
          kind: "span",
          doc_id: document.id,
          split,
          start: span.start,
          end: span.end,
        });
      }
      const block = ownTokens
        ? conllBlock(ownTokens, spans, [{ start: 0, end: text.length }], layers)
        : conllBlock(documentTokens(document, text), spans, kept, layers);
      conllLines.push(...block.lines);
      for (const [layer, count] of Object.entries(block.chunks)) countsOf(layer, split).conllChunks += count;
    }
    for (const positive of positives) countsOf(positive.category, split).pairsPositive++;
    pairs.push(...positives);
    report.pairs[split].positive += positives.length;
    for (const label of labelIds) {
      const drawn = drawNegatives(label, positives, unlabelled, spansByDocument, negativeRatio, random);
      report.dropped.negativesShort += drawn.short;
      for (const passage of drawn.negatives) {
        pairs.push({
          query: `Example of ${nameOf(label)}`,
          passage: passage.text,
          label: 0,
          category: label,
          kind: passage.kind,
          doc_id: passage.doc_id,
          split,
          start: passage.start,
          end: passage.end,
        });
      }
      countsOf(label, split).pairsNegative += drawn.negatives.length;
      report.pairs[split].negative += drawn.negatives.length;
    }
    writeFileSync(join(dir, "conll", `${split}.conll`), conllText(conllLines));
    report.files.push(`conll/${split}.conll`);
    // conlleval scores one layer: the last two columns of a line are read as gold and predicted tag.
    layers.forEach((layer, layerIndex) => {
      const layerLines = conllLines.map((line) => {
        const columns = line.split("\t");
        return line === "" ? "" : `${columns[0] ?? ""}\t${columns[layerIndex + 1] ?? "O"}`;
      });
      writeFileSync(join(dir, "conll", `${split}.${layer}.conll`), conllText(layerLines));
      report.files.push(`conll/${split}.${layer}.conll`);
    });
  }

  for (const [name, columns, rows] of [
    ["segments", segmentColumns, segments],
    ["pairs", pairColumns, pairs],
  ] as const) {
    writeJsonl(join(dir, `${name}.jsonl`), columns, rows);
    writeCsv(join(dir, `${name}.csv`), columns, rows);
    writeParquet(join(dir, `${name}.parquet`), columns, rows);
    report.files.push(`${name}.jsonl`, `${name}.csv`, `${name}.parquet`);
  }
  writeFileSync(
    join(dir, "dropped-segments.jsonl"),
    droppedSegments.map((segment) => `${JSON.stringify(segment)}\n`).join(""),
  );
  report.files.push("dropped-segments.jsonl", "report.json", "report.md");
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), reportMarkdown(report));
  return report;
}

/**
 * Alignment figures of the dataset's spans (after chunk merging) plus the unaligned quotes, and
 * separately the sums of the teacher calls' own counts when the annotations carry them.
 */
function alignmentCounts(documents: readonly LabelledDocument[]): DatasetReport["alignment"] {
  const counts = { exact: 0, normalised: 0, fuzzy: 0, given: 0, unspecified: 0, unaligned: 0, total: 0 };
  let teacherStats: DatasetReport["alignment"]["teacherStats"] = null;
  for (const entry of documents) {
    for (const span of entry.spans) counts[span.alignment ?? "unspecified"]++;
    counts.unaligned += entry.unaligned;
    counts.total += entry.spans.length + entry.unaligned;
    if (entry.alignmentStats) {
      teacherStats = mergeAlignmentStats(...(teacherStats ? [teacherStats] : []), entry.alignmentStats);
    }
  }
  return { ...counts, teacherStats };
}

interface NegativePassage extends Passage {
  kind: "unlabelled-segment" | "other-category";
}

/**
 * `round(ratio × positives)` negatives for one category, half-and-half (at random) from the two
 * pools, without repeating a passage. A pool candidate never has the text of a positive of the
 * category; an other-category span never overlaps a span of the category in its document.
 */
function drawNegatives(
  label: string,
  positives: readonly PairExample[],
  unlabelled: readonly Passage[],
  spansByDocument: ReadonlyMap<string, readonly Span[]>,
  ratio: number,
  random: ReturnType<typeof createRandom>,
): { negatives: NegativePassage[]; short: number } {
  const ownTexts = new Set(
    positives.filter((pair) => pair.category === label).map((pair) => textKey(pair.passage)),
  );
  const wanted = Math.round(ratio * positives.filter((pair) => pair.category === label).length);
  if (wanted === 0) return { negatives: [], short: 0 };
  const fromSegments: NegativePassage[] = unlabelled
    .filter((passage) => !ownTexts.has(textKey(passage.text)))
    .map((passage) => ({ ...passage, kind: "unlabelled-segment" }));
  const fromOtherCategories: NegativePassage[] = positives
    .filter((pair) => pair.category !== label && !ownTexts.has(textKey(pair.passage)))
    .filter((pair) =>
      (spansByDocument.get(pair.doc_id) ?? []).every(
        (span) => span.label !== label || overlapLength(span, pair) === 0,
      ),
    )
    .map((pair) => ({
      doc_id: pair.doc_id,
      start: pair.start,
      end: pair.end,
      text: pair.passage,
      kind: "other-category",
    }));
  const used = new Set<string>();
  const negatives: NegativePassage[] = [];
  const available = fromSegments.length + fromOtherCategories.length;
  for (let drawn = 0; drawn < wanted; drawn++) {
    if (used.size >= available) break;
    let chosen: NegativePassage | undefined;
    for (let attempt = 0; attempt < 20 && !chosen; attempt++) {
      const pool =
        fromOtherCategories.length === 0 || (fromSegments.length > 0 && random.next() < 0.5)
          ? fromSegments
          : fromOtherCategories;
      const candidate = pool[random.int(pool.length)];
      if (candidate && !used.has(textKey(candidate.text))) chosen = candidate;
    }
    if (!chosen) continue;
    used.add(textKey(chosen.text));
    negatives.push(chosen);
  }
  return { negatives, short: wanted - negatives.length };
}
