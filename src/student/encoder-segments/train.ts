import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import type { EncoderReference } from "../../encoders/index.ts";
import { type HeadExample, type HeadOptions, type TrainedHead, trainHead } from "../heads/index.ts";
import {
  type FeatureConfig,
  FeatureExtractor,
  fitPlatt,
  type SegmentClassifierMode,
  type SegmentExample,
  segmentClassifierHyperparametersSchema,
  tuneThreshold,
} from "../segment-classifier/index.ts";
import type { CategoryQuery } from "./category-queries.ts";
import {
  type EncoderScoring,
  EncoderSegmentClassifier,
  type EncoderSegmentClassifierConfig,
  pairFeaturesInto,
  unitVector,
} from "./model.ts";

/** A labelled segment with its embedding (from the encoder named in the training options). */
export interface EmbeddedSegmentExample extends SegmentExample {
  embedding: Float32Array;
}

/** The inputs a head reads: the embedding alone, or the embedding and the hashed n-grams. */
export const encoderFeatureSets = ["embedding", "combined"] as const;
export type EncoderFeatureSet = (typeof encoderFeatureSets)[number];

/** Settings of an encoder-backed classifier with a head; serialisable, recorded in the model. */
export const encoderHeadSettingsSchema = z.object({
  /** "multi-label": one sigmoid per label, thresholds tuned on dev; "multi-class": one softmax. */
  mode: z.enum(["multi-label", "multi-class"]).default("multi-label"),
  /** The embedding alone, or beside the lexical classifier's hashed n-grams. @default "embedding" */
  features: z.enum(encoderFeatureSets).default("embedding"),
  /** Hashed n-grams (combined only): the lexical classifier's scheme at this size. */
  hashBits: z.number().int().min(8).max(22).default(18),
  /** Longest word n-gram and the char n-gram lengths, as the lexical classifier's (same defaults). */
  wordNgrams: segmentClassifierHyperparametersSchema.shape.wordNgrams,
  charNgrams: segmentClassifierHyperparametersSchema.shape.charNgrams,
  seed: z.number().int().default(1),
});
export type EncoderHeadSettings = z.input<typeof encoderHeadSettingsSchema>;

export interface EncoderSegmentTrainingOptions extends EncoderHeadSettings {
  labelSet: readonly string[];
  /** The encoder the embeddings came from. */
  encoder: EncoderReference;
  /**
   * The head (src/student/heads/): its kind defaults to `ovr-logistic` in multi-label mode and
   * `logistic` in multi-class mode; other options keep the heads' defaults.
   */
  head?: Partial<HeadOptions> | undefined;
  /** Early stopping, calibration (in the head) and the per-label thresholds. */
  dev?: readonly EmbeddedSegmentExample[] | undefined;
}

function labelTargets(
  examples: readonly SegmentExample[],
  labelIndex: ReadonlyMap<string, number>,
  mode: SegmentClassifierMode,
  what: string,
): number[][] {
  return examples.map((example, e) => {
    if (mode === "multi-class" && example.labels.length !== 1) {
      throw new InputError(
        `${what} example ${e} has ${example.labels.length} labels; multi-class needs exactly one`,
      );
    }
    return example.labels.map((label) => {
      const index = labelIndex.get(label);
      if (index === undefined) {
        throw new InputError(`${what} example ${e} has label "${label}", which is not in the label set`, {
          data: { labelSet: [...labelIndex.keys()] },
        });
      }
      return index;
    });
  });
}

function checkDimensions(
  examples: readonly EmbeddedSegmentExample[],
  encoder: EncoderReference,
  what: string,
): void {
  const wrong = examples.findIndex((example) => example.embedding.length !== encoder.dimensions);
  if (wrong >= 0) {
    throw new InputError(
      `${what} example ${wrong} has a ${examples[wrong]?.embedding.length}-d embedding; ${encoder.id} gives ${encoder.dimensions}-d`,
    );
  }
}

function checkLabelSet(labelSet: readonly string[]): string[] {
  if (labelSet.length === 0 || new Set(labelSet).size !== labelSet.length) {
    throw new UsageError("labelSet must be non-empty and without duplicates", { labelSet });
  }
  return [...labelSet];
}

/** Per-label thresholds maximising dev F1 on calibrated probabilities (0.5 without dev). */
function tuneThresholds(
  model: EncoderSegmentClassifier,
  dev: readonly EmbeddedSegmentExample[] | undefined,
): number[] {
  const labels = model.labels;
  if (!dev || dev.length === 0 || model.config.mode === "multi-class") return labels.map(() => 0.5);
  const probabilities = dev.map((example) =>
    model.probabilitiesInto(example.text, example.embedding, new Float64Array(labels.length)),
  );
  return labels.map((label, l) =>
    tuneThreshold(
      probabilities.map((row) => row[l] as number),
      dev.map((example) => example.labels.includes(label)),
    ),
  );
}

/**
 * Trains a head over segment embeddings (and, with `features: "combined"`, the segment's hashed
 * word/char n-grams beside them): multi-label (one-vs-rest logistic by default, then per-label
 * thresholds that maximise dev F1) or multi-class (softmax). The head early-stops and calibrates on
 * dev. Deterministic for the same data, options and seed.
 */
export function trainEncoderSegmentClassifier(
  examples: readonly EmbeddedSegmentExample[],
  options: EncoderSegmentTrainingOptions,
): EncoderSegmentClassifier {
  const { labelSet, encoder, head: headOptions, dev, ...rest } = options;
  const parsed = encoderHeadSettingsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new UsageError(`invalid encoder segment classifier options: ${z.prettifyError(parsed.error)}`);
  }
  const settings = parsed.data;
  const labels = checkLabelSet(labelSet);
  if (examples.length === 0) throw new UsageError("no training examples");
  checkDimensions(examples, encoder, "training");
  if (dev) checkDimensions(dev, encoder, "dev");
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const ngrams: FeatureConfig | null =
    settings.features === "combined"
      ? { hashBits: settings.hashBits, wordNgrams: settings.wordNgrams, charNgrams: settings.charNgrams }
      : null;
  const extractor = ngrams ? new FeatureExtractor(ngrams) : undefined;
  const headExamples = (list: readonly EmbeddedSegmentExample[]): HeadExample[] =>
    list.map((example) => {
      if (!extractor) return { embedding: example.embedding };
      const count = extractor.extract(example.text, example.features);
      return { embedding: example.embedding, hashed: extractor.indices.slice(0, count) };
    });
  const kind = headOptions?.kind ?? (settings.mode === "multi-label" ? "ovr-logistic" : "logistic");
  const head = trainHead(
    headExamples(examples),
    labelTargets(examples, labelIndex, settings.mode, "training"),
    labels,
    {
      ...headOptions,
      kind,
      seed: headOptions?.seed ?? settings.seed,
      hashBits: ngrams ? ngrams.hashBits : null,
      ...(settings.mode === "multi-label" ? { output: "sigmoid" as const } : { output: "softmax" as const }),
    },
    dev && dev.length > 0
      ? { examples: headExamples(dev), targets: labelTargets(dev, labelIndex, settings.mode, "dev") }
      : undefined,
  );
  const scoring: EncoderScoring = { kind: "head", head: head.config, ngrams };
  return withThresholds(
    {
      mode: settings.mode,
      labels,
      encoder,
      scoring,
      thresholds: labels.map(() => 0.5),
      training: {
        ...settings,
        head: head.config.training,
        trainExamples: examples.length,
        devExamples: dev?.length ?? 0,
      },
    },
    { head },
    dev,
  );
}

function withThresholds(
  config: EncoderSegmentClassifierConfig,
  parts: { head?: TrainedHead; prototypes?: Float32Array },
  dev: readonly EmbeddedSegmentExample[] | undefined,
): EncoderSegmentClassifier {
  const draft = new EncoderSegmentClassifier(config, parts);
  return new EncoderSegmentClassifier({ ...config, thresholds: tuneThresholds(draft, dev) }, parts);
}

/**
 * Each category's prototype: the unit mean of the unit embeddings of its query and descriptions
 * (`embeddings[label][text]`, in the order of `queries[label].texts`), as `labels × dimensions`.
 */
export function categoryPrototypes(
  queries: readonly CategoryQuery[],
  embeddings: readonly (readonly Float32Array[])[],
  dimensions: number,
): Float32Array {
  const prototypes = new Float32Array(queries.length * dimensions);
  queries.forEach((query, l) => {
    const vectors = embeddings[l] ?? [];
    if (vectors.length !== query.texts.length) {
      throw new UsageError(
        `category "${query.label}" has ${query.texts.length} texts but ${vectors.length} embeddings`,
      );
    }
    const mean = new Float32Array(dimensions);
    for (const vector of vectors) {
      if (vector.length !== dimensions)
        throw new InputError(`a ${vector.length}-d query embedding; expected ${dimensions}-d`);
      const unit = unitVector(vector);
      for (let i = 0; i < dimensions; i++) mean[i] = (mean[i] as number) + (unit[i] as number);
    }
    prototypes.set(unitVector(mean), l * dimensions);
  });
  return prototypes;
}

export interface ZeroShotOptions {
  encoder: EncoderReference;
  queries: readonly CategoryQuery[];
  /** The embeddings of each query's texts, `[label][text]`. */
  queryEmbeddings: readonly (readonly Float32Array[])[];
  /**
   * Fits each category's Platt scaling of the similarity and its threshold (max dev F1). Without
   * dev the probability is sigmoid(similarity) and the threshold 0.5: scores rank, but do not decide.
   */
  dev?: readonly EmbeddedSegmentExample[] | undefined;
}

/**
 * The reranker format without training: a segment's score for a category is the cosine of its
 * embedding with the category's prototype ("Example of <category>", optionally with the category's
 * descriptions); dev data only maps that similarity to a probability and chooses thresholds.
 */
export function zeroShotSegmentClassifier(options: ZeroShotOptions): EncoderSegmentClassifier {
  const { encoder, queries, dev } = options;
  const labels = checkLabelSet(queries.map((query) => query.label));
  const prototypes = categoryPrototypes(queries, options.queryEmbeddings, encoder.dimensions);
  if (dev) checkDimensions(dev, encoder, "dev");
  const slopes = labels.map(() => 1);
  const intercepts = labels.map(() => 0);
  if (dev && dev.length > 0) {
    const passages = dev.map((example) => unitVector(example.embedding));
    labels.forEach((label, l) => {
      const prototype = prototypes.subarray(l * encoder.dimensions, (l + 1) * encoder.dimensions);
      const similarities = passages.map((passage) => {
        let sum = 0;
        for (let i = 0; i < passage.length; i++) sum += (passage[i] as number) * (prototype[i] as number);
        return sum;
      });
      const fitted = fitPlatt(
        similarities,
        dev.map((example) => example.labels.includes(label)),
      );
      slopes[l] = fitted.slope;
      intercepts[l] = fitted.intercept;
    });
  }
  return withThresholds(
    {
      mode: "multi-label",
      labels,
      encoder,
      scoring: {
        kind: "zero-shot",
        queries: queries.map((query) => ({ ...query, texts: [...query.texts] })),
        slopes,
        intercepts,
      },
      thresholds: labels.map(() => 0.5),
      training: { devExamples: dev?.length ?? 0 },
    },
    { prototypes },
    dev,
  );
}

export interface PairHeadOptions extends ZeroShotOptions {
  /** Head options (kind defaults to `ovr-logistic`: one sigmoid, "does the passage match the query"). */
  head?: Partial<HeadOptions> | undefined;
  seed?: number | undefined;
}

/**
 * The reranker format trained: one binary head, shared by every category, over the pair features
 * `[q ⊙ p, |q − p|]` of category prototype q and segment p; each (segment, category) pair is one
 * example, positive when the segment has the category. Calibrated on dev pairs; per-category
 * thresholds maximise dev F1.
 */
export function trainPairHeadSegmentClassifier(
  examples: readonly EmbeddedSegmentExample[],
  options: PairHeadOptions,
): EncoderSegmentClassifier {
  const { encoder, queries, dev } = options;
  const labels = checkLabelSet(queries.map((query) => query.label));
  if (examples.length === 0) throw new UsageError("no training examples");
  checkDimensions(examples, encoder, "training");
  if (dev) checkDimensions(dev, encoder, "dev");
  const prototypes = categoryPrototypes(queries, options.queryEmbeddings, encoder.dimensions);
  const pairs = (list: readonly EmbeddedSegmentExample[]) => {
    const inputs: HeadExample[] = [];
    const targets: number[][] = [];
    for (const example of list) {
      const passage = unitVector(example.embedding);
      labels.forEach((label, l) => {
        inputs.push({
          embedding: pairFeaturesInto(prototypes, l, passage, new Float32Array(2 * encoder.dimensions)),
        });
        targets.push(example.labels.includes(label) ? [0] : []);
      });
    }
    return { examples: inputs, targets };
  };
  const train = pairs(examples);
  const head = trainHead(
    train.examples,
    train.targets,
    ["match"],
    {
      ...options.head,
      kind: options.head?.kind ?? "ovr-logistic",
      output: "sigmoid",
      seed: options.head?.seed ?? options.seed ?? 1,
    },
    dev && dev.length > 0 ? pairs(dev) : undefined,
  );
  return withThresholds(
    {
      mode: "multi-label",
      labels,
      encoder,
      scoring: {
        kind: "pair-head",
        queries: queries.map((query) => ({ ...query, texts: [...query.texts] })),
        head: head.config,
      },
      thresholds: labels.map(() => 0.5),
      training: { head: head.config.training, trainExamples: examples.length, devExamples: dev?.length ?? 0 },
    },
    { head, prototypes },
    dev,
  );
}
