import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { FeatureExtractor, featureConfigSchema } from "./features.ts";
import { sigmoid, softmaxInPlace } from "./probability.ts";
import type { SegmentScorer } from "./segment-scorer.ts";

/**
 * How margins become probabilities. `platt`: per label `sigmoid(slope·margin + intercept)`, fitted
 * on dev (multi-label). `temperature`: `softmax(margin / temperature)`, fitted on dev
 * (multi-class). Without dev data the slope is 1, the intercept 0 and the temperature 1.
 */
export const calibrationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("platt"), slopes: z.array(z.number()), intercepts: z.array(z.number()) }),
  z.object({ kind: z.literal("temperature"), temperature: z.number().positive() }),
]);
export type Calibration = z.infer<typeof calibrationSchema>;

export const segmentClassifierModes = ["multi-label", "multi-class"] as const;
export type SegmentClassifierMode = (typeof segmentClassifierModes)[number];

/** Everything about a trained model except its weights: serialisable, validated on load. */
export const segmentClassifierConfigSchema = z
  .object({
    mode: z.enum(segmentClassifierModes),
    labels: z.array(z.string().min(1)).min(1),
    features: featureConfigSchema,
    calibration: calibrationSchema,
    /** Per-label decision thresholds on calibrated probabilities (multi-label mode). */
    thresholds: z.array(z.number().min(0).max(1)),
    /** The options it was trained with and what training did, for provenance. */
    training: z.record(z.string(), z.unknown()),
  })
  .superRefine((config, context) => {
    const labelCount = config.labels.length;
    if (new Set(config.labels).size !== labelCount)
      context.addIssue({ code: "custom", message: "duplicate labels" });
    if (config.thresholds.length !== labelCount) {
      context.addIssue({ code: "custom", message: "one threshold per label expected", path: ["thresholds"] });
    }
    const { calibration } = config;
    if (
      calibration.kind === "platt" &&
      (calibration.slopes.length !== labelCount || calibration.intercepts.length !== labelCount)
    ) {
      context.addIssue({
        code: "custom",
        message: "one Platt slope and intercept per label expected",
        path: ["calibration"],
      });
    }
  });
export type SegmentClassifierConfig = z.infer<typeof segmentClassifierConfigSchema>;

export interface SegmentPrediction {
  /** Labels above their threshold (multi-label) or the single most probable label (multi-class). */
  labels: string[];
  /** Calibrated probability of every label. */
  scores: Record<string, number>;
}

/**
 * Adds the weights of `count` feature rows to `margins` (one per label), scaled so long and
 * short segments land on the same footing. The single hot loop shared by training and prediction;
 * training passes a wider `rowStride` because its rows also hold Adagrad's accumulators.
 */
export function accumulateMargins(
  weights: Float32Array,
  bias: Float32Array,
  labelCount: number,
  indices: Int32Array,
  count: number,
  margins: Float64Array,
  rowStride: number = labelCount,
): number {
  const scale = count > 0 ? 1 / Math.sqrt(count) : 0;
  // Label-outer loops keep each sum in a register; the rows are in cache after the first label.
  for (let l = 0; l < labelCount; l++) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += weights[(indices[i] as number) * rowStride + l] as number;
    margins[l] = sum * scale + (bias[l] as number);
  }
  return scale;
}

/**
 * A linear multi-label (one-vs-rest logistic) or multi-class (softmax) classifier over hashed
 * word and character n-grams. Weights are a dense `2^hashBits × labels` table, row per feature.
 */
export class SegmentClassifier implements SegmentScorer {
  readonly config: SegmentClassifierConfig;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  private readonly extractor: FeatureExtractor;
  private readonly labelIndex: Map<string, number>;
  private readonly buffer: Float64Array;

  constructor(config: SegmentClassifierConfig, weights: Float32Array, bias: Float32Array) {
    const labelCount = config.labels.length;
    if (weights.length !== labelCount * 2 ** config.features.hashBits || bias.length !== labelCount) {
      throw new UsageError("segment classifier weights do not match its labels and hash size", {
        labels: labelCount,
        hashBits: config.features.hashBits,
        weights: weights.length,
        bias: bias.length,
      });
    }
    this.config = config;
    this.weights = weights;
    this.bias = bias;
    this.extractor = new FeatureExtractor(config.features);
    this.labelIndex = new Map(config.labels.map((label, index) => [label, index]));
    this.buffer = new Float64Array(labelCount);
  }

  get labels(): readonly string[] {
    return this.config.labels;
  }

  get thresholds(): readonly number[] {
    return this.config.thresholds;
  }

  /** Raw, uncalibrated margins written into `out` (length ≥ number of labels). */
  marginsInto(text: string, out: Float64Array, extraFeatures?: readonly string[]): Float64Array {
    const count = this.extractor.extract(text, extraFeatures);
    accumulateMargins(this.weights, this.bias, this.config.labels.length, this.extractor.indices, count, out);
    return out;
  }

  /** Calibrated probabilities written into `out`, without allocating. */
  probabilitiesInto(text: string, out: Float64Array, extraFeatures?: readonly string[]): Float64Array {
    this.marginsInto(text, out, extraFeatures);
    calibrateInPlace(this.config.calibration, out, this.config.labels.length);
    return out;
  }

  predict(text: string, extraFeatures?: readonly string[]): SegmentPrediction {
    const probabilities = this.probabilitiesInto(text, this.buffer, extraFeatures);
    const { labels: labelNames, thresholds, mode } = this.config;
    const scores: Record<string, number> = {};
    const labels: string[] = [];
    let best = 0;
    for (let l = 0; l < labelNames.length; l++) {
      const probability = probabilities[l] as number;
      const label = labelNames[l] as string;
      scores[label] = probability;
      if (probability > (probabilities[best] as number)) best = l;
      if (mode === "multi-label" && probability >= (thresholds[l] as number)) labels.push(label);
    }
    if (mode === "multi-class") labels.push(labelNames[best] as string);
    return { labels, scores };
  }

  predictBatch(texts: readonly string[]): SegmentPrediction[] {
    return texts.map((text) => this.predict(text));
  }

  /** Calibrated probability that `text` is an example of `category` (one of the model's labels). */
  score(category: string, text: string, extraFeatures?: readonly string[]): number {
    const index = this.labelIndex.get(category);
    if (index === undefined) {
      throw new UsageError(`unknown category "${category}"`, { known: this.config.labels });
    }
    return this.probabilitiesInto(text, this.buffer, extraFeatures)[index] as number;
  }
}

export function calibrateInPlace(calibration: Calibration, values: Float64Array, labelCount: number): void {
  if (calibration.kind === "temperature") {
    softmaxInPlace(values, labelCount, calibration.temperature);
    return;
  }
  for (let l = 0; l < labelCount; l++) {
    const slope = calibration.slopes[l] ?? 1;
    const intercept = calibration.intercepts[l] ?? 0;
    values[l] = sigmoid(slope * (values[l] as number) + intercept);
  }
}
