import { bioToChunks } from "../../align/bio.ts";
import { UsageError } from "../../core/errors.ts";
import type { EncoderReference } from "../../encoders/index.ts";
import { type EncoderSegmentClassifier, trainEncoderSegmentClassifier } from "../encoder-segments/index.ts";
import {
  type SegmentClassifier,
  segmentClassifierHyperparametersSchema,
  trainSegmentClassifier,
} from "../segment-classifier/index.ts";
import type { SpanStudentSettings } from "../span-student-settings.ts";
import { type TaggerModel, taggerDefaults, trainTagger } from "../tagger/index.ts";
import { type SplitName, type StudentTrainingData, splitNames } from "./student-data.ts";

export interface StudentTrainingOptions {
  /** The task's settings (its definition's defaults, with any overrides applied). */
  settings: SpanStudentSettings;
  /** Phrases (e.g. ESCO labels) the tagger uses as gazetteer features. */
  lexicon?: Iterable<string>;
  /** Tokenised unlabelled text (e.g. every advert in the workspace) the tagger learns word clusters from. */
  unlabelledSentences?: Iterable<readonly string[]>;
  /**
   * The embeddings of every train and dev segment, from the encoder `settings.segmentEncoder`
   * names: needed (and only read) when the settings ask for an encoder-backed classifier.
   */
  segmentEmbeddings?: SegmentEmbeddings | undefined;
  onProgress?: ((progress: StudentTrainingProgress) => void) | undefined;
}

/** Segment texts' embeddings, computed beforehand (embedding is asynchronous; training is not). */
export interface SegmentEmbeddings {
  encoder: EncoderReference;
  /** The vector of a segment text; throws for a text that was not embedded. */
  vectorOf(text: string): Float32Array;
}

export interface StudentTrainingProgress {
  student: "tagger" | "segment-classifier";
  /** The tagger layer being trained, and its place among the layers (1-based). */
  layer?: string;
  layerNumber?: number;
  layerCount?: number;
  epoch: number;
  /** The most epochs this student (or layer) may run. */
  epochs: number;
  /** Dev strict span F1 (tagger) or dev loss (classifier); NaN without dev data. */
  devScore: number;
}

export interface SplitCounts {
  sentences: number;
  segments: number;
  documents: number;
  /** Reference spans per tagger layer, counted as BIO chunks. */
  spans: Record<string, number>;
}

/** Serialisable summary of a training run: what went in, what each student chose, how long it took. */
export interface StudentTrainingReport {
  task: string;
  seed: number;
  layers: string[];
  labels: string[];
  splits: Record<SplitName, SplitCounts>;
  tagger: {
    layers: { name: string; bestEpoch: number; devF1?: number | undefined }[];
    durationMs: number;
  };
  segmentClassifier?: {
    /** "lexical", or the encoder id of an encoder-backed classifier. */
    encoder?: string;
    epochsRun: number;
    bestEpoch: number;
    devLoss?: number;
    thresholds: Record<string, number>;
    durationMs: number;
  };
  durationMs: number;
}

export interface TrainedStudents {
  tagger: TaggerModel;
  segmentClassifier?: SegmentClassifier | EncoderSegmentClassifier;
  report: StudentTrainingReport;
}

/**
 * Trains a task's students from its data with its settings: a span tagger with one layer per
 * `data.layers` (requirement categories, or SkillSpan's skill/knowledge) and, when the settings
 * name one, a segment classifier over `data.labels`. The dev split chooses the tagger's epoch per layer and
 * the classifier's epoch, calibration and thresholds; the test split is never looked at.
 * Deterministic for the same data, options and seed.
 */
export function trainRequirementStudents(
  data: StudentTrainingData,
  options: StudentTrainingOptions,
): TrainedStudents {
  const started = performance.now();
  const { settings } = options;
  const { seed } = settings;
  const { train, dev } = data.splits;
  if (train.sentences.length === 0) {
    throw new UsageError(
      `the ${data.task} dataset has no training sentences: label or import some documents first`,
    );
  }
  if (data.layers.length === 0) throw new UsageError("no tagger layers to train");

  const taggerEpochs = settings.tagger.epochs ?? taggerDefaults.epochs;
  const taggerStarted = performance.now();
  const tagger = trainTagger(train.sentences, {
    ...settings.tagger,
    layers: data.layers,
    seed,
    devSentences: dev.sentences,
    ...(options.lexicon ? { lexicon: options.lexicon } : {}),
    ...(options.unlabelledSentences ? { unlabelledSentences: options.unlabelledSentences } : {}),
    onProgress: (epoch, devScore, layer) =>
      options.onProgress?.({
        student: "tagger",
        layer,
        layerNumber: data.layers.indexOf(layer) + 1,
        layerCount: data.layers.length,
        epoch,
        epochs: taggerEpochs,
        devScore,
      }),
  });
  const taggerDurationMs = performance.now() - taggerStarted;

  const report: StudentTrainingReport = {
    task: data.task,
    seed,
    layers: [...data.layers],
    labels: [...data.labels],
    splits: Object.fromEntries(splitNames.map((name) => [name, splitCounts(data, name)])) as Record<
      SplitName,
      SplitCounts
    >,
    tagger: {
      layers: tagger.layers.map((layer) => ({
        name: layer.name,
        bestEpoch: layer.bestEpoch,
        devF1: layer.devF1,
      })),
      durationMs: taggerDurationMs,
    },
    durationMs: 0,
  };

  let segmentClassifier: SegmentClassifier | EncoderSegmentClassifier | undefined;
  const classifierSettings = settings.segmentClassifier;
  if (classifierSettings) {
    if (data.labels.length === 0 || train.segments.length === 0) {
      throw new UsageError(`the ${data.task} dataset has no labelled segments for the segment classifier`);
    }
    const classifierEpochs =
      classifierSettings.epochs ?? segmentClassifierHyperparametersSchema.parse({}).epochs;
    const classifierStarted = performance.now();
    const encoderSettings = settings.segmentEncoder;
    let training: Record<string, unknown>;
    if (encoderSettings) {
      const embeddings = options.segmentEmbeddings;
      if (!embeddings || embeddings.encoder.id !== encoderSettings.encoder) {
        throw new UsageError(
          `the settings ask for a segment classifier over ${encoderSettings.encoder}; pass that encoder's segmentEmbeddings`,
        );
      }
      const embedded = (segments: typeof train.segments) =>
        segments.map((segment) => ({ ...segment, embedding: embeddings.vectorOf(segment.text) }));
      const model = trainEncoderSegmentClassifier(embedded(train.segments), {
        labelSet: data.labels,
        mode: classifierSettings.mode ?? "multi-label",
        encoder: embeddings.encoder,
        features: encoderSettings.features,
        seed,
        head: classifierSettings.epochs === undefined ? undefined : { epochs: classifierSettings.epochs },
        ...(dev.segments.length > 0 ? { dev: embedded(dev.segments) } : {}),
      });
      segmentClassifier = model;
      training = (model.head?.config.training ?? {}) as Record<string, unknown>;
    } else {
      const model = trainSegmentClassifier(train.segments, {
        ...classifierSettings,
        labelSet: data.labels,
        seed,
        ...(dev.segments.length > 0 ? { dev: dev.segments } : {}),
        onProgress: (progress) =>
          options.onProgress?.({
            student: "segment-classifier",
            epoch: progress.epoch,
            epochs: classifierEpochs,
            devScore: progress.devLoss ?? Number.NaN,
          }),
      });
      segmentClassifier = model;
      training = model.config.training;
    }
    report.segmentClassifier = {
      encoder: encoderSettings?.encoder ?? "lexical",
      epochsRun: numberOr(training.epochsRun, classifierEpochs),
      bestEpoch: numberOr(training.bestEpoch, classifierEpochs),
      ...(typeof training.devLoss === "number" ? { devLoss: training.devLoss } : {}),
      thresholds: Object.fromEntries(
        segmentClassifier.labels.map((label, index) => [
          label,
          segmentClassifier?.config.thresholds[index] ?? 0.5,
        ]),
      ),
      durationMs: performance.now() - classifierStarted,
    };
  }
  report.durationMs = performance.now() - started;
  return { tagger, ...(segmentClassifier ? { segmentClassifier } : {}), report };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

function splitCounts(data: StudentTrainingData, name: SplitName): SplitCounts {
  const split = data.splits[name];
  const spans: Record<string, number> = {};
  for (const layer of data.layers) {
    spans[layer] = split.sentences.reduce(
      (sum, sentence) => sum + bioToChunks(sentence.layers[layer] ?? []).length,
      0,
    );
  }
  return {
    sentences: split.sentences.length,
    segments: split.segments.length,
    documents: split.documentIds.length,
    spans,
  };
}
