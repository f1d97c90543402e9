import type { EncoderFeatureSet } from "./encoder-segments/index.ts";
import type { SegmentClassifierTrainingOptions } from "./segment-classifier/index.ts";
import type { TagEncoding, TaggerTrainOptions } from "./tagger/index.ts";

/** The tagger's settings without the live inputs (data, dev sentences, lexicon, callbacks). */
export type TaggerSettings = Omit<
  TaggerTrainOptions,
  "layers" | "devSentences" | "lexicon" | "clusters" | "unlabelledSentences" | "onProgress"
>;

/** The segment classifier's settings without its labels, dev data and callbacks. */
export type SegmentClassifierSettings = Omit<
  SegmentClassifierTrainingOptions,
  "labelSet" | "dev" | "onProgress"
>;

/**
 * Everything that fixes how a task's span students train: serialisable, kept apart from the data.
 * Each task names its defaults in its `definition.ts`; the CLI, the library and the benches all
 * start from those and change only what `overrideSpanStudentSettings` is given.
 */
export interface SpanStudentSettings {
  /** Seeds the tagger's (and the classifier's) training order. */
  seed: number;
  tagger: TaggerSettings;
  /** Absent: the task has no segment classifier. */
  segmentClassifier?: SegmentClassifierSettings;
  /**
   * Present: the segment classifier is encoder-backed (src/student/encoder-segments/): a head over
   * each segment's embedding from this encoder (`train --encoder`), instead of the lexical one.
   */
  segmentEncoder?: SegmentEncoderSettings;
  /**
   * How many of the workspace's documents (in import order, labelled or not) the tagger reads to
   * learn word clusters from; 0 turns clusters off.
   */
  clusterDocuments: number;
}

/** An encoder-backed segment classifier: which encoder, and what its head reads. */
export interface SegmentEncoderSettings {
  /** An encoder id (`use-lite`, `hf:…`, `openai:…`), as `createEncoder` takes it. */
  encoder: string;
  /** The embedding alone, or with the lexical classifier's hashed n-grams beside it. */
  features: EncoderFeatureSet;
}

/** The settings a user may change from the command line (`train --epochs …`). */
export interface SpanStudentOverrides {
  /** Seeds the training order (the CLI's `--seed` seeds the dataset split too). */
  seed?: number | undefined;
  /** Most passes over the data, for the tagger and the classifier (dev may stop them sooner). */
  epochs?: number | undefined;
  /** The tagger's epochs without a better dev F1 before it stops. */
  patience?: number | undefined;
  /** log2 of the tagger's feature buckets per tag. */
  hashBits?: number | undefined;
  /** The tags the tagger learns: "bio", or "bilou" (span ends get their own tags). */
  encoding?: TagEncoding | undefined;
  /** Workspace documents read for word clusters; 0 turns clusters off. */
  clusterDocuments?: number | undefined;
  /** Train the segment classifier over this encoder's embeddings (`train --encoder`). */
  encoder?: string | undefined;
  /** What the encoder-backed classifier's head reads. @default the task's, else "embedding" */
  encoderFeatures?: EncoderFeatureSet | undefined;
}

/** A task's settings with the given overrides applied; the defaults themselves are never changed. */
export function overrideSpanStudentSettings(
  defaults: SpanStudentSettings,
  overrides: SpanStudentOverrides = {},
): SpanStudentSettings {
  const pick = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  const tagger: TaggerSettings = { ...defaults.tagger };
  if (overrides.epochs !== undefined) tagger.epochs = overrides.epochs;
  if (overrides.patience !== undefined) tagger.patience = overrides.patience;
  if (overrides.hashBits !== undefined) tagger.hashBits = overrides.hashBits;
  if (overrides.encoding !== undefined) tagger.encoding = overrides.encoding;
  const classifier = defaults.segmentClassifier;
  return {
    seed: pick(overrides.seed, defaults.seed),
    tagger,
    ...(classifier
      ? {
          segmentClassifier: {
            ...classifier,
            epochs: overrides.epochs,
          },
        }
      : {}),
    clusterDocuments: pick(overrides.clusterDocuments, defaults.clusterDocuments),
    ...(overrides.encoder !== undefined && classifier
      ? {
          segmentEncoder: {
            encoder: overrides.encoder,
            features: overrides.encoderFeatures ?? defaults.segmentEncoder?.features ?? "embedding",
          },
        }
      : defaults.segmentEncoder
        ? { segmentEncoder: { ...defaults.segmentEncoder } }
        : {}),
  };
}
