import { UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import {
  type EmbeddingCache,
  type EmbeddingProgress,
  encoderReference,
  InMemoryEmbeddingCache,
  type SentenceEncoder,
} from "../../encoders/index.ts";
import { type HeadExample, type HeadOptions, trainHead } from "../heads/index.ts";
import {
  type SegmentClassifierTrainingOptions,
  trainSegmentClassifier,
  tuneThreshold,
} from "../segment-classifier/index.ts";
import { type Chunking, type ChunkingOptions, chunkingSchema } from "./chunks.ts";
import { screenStudentDefaults } from "./definition.ts";
import {
  EncoderScreenClassifier,
  embedDocumentChunks,
  NgramScreenClassifier,
  poolChunkVectors,
  type ScreenClassifier,
} from "./model.ts";

/** One labelled training document: its plain text (HTML already reduced) and its label. */
export interface ScreenTrainingExample {
  text: string;
  label: string;
}

export interface ScreenTrainingOptions {
  /** Every label, in output order. */
  labels: readonly string[];
  /** The label a document's `score` is the probability of. @default labels[0] */
  positiveLabel?: string | undefined;
  /**
   * Held out for early stopping and calibration. @default a seeded `devFraction` of each label's
   * training documents (none when a label has fewer than 2)
   */
  dev?: readonly ScreenTrainingExample[] | undefined;
  /** @default 0.2 */
  devFraction?: number | undefined;
  /** @default 1 */
  seed?: number | undefined;
  chunking?: ChunkingOptions | undefined;
}

export interface EncoderScreenTrainingOptions extends ScreenTrainingOptions {
  encoder: SentenceEncoder;
  /** Where chunk vectors are kept between runs (the workspace's embeddings table). @default in memory */
  cache?: EmbeddingCache | undefined;
  /** @default linear SVM, balanced class weights */
  head?: Partial<HeadOptions> | undefined;
  onEmbeddingProgress?: ((progress: EmbeddingProgress) => void) | undefined;
}

export interface NgramScreenTrainingOptions extends ScreenTrainingOptions {
  /** @default multi-class, 2^18 buckets, word uni- and bigrams, no character n-grams, 10 epochs */
  classifier?: Partial<Omit<SegmentClassifierTrainingOptions, "labelSet" | "dev">> | undefined;
}

interface PreparedData {
  labels: string[];
  positiveLabel: string;
  train: readonly ScreenTrainingExample[];
  dev: readonly ScreenTrainingExample[];
  seed: number;
}

/**
 * A seeded share of each label's examples held out (rounded), keeping at least `keepAtLeast` of
 * each label: the students' dev split, and the workflow's test split.
 */
export function holdOutPerLabel(
  examples: readonly ScreenTrainingExample[],
  labels: readonly string[],
  fraction: number,
  seed: number,
  keepAtLeast: number,
): { kept: ScreenTrainingExample[]; held: ScreenTrainingExample[] } {
  const random = createRandom(seed);
  const kept: ScreenTrainingExample[] = [];
  const held: ScreenTrainingExample[] = [];
  for (const label of labels) {
    const own = shuffled(
      examples.filter((example) => example.label === label),
      random,
    );
    const count = Math.max(0, Math.min(own.length - keepAtLeast, Math.round(own.length * fraction)));
    held.push(...own.slice(0, count));
    kept.push(...own.slice(count));
  }
  return { kept, held };
}

/** The config fields both students share, before a decision threshold is tuned. */
const sharedConfig = (data: PreparedData, chunking: Chunking) => ({
  labels: data.labels,
  positiveLabel: data.positiveLabel,
  chunking,
  decisionThreshold: null,
  training: { train: data.train.length, dev: data.dev.length, seed: data.seed },
});

/** Checks the labels and examples, and holds out a stratified dev set when none is given. */
function prepare(examples: readonly ScreenTrainingExample[], options: ScreenTrainingOptions): PreparedData {
  const labels = [...options.labels];
  if (labels.length < 2 || new Set(labels).size !== labels.length) {
    throw new UsageError(
      `a screen student needs two or more distinct labels, not ${labels.join(", ") || "none"}`,
    );
  }
  const positiveLabel = options.positiveLabel ?? (labels[0] as string);
  if (!labels.includes(positiveLabel)) {
    throw new UsageError(`the positive label ${positiveLabel} is not one of ${labels.join(", ")}`);
  }
  const unknown = examples.find((example) => !labels.includes(example.label));
  if (unknown)
    throw new UsageError(`a training document has label "${unknown.label}", not one of ${labels.join(", ")}`);
  const missing = labels.filter((label) => !examples.some((example) => example.label === label));
  if (missing.length > 0) {
    throw new UsageError(`no training documents labelled ${missing.join(", ")}: each label needs examples`);
  }
  const seed = options.seed ?? screenStudentDefaults.seed;
  if (options.dev) return { labels, positiveLabel, train: examples, dev: options.dev, seed };
  const fraction = options.devFraction ?? screenStudentDefaults.devFraction;
  const { kept: train, held: dev } = holdOutPerLabel(examples, labels, fraction, seed, 1);
  return { labels, positiveLabel, train, dev, seed };
}

/** Two labels and a dev set: the positive label's threshold with the best dev F1; else null (argmax). */
async function tunedThreshold(model: ScreenClassifier, data: PreparedData): Promise<number | null> {
  if (data.labels.length !== 2 || data.dev.length === 0) return null;
  const results = await model.screen(
    data.dev.map((example) => example.text),
    { explain: 0 },
  );
  return tuneThreshold(
    results.map((result) => result.score),
    data.dev.map((example) => example.label === data.positiveLabel),
  );
}

const targetsOf = (examples: readonly ScreenTrainingExample[], labels: readonly string[]): number[][] =>
  examples.map((example) => [labels.indexOf(example.label)]);

/**
 * Trains the encoder screen student: each document cut into chunks, each chunk embedded (through
 * the cache), mean-pooled and normalised; a head (linear SVM by default) over those vectors,
 * early-stopped and calibrated on dev. Returns the model with the encoder attached.
 */
export async function trainEncoderScreenStudent(
  examples: readonly ScreenTrainingExample[],
  options: EncoderScreenTrainingOptions,
): Promise<EncoderScreenClassifier> {
  const data = prepare(examples, options);
  const chunking = chunkingSchema.parse(options.chunking ?? screenStudentDefaults.chunking);
  const headOptions = { ...screenStudentDefaults.head, seed: data.seed, ...options.head } as HeadOptions;
  const { encoder } = options;
  const config = {
    student: "encoder" as const,
    ...sharedConfig(data, chunking),
    encoder: encoderReference(encoder),
  };
  const cache = options.cache ?? new InMemoryEmbeddingCache();
  const embed = async (list: readonly ScreenTrainingExample[]): Promise<HeadExample[]> => {
    const texts = list.map((example) => example.text);
    const embedded = await embedDocumentChunks(encoder, cache, texts, chunking, options.onEmbeddingProgress);
    return embedded.map(({ vectors }) => ({ embedding: poolChunkVectors(vectors, encoder.dimensions) }));
  };
  const train = await embed(data.train);
  const dev = data.dev.length > 0 ? await embed(data.dev) : undefined;
  const head = trainHead(
    train,
    targetsOf(data.train, data.labels),
    data.labels,
    headOptions,
    dev ? { examples: dev, targets: targetsOf(data.dev, data.labels) } : undefined,
  );
  const trained = new EncoderScreenClassifier({ ...config, head: head.config }, head).attach(encoder, cache);
  const decisionThreshold = await tunedThreshold(trained, data);
  if (decisionThreshold === null) return trained;
  return new EncoderScreenClassifier({ ...trained.config, decisionThreshold }, head).attach(encoder, cache);
}

/**
 * Trains the n-gram screen student: the project's segment classifier in multi-class mode
 * (softmax over hashed word n-grams, Adagrad, temperature-calibrated on dev) over whole documents.
 */
export async function trainNgramScreenStudent(
  examples: readonly ScreenTrainingExample[],
  options: NgramScreenTrainingOptions,
): Promise<NgramScreenClassifier> {
  const data = prepare(examples, options);
  const chunking = chunkingSchema.parse(options.chunking ?? screenStudentDefaults.chunking);
  const toSegment = (example: ScreenTrainingExample) => ({ text: example.text, labels: [example.label] });
  const classifier = trainSegmentClassifier(data.train.map(toSegment), {
    ...screenStudentDefaults.ngram,
    seed: data.seed,
    ...options.classifier,
    mode: "multi-class",
    labelSet: data.labels,
    dev: data.dev.length > 0 ? data.dev.map(toSegment) : undefined,
  });
  const config = {
    student: "ngram" as const,
    ...sharedConfig(data, chunking),
    classifier: classifier.config,
  };
  const decisionThreshold = await tunedThreshold(new NgramScreenClassifier(config, classifier), data);
  return new NgramScreenClassifier({ ...config, decisionThreshold }, classifier);
}
