import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import {
  type EmbeddingCache,
  type EmbeddingProgress,
  embedWithCache,
  InMemoryEmbeddingCache,
  isSameEncoder,
  normalizeInPlace,
  type SentenceEncoder,
} from "../../encoders/index.ts";
import { headConfigSchema, type TrainedHead } from "../heads/index.ts";
import { type SegmentClassifier, segmentClassifierConfigSchema } from "../segment-classifier/index.ts";
import { type Chunking, chunkingSchema, documentChunks } from "./chunks.ts";

/** The two screen students: a head over pooled sentence-encoder vectors, or a linear model over hashed n-grams. */
export const screenStudentKinds = ["encoder", "ngram"] as const;
export type ScreenStudentKind = (typeof screenStudentKinds)[number];

const commonConfig = {
  labels: z.array(z.string().min(1)).min(2),
  /** The label whose probability is a document's `score` (ranking and `--threshold`). */
  positiveLabel: z.string().min(1),
  chunking: chunkingSchema,
  /**
   * Two labels: the document is the positive label when its score reaches this (tuned on dev for
   * F1; rare positives otherwise rarely win an argmax). Null: the most probable label.
   */
  decisionThreshold: z.number().min(0).max(1).nullable(),
  /** How it was trained (data sizes, options), for provenance. */
  training: z.record(z.string(), z.unknown()),
};

export const screenConfigSchema = z
  .discriminatedUnion("student", [
    z.object({
      student: z.literal("encoder"),
      ...commonConfig,
      encoder: z.object({
        id: z.string().min(1),
        version: z.string(),
        dimensions: z.number().int().positive(),
      }),
      head: headConfigSchema,
    }),
    z.object({ student: z.literal("ngram"), ...commonConfig, classifier: segmentClassifierConfigSchema }),
  ])
  .refine((config) => config.labels.includes(config.positiveLabel), {
    message: "positiveLabel must be one of the labels",
    path: ["positiveLabel"],
  });
export type ScreenConfig = z.infer<typeof screenConfigSchema>;
export type EncoderScreenConfig = Extract<ScreenConfig, { student: "encoder" }>;
export type NgramScreenConfig = Extract<ScreenConfig, { student: "ngram" }>;

/** A chunk of the document and the probability the student gives it, alone, of the document's label. */
export interface ScreenSentence {
  text: string;
  score: number;
}

export interface ScreenResult {
  /** The most probable label. */
  label: string;
  /** Probability of the positive label (what ranking and thresholds use). */
  score: number;
  /** Calibrated probability of every label. */
  scores: Record<string, number>;
  /** The chunks that most support `label`, best first (at most `explain`). */
  sentences: ScreenSentence[];
}

export interface ScreenOptions {
  /** How many supporting sentences per document. @default 3 */
  explain?: number | undefined;
  /** Documents screened so far, after each batch. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What `screen` (CLI, API, web) asks of a screen student, whichever kind it is. */
export interface ScreenClassifier {
  readonly config: ScreenConfig;
  /** Plain document texts in (HTML already reduced), one result per text, in order. */
  screen(texts: readonly string[], options?: ScreenOptions): Promise<ScreenResult[]>;
}

function topSentences(chunks: readonly string[], scores: readonly number[], count: number): ScreenSentence[] {
  return chunks
    .map((text, index) => ({ text, score: scores[index] as number }))
    .sort((a, b) => b.score - a.score)
    .slice(0, count);
}

function resultOf(config: ScreenConfig, positive: number, probabilities: ArrayLike<number>) {
  const { labels, decisionThreshold } = config;
  let best = 0;
  const scores: Record<string, number> = {};
  labels.forEach((label, index) => {
    scores[label] = probabilities[index] as number;
    if ((probabilities[index] as number) > (probabilities[best] as number)) best = index;
  });
  const score = probabilities[positive] as number;
  if (decisionThreshold !== null && labels.length === 2)
    best = score >= decisionThreshold ? positive : 1 - positive;
  return { best, label: labels[best] as string, score, scores };
}

/** Mean of a document's chunk vectors, scaled to unit length like the encoder's own vectors. */
export function poolChunkVectors(vectors: readonly Float32Array[], dimensions: number): Float32Array {
  const pooled = new Float32Array(dimensions);
  for (const vector of vectors)
    for (let d = 0; d < dimensions; d++) pooled[d] = (pooled[d] as number) + (vector[d] as number);
  normalizeInPlace(pooled);
  return pooled;
}

const documentsPerBatch = 32;

/** Each document's chunks and their vectors, embedded through the cache (repeated chunks once). */
export async function embedDocumentChunks(
  encoder: SentenceEncoder,
  cache: EmbeddingCache,
  texts: readonly string[],
  chunking: Chunking,
  onEmbedding?: (progress: EmbeddingProgress) => void,
): Promise<{ chunks: string[]; vectors: Float32Array[] }[]> {
  const chunks = texts.map((text) => documentChunks(text, chunking));
  const vectors = await embedWithCache(encoder, chunks.flat(), cache, { onProgress: onEmbedding });
  let offset = 0;
  return chunks.map((list) => {
    const own = vectors.slice(offset, offset + list.length);
    offset += list.length;
    return { chunks: list, vectors: own };
  });
}

/**
 * Chunked document embedding and a head: each chunk embedded (through the embedding cache),
 * mean-pooled and normalised, the head's calibrated probabilities on that; each chunk's own
 * vector through the same head ranks the chunks that support the label.
 */
export class EncoderScreenClassifier implements ScreenClassifier {
  readonly config: EncoderScreenConfig;
  readonly head: TrainedHead;
  private encoder: SentenceEncoder | undefined;
  private cache: EmbeddingCache;

  constructor(config: EncoderScreenConfig, head: TrainedHead) {
    if (head.config.labels.join("\n") !== config.labels.join("\n")) {
      throw new UsageError("the head's labels are not the screen model's labels");
    }
    this.config = config;
    this.head = head;
    this.cache = new InMemoryEmbeddingCache();
  }

  /** Attaches the encoder the model was trained over (and, optionally, a persistent embedding cache). */
  attach(encoder: SentenceEncoder, cache?: EmbeddingCache): this {
    if (!isSameEncoder(this.config.encoder, encoder)) {
      throw new UsageError(
        `this screen model was trained over ${this.config.encoder.id} (${this.config.encoder.version}, ${this.config.encoder.dimensions}-d), not ${encoder.id} (${encoder.version}, ${encoder.dimensions}-d)`,
      );
    }
    this.encoder = encoder;
    if (cache) this.cache = cache;
    return this;
  }

  async close(): Promise<void> {
    await this.encoder?.close();
    this.encoder = undefined;
  }

  async screen(texts: readonly string[], options: ScreenOptions = {}): Promise<ScreenResult[]> {
    const { labels, positiveLabel, encoder } = this.config;
    const positive = labels.indexOf(positiveLabel);
    const results: ScreenResult[] = [];
    for (let start = 0; start < texts.length; start += documentsPerBatch) {
      if (!this.encoder) throw new UsageError("attach the encoder before screening");
      const embedded = await embedDocumentChunks(
        this.encoder,
        this.cache,
        texts.slice(start, start + documentsPerBatch),
        this.config.chunking,
      );
      for (const { chunks, vectors } of embedded) {
        const pooled = poolChunkVectors(vectors, encoder.dimensions);
        const { best, ...result } = resultOf(
          this.config,
          positive,
          this.head.probabilities({ embedding: pooled }),
        );
        const chunkScores = vectors.map(
          (embedding) => this.head.probabilities({ embedding })[best] as number,
        );
        results.push({ ...result, sentences: topSentences(chunks, chunkScores, options.explain ?? 3) });
      }
      options.onProgress?.(results.length, texts.length);
    }
    return results;
  }
}

/** Hashed word n-grams of the whole text and a linear (softmax) model; chunks scored alone explain. */
export class NgramScreenClassifier implements ScreenClassifier {
  readonly config: NgramScreenConfig;
  readonly classifier: SegmentClassifier;

  constructor(config: NgramScreenConfig, classifier: SegmentClassifier) {
    if (classifier.labels.join("\n") !== config.labels.join("\n")) {
      throw new UsageError("the classifier's labels are not the screen model's labels");
    }
    this.config = config;
    this.classifier = classifier;
  }

  async screen(texts: readonly string[], options: ScreenOptions = {}): Promise<ScreenResult[]> {
    const { labels, positiveLabel } = this.config;
    const positive = labels.indexOf(positiveLabel);
    const results: ScreenResult[] = [];
    for (const text of texts) {
      const chunks = documentChunks(text, this.config.chunking);
      const prediction = this.classifier.predict(text);
      const probabilities = labels.map((label) => prediction.scores[label] ?? 0);
      const { best, ...result } = resultOf(this.config, positive, probabilities);
      const label = labels[best] as string;
      const chunkScores = chunks.map((chunk) => this.classifier.score(label, chunk));
      results.push({ ...result, sentences: topSentences(chunks, chunkScores, options.explain ?? 3) });
      if (results.length % documentsPerBatch === 0 || results.length === texts.length) {
        options.onProgress?.(results.length, texts.length);
      }
    }
    return results;
  }
}

export type { Chunking };
