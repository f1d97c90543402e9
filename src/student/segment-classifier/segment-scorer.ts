import type { SegmentPrediction } from "./model.ts";

/**
 * What the requirement highlight rule and the evaluation ask of a segment classifier, whichever it
 * is: the lexical `SegmentClassifier` (answers at once) or an encoder-backed one
 * (src/student/encoder-segments/, which must embed the texts first and so answers with a promise).
 */
export interface SegmentScorer {
  /** Every label, in output order. */
  readonly labels: readonly string[];
  /** Per-label decision thresholds on the calibrated probabilities, in label order. */
  readonly thresholds: readonly number[];
  /** One prediction per text, in order. */
  predictBatch(texts: readonly string[]): SegmentPrediction[] | Promise<SegmentPrediction[]>;
}
