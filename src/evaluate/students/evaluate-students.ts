import { segmentText } from "../../align/segment-text.ts";
import type { Token } from "../../align/tokenize.ts";
import { segmentLabels } from "../../dataset/build/index.ts";
import {
  highlightRequirements,
  type RequirementStudents,
} from "../../student/requirements/highlight-requirements.ts";
import { tagSegments } from "../../student/requirements/tag-text.ts";
import type { LabelledSpan } from "../../student/requirements/training-examples.ts";
import type { TaggerModel } from "../../student/tagger/index.ts";
import { type LabelMetrics, multiLabelClassificationReport } from "../classification-metrics.ts";
import { type MatchScores, type ScoredSpan, scoreSpans } from "../span-scorer.ts";
import { type ConfusionMatrix, segmentConfusion } from "./segment-confusion.ts";

/** A document to evaluate on: its (reduced) text and the reference spans pointing into it. */
export interface EvaluationDocument {
  id: string;
  text: string;
  spans: readonly LabelledSpan[];
}

/** One row of a per-label table, in the shape the runs page plots. */
export type LabelScoreRow = Pick<
  LabelMetrics,
  "label" | "precision" | "recall" | "f1" | "support" | "predicted"
>;

export interface Averages {
  precision: number;
  recall: number;
  f1: number;
}

export interface ScoreTable {
  rows: LabelScoreRow[];
  micro: LabelScoreRow;
  macro: Averages;
}

export interface SpanEvaluation {
  /** Same start, end and category (conlleval). */
  strict: ScoreTable;
  /** Any overlap, same category. */
  loose: ScoreTable;
}

export interface SegmentEvaluation extends ScoreTable {
  segments: number;
  /** Share of segments whose predicted category set equals the reference one. */
  exactMatch: number;
  confusion: ConfusionMatrix;
}

export interface DocumentsEvaluation {
  documents: number;
  /** The tagger's spans alone, and (with a segment classifier) the highlights users see. */
  spans: { tagger: SpanEvaluation; highlight?: SpanEvaluation };
  segments?: SegmentEvaluation;
}

/**
 * Scores the students against reference spans on held-out documents: span-level strict and loose
 * P/R/F1 per category (micro and macro) for the tagger alone and for the full highlight
 * (`highlightRequirements`, tagger plus segment-level highlights), and segment-level P/R/F1 with
 * a confusion matrix for the segment classifier, where segment references follow the
 * dataset's rule (`segmentLabels`). `labels` fixes the categories scored (others are ignored on both sides).
 */
export async function evaluateOnDocuments(
  students: RequirementStudents,
  documents: readonly EvaluationDocument[],
  labels: readonly string[],
): Promise<DocumentsEvaluation> {
  const reference: ScoredSpan[][] = [];
  const tagged: ScoredSpan[][] = [];
  const highlighted: ScoredSpan[][] = [];
  const segmentGold: string[][] = [];
  const segmentPredicted: string[][] = [];
  const classifier = students.segmentClassifier;
  const known = new Set(labels);
  for (const document of documents) {
    reference.push(document.spans.map(({ start, end, label }) => ({ start, end, label })));
    tagged.push(
      tagSegments(students.tagger, document.text).flatMap(({ spans }) =>
        spans.map(({ start, end, label }) => ({ start, end, label })),
      ),
    );
    if (!classifier) continue;
    const highlight = await highlightRequirements(students, { text: document.text });
    highlighted.push(highlight.spans.map(({ start, end, category }) => ({ start, end, label: category })));
    const segments = segmentText(document.text);
    const predictions = await classifier.predictBatch(segments.map((segment) => segment.text));
    segments.forEach((segment, index) => {
      segmentGold.push(segmentLabels(segment, document.spans, labels));
      segmentPredicted.push((predictions[index]?.labels ?? []).filter((label) => known.has(label)));
    });
  }
  const result: DocumentsEvaluation = {
    documents: documents.length,
    spans: { tagger: spanEvaluation(reference, tagged, labels) },
  };
  if (classifier) {
    result.spans.highlight = spanEvaluation(reference, highlighted, labels);
    result.segments = segmentEvaluation(segmentGold, segmentPredicted, labels);
  }
  return result;
}

/**
 * Scores spans from any source (a baseline, a teacher) the way `evaluateOnDocuments` scores the
 * students: span strict/loose per category, and segment-level figures where a segment's predicted
 * categories follow the same rule as its reference ones (`segmentLabels`).
 */
export function evaluatePredictedSpans(
  documents: readonly EvaluationDocument[],
  predicted: readonly (readonly LabelledSpan[])[],
  labels: readonly string[],
): { documents: number; spans: SpanEvaluation; segments: SegmentEvaluation } {
  const reference = documents.map((document) =>
    document.spans.map(({ start, end, label }) => ({ start, end, label })),
  );
  const predictedSpans = predicted.map((spans) =>
    spans.map(({ start, end, label }) => ({ start, end, label })),
  );
  const segmentGold: string[][] = [];
  const segmentPredicted: string[][] = [];
  documents.forEach((document, index) => {
    for (const segment of segmentText(document.text)) {
      segmentGold.push(segmentLabels(segment, document.spans, labels));
      segmentPredicted.push(segmentLabels(segment, predicted[index] ?? [], labels));
    }
  });
  return {
    documents: documents.length,
    spans: spanEvaluation(reference, predictedSpans, labels),
    segments: segmentEvaluation(segmentGold, segmentPredicted, labels),
  };
}

function segmentEvaluation(
  segmentGold: readonly string[][],
  segmentPredicted: readonly string[][],
  labels: readonly string[],
): SegmentEvaluation {
  const report = multiLabelClassificationReport(segmentGold, segmentPredicted, labels);
  const rows = report.perLabel.map((metrics) => ({
    label: metrics.label,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    support: metrics.support,
    predicted: metrics.predicted,
  }));
  return {
    rows,
    micro: {
      label: "micro",
      ...report.micro,
      support: rows.reduce((sum, row) => sum + row.support, 0),
      predicted: rows.reduce((sum, row) => sum + row.predicted, 0),
    },
    macro: report.macro,
    segments: report.examples,
    exactMatch: report.accuracy,
    confusion: segmentConfusion(segmentGold, segmentPredicted, labels),
  };
}

/** A sentence with its own tokens (SkillSpan's), scored as given: no re-segmenting, no re-tokenising. */
export interface EvaluationSentence {
  tokens: readonly Token[];
  spans: readonly LabelledSpan[];
}

/**
 * Scores a tagger on sentences that come with their tokens, as a published protocol does (SkillSpan
 * scores its own tokens): strict and loose span P/R/F1 per layer, micro and macro. Each sentence
 * counts, repeats included.
 */
export function evaluateOnSentences(
  tagger: TaggerModel,
  sentences: readonly EvaluationSentence[],
  labels: readonly string[],
): DocumentsEvaluation {
  const reference: ScoredSpan[][] = [];
  const tagged: ScoredSpan[][] = [];
  for (const sentence of sentences) {
    reference.push(sentence.spans.map(({ start, end, label }) => ({ start, end, label })));
    const chunksByLayer = tagger.predictChunks(sentence.tokens.map((token) => token.text));
    const spans: ScoredSpan[] = [];
    for (const [label, chunks] of Object.entries(chunksByLayer)) {
      for (const chunk of chunks) {
        const first = sentence.tokens[chunk.startToken];
        const last = sentence.tokens[chunk.endToken - 1];
        if (first && last) spans.push({ start: first.start, end: last.end, label });
      }
    }
    tagged.push(spans);
  }
  return { documents: sentences.length, spans: { tagger: spanEvaluation(reference, tagged, labels) } };
}

function spanEvaluation(
  reference: readonly ScoredSpan[][],
  predicted: readonly ScoredSpan[][],
  labels: readonly string[],
): SpanEvaluation {
  const scores = scoreSpans(reference, predicted, { labels });
  return { strict: scoreTable(scores.strict, labels), loose: scoreTable(scores.loose, labels) };
}

function scoreTable(scores: MatchScores, labels: readonly string[]): ScoreTable {
  const rows = labels.map((label): LabelScoreRow => {
    const counts = scores.perLabel[label];
    return {
      label,
      precision: counts?.precision ?? 0,
      recall: counts?.recall ?? 0,
      f1: counts?.f1 ?? 0,
      support: counts?.gold ?? 0,
      predicted: counts?.predicted ?? 0,
    };
  });
  const { micro } = scores;
  return {
    rows,
    micro: {
      label: "micro",
      precision: micro.precision,
      recall: micro.recall,
      f1: micro.f1,
      support: micro.gold,
      predicted: micro.predicted,
    },
    macro: macroAverage(rows),
  };
}

/** Unweighted mean over the labels present in reference or prediction (others have no defined F1). */
function macroAverage(rows: readonly LabelScoreRow[]): Averages {
  const present = rows.filter((row) => row.support + row.predicted > 0);
  const mean = (pick: (row: LabelScoreRow) => number): number =>
    present.length === 0 ? 0 : present.reduce((sum, row) => sum + pick(row), 0) / present.length;
  return {
    precision: mean((row) => row.precision),
    recall: mean((row) => row.recall),
    f1: mean((row) => row.f1),
  };
}
