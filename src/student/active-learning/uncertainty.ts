import { tokenisedSegments } from "../requirements/training-examples.ts";
import type { SegmentScorer } from "../segment-classifier/index.ts";
import type { TaggerModel } from "../tagger/index.ts";

/**
 * How unsure a tagger is of a text: 1 − the geometric mean, over the text's tokens, of the Viterbi
 * path's per-token probability (`TaggerModel.pathConfidence`, segment by segment, each segment
 * weighted by its tokens). 0 when every segment's best path takes all the probability mass; it
 * rises towards 1 as other taggings close in. A text without tokens scores 0.
 */
export function taggerUncertainty(tagger: TaggerModel, text: string): number {
  let logConfidence = 0;
  let tokens = 0;
  for (const segment of tokenisedSegments(text)) {
    if (segment.tokens.length === 0) continue;
    logConfidence += tagger.pathConfidence(segment.tokens.map((token) => token.text)) * segment.tokens.length;
    tokens += segment.tokens.length;
  }
  return tokens === 0 ? 0 : 1 - Math.exp(logConfidence / tokens);
}

/**
 * How close one label's calibrated probability lies to its decision threshold, in [0, 1]: 1 on
 * the threshold, 0 at certainty (0 or 1), linear in between on each side, so a threshold of 0.3
 * weighs a step below it as much as a wider step above it.
 */
export function thresholdMargin(probability: number, threshold: number): number {
  if (probability === threshold) return 1;
  const room = probability > threshold ? 1 - threshold : threshold;
  return Math.max(0, 1 - Math.abs(probability - threshold) / room);
}

/**
 * A segment's uncertainty: its least decided label, the largest `thresholdMargin` over the
 * classifier's labels (a segment sure of nine labels and torn on the tenth is worth a label).
 */
export function segmentUncertainty(
  scores: Readonly<Record<string, number>>,
  labels: readonly string[],
  thresholds: readonly number[],
): number {
  let most = 0;
  labels.forEach((label, index) => {
    most = Math.max(most, thresholdMargin(scores[label] ?? 0, thresholds[index] ?? 0.5));
  });
  return most;
}

/**
 * How a text's segment uncertainties become one: "mean" over all its segments, or "least-sure",
 * the mean of its `LEAST_SURE_SEGMENTS` least sure segments (a long posting with three torn
 * segments is not averaged away by its boilerplate).
 */
export const segmentAggregations = ["mean", "least-sure"] as const;
export type SegmentAggregation = (typeof segmentAggregations)[number];
export const LEAST_SURE_SEGMENTS = 3;

/**
 * How unsure a segment classifier is of a text: the `segmentUncertainty` of its segments (the
 * segments `highlightRequirements` scores), aggregated as `aggregation` says (default "mean").
 * A text without segments scores 0.
 */
export async function segmentClassifierUncertainty(
  classifier: SegmentScorer,
  text: string,
  aggregation: SegmentAggregation = "mean",
): Promise<number> {
  const segments = tokenisedSegments(text).filter((segment) => segment.tokens.length > 0);
  if (segments.length === 0) return 0;
  const predictions = await classifier.predictBatch(segments.map((segment) => segment.text));
  const margins = predictions.map((prediction) =>
    segmentUncertainty(prediction.scores, classifier.labels, classifier.thresholds),
  );
  const counted =
    aggregation === "least-sure" ? margins.sort((a, b) => b - a).slice(0, LEAST_SURE_SEGMENTS) : margins;
  return counted.reduce((sum, margin) => sum + margin, 0) / counted.length;
}
