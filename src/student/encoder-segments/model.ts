import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { type EncoderReference, isSameEncoder, type SentenceEncoder } from "../../encoders/index.ts";
import { type HeadExample, headConfigSchema, type TrainedHead } from "../heads/index.ts";
import {
  FeatureExtractor,
  featureConfigSchema,
  type SegmentPrediction,
  type SegmentScorer,
  segmentClassifierModes,
} from "../segment-classifier/index.ts";
import { sigmoid } from "../segment-classifier/probability.ts";

const encoderReferenceSchema = z.object({
  id: z.string().min(1),
  version: z.string(),
  dimensions: z.number().int().positive(),
});

const categoryQuerySchema = z.object({ label: z.string().min(1), texts: z.array(z.string()).min(1) });

/**
 * How a segment's embedding becomes label scores:
 * - `head`: a trained head (src/student/heads/) over the embedding, or over the embedding and the
 *   segment's hashed word/char n-grams (`ngrams`, the lexical classifier's features) together;
 * - `zero-shot`: the reranker format without training: cosine similarity of the segment to each
 *   category's prototype (the mean of the embeddings of "Example of <category>" and, optionally,
 *   the category's descriptions), mapped to a probability by Platt scaling fitted on dev;
 * - `pair-head`: the reranker format trained: one binary head shared by every category over the
 *   pair features `[q ⊙ p, |q − p|]` of the category prototype q and the segment p (unit vectors),
 *   so a category is scored the way a cross-encoder scores a (query, passage) pair.
 */
export const encoderScoringSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("head"), head: headConfigSchema, ngrams: featureConfigSchema.nullable() }),
  z.object({
    kind: z.literal("zero-shot"),
    queries: z.array(categoryQuerySchema),
    slopes: z.array(z.number()),
    intercepts: z.array(z.number()),
  }),
  z.object({ kind: z.literal("pair-head"), queries: z.array(categoryQuerySchema), head: headConfigSchema }),
]);
export type EncoderScoring = z.infer<typeof encoderScoringSchema>;
export const encoderScoringKinds = ["head", "zero-shot", "pair-head"] as const;
export type EncoderScoringKind = (typeof encoderScoringKinds)[number];

/** Everything about an encoder-backed segment classifier but its weights: serialisable, validated on load. */
export const encoderSegmentClassifierConfigSchema = z
  .object({
    mode: z.enum(segmentClassifierModes),
    labels: z.array(z.string().min(1)).min(1),
    /** The encoder every embedding came from; loading with another one fails. */
    encoder: encoderReferenceSchema,
    scoring: encoderScoringSchema,
    /** Per-label decision thresholds on the calibrated probabilities (multi-label). */
    thresholds: z.array(z.number().min(0).max(1)),
    training: z.record(z.string(), z.unknown()),
  })
  .superRefine((config, context) => {
    const labelCount = config.labels.length;
    if (config.thresholds.length !== labelCount) {
      context.addIssue({ code: "custom", message: "one threshold per label expected", path: ["thresholds"] });
    }
    const { scoring } = config;
    if (scoring.kind !== "head") {
      if (config.mode !== "multi-label") {
        context.addIssue({
          code: "custom",
          message: `${scoring.kind} scoring is multi-label`,
          path: ["mode"],
        });
      }
      if (scoring.queries.map((query) => query.label).join("\n") !== config.labels.join("\n")) {
        context.addIssue({
          code: "custom",
          message: "one query per label, in label order",
          path: ["scoring"],
        });
      }
    }
    if (
      scoring.kind === "zero-shot" &&
      (scoring.slopes.length !== labelCount || scoring.intercepts.length !== labelCount)
    ) {
      context.addIssue({
        code: "custom",
        message: "one Platt slope and intercept per label",
        path: ["scoring"],
      });
    }
    if (scoring.kind === "head" && scoring.head.labels.join("\n") !== config.labels.join("\n")) {
      context.addIssue({
        code: "custom",
        message: "the head's labels differ from the model's",
        path: ["scoring"],
      });
    }
  });
export type EncoderSegmentClassifierConfig = z.infer<typeof encoderSegmentClassifierConfigSchema>;

/** The trained parts beside the config: the head (head, pair-head) and the category prototypes (zero-shot, pair-head). */
export interface EncoderSegmentParts {
  head?: TrainedHead | undefined;
  /** `labels × dimensions`, each row a unit vector. */
  prototypes?: Float32Array | undefined;
}

/** Fails unless `encoder` gives the vectors the model was trained on: same id, version and length. */
export function checkEncoder(expected: EncoderReference, encoder: SentenceEncoder, what = "the model"): void {
  if (isSameEncoder(expected, encoder)) return;
  throw new UsageError(
    `${what} was trained over encoder ${expected.id} (version ${expected.version}, ${expected.dimensions}-d), ` +
      `but the encoder given is ${encoder.id} (version ${encoder.version}, ${encoder.dimensions}-d): ` +
      "its vectors would mean something else — retrain it, or install the encoder it was trained with",
    { expected, actual: { id: encoder.id, version: encoder.version, dimensions: encoder.dimensions } },
  );
}

/** Unit-length copy (a zero vector stays zero). */
export function unitVector(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const copy = Float32Array.from(vector);
  if (sum === 0) return copy;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < copy.length; index++) copy[index] = (copy[index] as number) * scale;
  return copy;
}

/** `[q ⊙ p, |q − p|]` of row `row` of `prototypes` and the unit vector `passage`, into `out` (2·d). */
export function pairFeaturesInto(
  prototypes: Float32Array,
  row: number,
  passage: Float32Array,
  out: Float32Array,
): Float32Array {
  const dims = passage.length;
  const base = row * dims;
  for (let i = 0; i < dims; i++) {
    const q = prototypes[base + i] as number;
    const p = passage[i] as number;
    out[i] = q * p;
    out[dims + i] = Math.abs(q - p);
  }
  return out;
}

/** Cosine of the unit vector `passage` with row `row` of the unit prototypes. */
function prototypeSimilarity(prototypes: Float32Array, row: number, passage: Float32Array): number {
  const dims = passage.length;
  const base = row * dims;
  let sum = 0;
  for (let i = 0; i < dims; i++) sum += (prototypes[base + i] as number) * (passage[i] as number);
  return sum;
}

/**
 * A segment classifier over a pretrained sentence encoder's embedding (see `encoderScoringSchema`
 * for the three ways it scores). `predictEmbedded` scores a segment whose embedding the caller
 * already has; `predictBatch` embeds with the attached encoder first (`attach`, done by the loader),
 * one call for the whole batch.
 */
export class EncoderSegmentClassifier implements SegmentScorer {
  readonly config: EncoderSegmentClassifierConfig;
  readonly head: TrainedHead | undefined;
  readonly prototypes: Float32Array | undefined;
  private encoder: SentenceEncoder | undefined;
  private readonly extractor: FeatureExtractor | undefined;
  private readonly scratch: Float64Array;
  private readonly pair: Float32Array;

  constructor(config: EncoderSegmentClassifierConfig, parts: EncoderSegmentParts) {
    const { scoring, encoder } = config;
    const labelCount = config.labels.length;
    const needsHead = scoring.kind !== "zero-shot";
    const needsPrototypes = scoring.kind !== "head";
    if (needsHead !== Boolean(parts.head) || needsPrototypes !== Boolean(parts.prototypes)) {
      throw new UsageError(
        `an encoder segment classifier scored by ${scoring.kind} needs ${needsHead ? "a head" : "no head"} and ${needsPrototypes ? "prototypes" : "no prototypes"}`,
      );
    }
    if (parts.prototypes && parts.prototypes.length !== labelCount * encoder.dimensions) {
      throw new UsageError("the category prototypes are not labels × encoder dimensions", {
        labels: labelCount,
        dimensions: encoder.dimensions,
        prototypes: parts.prototypes.length,
      });
    }
    const headInputs = scoring.kind === "pair-head" ? 2 * encoder.dimensions : encoder.dimensions;
    if (parts.head && parts.head.inputDimensions !== headInputs) {
      throw new UsageError(`the head reads ${parts.head.inputDimensions} inputs, not ${headInputs}`);
    }
    if (scoring.kind === "head" && (scoring.ngrams?.hashBits ?? null) !== (parts.head?.hashBits ?? null)) {
      throw new UsageError("the head's hashed table and the n-gram features differ in size");
    }
    this.config = config;
    this.head = parts.head;
    this.prototypes = parts.prototypes;
    this.extractor =
      scoring.kind === "head" && scoring.ngrams ? new FeatureExtractor(scoring.ngrams) : undefined;
    this.scratch = new Float64Array(Math.max(labelCount, 1));
    this.pair = new Float32Array(scoring.kind === "pair-head" ? 2 * encoder.dimensions : 0);
  }

  get labels(): readonly string[] {
    return this.config.labels;
  }

  get thresholds(): readonly number[] {
    return this.config.thresholds;
  }

  /** The encoder this model embeds with (checked against the one it was trained over). */
  attach(encoder: SentenceEncoder): this {
    checkEncoder(this.config.encoder, encoder);
    this.encoder = encoder;
    return this;
  }

  get attachedEncoder(): SentenceEncoder | undefined {
    return this.encoder;
  }

  /** Calibrated probability of every label for a segment and its embedding, into `out`. */
  probabilitiesInto(text: string, embedding: Float32Array, out: Float64Array): Float64Array {
    const { scoring } = this.config;
    const labelCount = this.config.labels.length;
    if (embedding.length !== this.config.encoder.dimensions) {
      throw new UsageError(
        `a ${embedding.length}-d embedding given to a model over ${this.config.encoder.dimensions}-d ${this.config.encoder.id} vectors`,
      );
    }
    if (scoring.kind === "head") {
      const example: HeadExample = { embedding };
      if (this.extractor) {
        const count = this.extractor.extract(text);
        example.hashed = this.extractor.indices.slice(0, count);
      }
      (this.head as TrainedHead).probabilities(example, out);
      return out;
    }
    const prototypes = this.prototypes as Float32Array;
    const passage = unitVector(embedding);
    for (let l = 0; l < labelCount; l++) {
      if (scoring.kind === "zero-shot") {
        const similarity = prototypeSimilarity(prototypes, l, passage);
        out[l] = sigmoid((scoring.slopes[l] as number) * similarity + (scoring.intercepts[l] as number));
      } else {
        pairFeaturesInto(prototypes, l, passage, this.pair);
        out[l] = (this.head as TrainedHead).probabilities(
          { embedding: this.pair },
          this.scratch,
        )[0] as number;
      }
    }
    return out;
  }

  /** The prediction for a segment whose embedding (from this model's encoder) is given. */
  predictEmbedded(text: string, embedding: Float32Array): SegmentPrediction {
    const labelNames = this.config.labels;
    const probabilities = this.probabilitiesInto(text, embedding, new Float64Array(labelNames.length));
    const scores: Record<string, number> = {};
    const labels: string[] = [];
    let best = 0;
    for (let l = 0; l < labelNames.length; l++) {
      const probability = probabilities[l] as number;
      scores[labelNames[l] as string] = probability;
      if (probability > (probabilities[best] as number)) best = l;
      if (this.config.mode === "multi-label" && probability >= (this.config.thresholds[l] as number)) {
        labels.push(labelNames[l] as string);
      }
    }
    if (this.config.mode === "multi-class") labels.push(labelNames[best] as string);
    return { labels, scores };
  }

  async predictBatch(texts: readonly string[]): Promise<SegmentPrediction[]> {
    if (!this.encoder) {
      throw new UsageError(
        `this segment classifier needs its encoder ${this.config.encoder.id} attached before it can embed text`,
      );
    }
    if (texts.length === 0) return [];
    const embeddings = await this.encoder.embed(texts);
    return texts.map((text, index) => this.predictEmbedded(text, embeddings[index] as Float32Array));
  }
}
