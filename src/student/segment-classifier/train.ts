import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import { fitPlatt, fitTemperature, tuneThreshold } from "./calibration.ts";
import { type FeatureConfig, FeatureExtractor } from "./features.ts";
import {
  accumulateMargins,
  type Calibration,
  SegmentClassifier,
  type SegmentClassifierConfig,
  segmentClassifierModes,
} from "./model.ts";
import { sigmoid, softmaxInPlace } from "./probability.ts";

export interface SegmentExample {
  text: string;
  /** Zero or more labels from the label set (exactly one in multi-class mode). */
  labels: readonly string[];
  /** Optional extra feature strings (source, section name, …), hashed beside the text's n-grams. */
  features?: readonly string[];
}

/** Hyperparameters with their defaults; serialisable and recorded in the trained model. */
export const segmentClassifierHyperparametersSchema = z.object({
  /** "multi-label": one-vs-rest logistic; "multi-class": softmax, exactly one label per example. */
  mode: z.enum(segmentClassifierModes).default("multi-label"),
  /** Passes over the training data (fewer when early stopping on dev triggers). */
  epochs: z.number().int().min(1).max(1000).default(10),
  /** Adagrad base step size. */
  learningRate: z.number().positive().default(0.2),
  /** L2 penalty applied to each weight as it is updated. */
  l2: z.number().min(0).default(1e-6),
  /** 2^hashBits feature buckets per label. */
  hashBits: z.number().int().min(8).max(26).default(20),
  /** Longest word n-gram (2 = unigrams and bigrams). */
  wordNgrams: z.number().int().min(1).max(5).default(2),
  /** Character n-gram lengths within `<word>`, or false. */
  charNgrams: z
    .union([
      z.literal(false),
      z.object({ min: z.number().int().min(1).max(10), max: z.number().int().min(1).max(10) }),
    ])
    .default({ min: 2, max: 5 }),
  /** Seed of the training order shuffles. */
  seed: z.number().int().default(1),
  /** Epochs without dev-loss improvement before stopping (needs dev). */
  patience: z.number().int().min(1).default(2),
});
export type SegmentClassifierHyperparameters = z.infer<typeof segmentClassifierHyperparametersSchema>;

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch (log-loss per label, or cross-entropy in multi-class). */
  trainLoss: number;
  devLoss?: number | undefined;
  bestEpoch: number;
  elapsedMs: number;
}

export interface SegmentClassifierTrainingOptions
  extends z.input<typeof segmentClassifierHyperparametersSchema> {
  /** Every label the model can output, in order; labels without examples are allowed. */
  labelSet: readonly string[];
  /** Held-out examples for early stopping, calibration and threshold tuning. */
  dev?: readonly SegmentExample[] | undefined;
  onProgress?: (progress: TrainingProgress) => void;
}

interface EncodedExamples {
  indices: Int32Array;
  offsets: Int32Array;
  /** Multi-label: `count × labels` 0/1 targets; multi-class: one label index per example. */
  targets: Uint8Array;
  gold: Int32Array;
  count: number;
}

function encodeExamples(
  examples: readonly SegmentExample[],
  extractor: FeatureExtractor,
  labelIndex: ReadonlyMap<string, number>,
  mode: SegmentClassifierConfig["mode"],
  what: string,
): EncodedExamples {
  const labelCount = labelIndex.size;
  const offsets = new Int32Array(examples.length + 1);
  const targets = new Uint8Array(examples.length * labelCount);
  const gold = new Int32Array(examples.length);
  let indices = new Int32Array(Math.max(1024, examples.length * 64));
  let total = 0;
  examples.forEach((example, e) => {
    if (mode === "multi-class" && example.labels.length !== 1) {
      throw new InputError(
        `${what} example ${e} has ${example.labels.length} labels; multi-class needs exactly one`,
        {
          data: { text: example.text.slice(0, 200), labels: example.labels },
        },
      );
    }
    for (const label of example.labels) {
      const index = labelIndex.get(label);
      if (index === undefined) {
        throw new InputError(`${what} example ${e} has label "${label}", which is not in the label set`, {
          data: { labelSet: [...labelIndex.keys()] },
        });
      }
      targets[e * labelCount + index] = 1;
      gold[e] = index;
    }
    const count = extractor.extract(example.text, example.features);
    if (total + count > indices.length) {
      const grown = new Int32Array(Math.max(indices.length * 2, total + count));
      grown.set(indices.subarray(0, total));
      indices = grown;
    }
    indices.set(extractor.indices.subarray(0, count), total);
    total += count;
    offsets[e + 1] = total;
  });
  return { indices, offsets, targets, gold, count: examples.length };
}

/** Turns margins into probabilities and returns the example's loss; `margins` is overwritten. */
function probabilitiesAndLoss(
  margins: Float64Array,
  labelCount: number,
  data: EncodedExamples,
  example: number,
  multiClass: boolean,
): number {
  if (multiClass) {
    softmaxInPlace(margins, labelCount, 1);
    return -Math.log(Math.max(margins[data.gold[example] as number] as number, 1e-300));
  }
  let loss = 0;
  for (let l = 0; l < labelCount; l++) {
    const p = sigmoid(margins[l] as number);
    margins[l] = p;
    const target = data.targets[example * labelCount + l] === 1;
    loss -= Math.log(Math.max(target ? p : 1 - p, 1e-300));
  }
  return loss / labelCount;
}

function meanLoss(
  state: Float32Array,
  bias: Float32Array,
  labelCount: number,
  data: EncodedExamples,
  multiClass: boolean,
) {
  const margins = new Float64Array(labelCount);
  let total = 0;
  for (let e = 0; e < data.count; e++) {
    const start = data.offsets[e] as number;
    const count = (data.offsets[e + 1] as number) - start;
    accumulateMargins(state, bias, labelCount, data.indices.subarray(start), count, margins, 2 * labelCount);
    total += probabilitiesAndLoss(margins, labelCount, data, e, multiClass);
  }
  return data.count > 0 ? total / data.count : 0;
}

/**
 * Trains a segment classifier: hashed word/char n-grams, one-vs-rest logistic regression (or
 * softmax in multi-class mode) by Adagrad with L2, shuffled each epoch by a seeded PRNG so the
 * same inputs and seed give the same weights. With `dev`: early stopping on dev loss (keeping the
 * best epoch's weights), calibration (Platt per label, or a softmax temperature) and per-label
 * thresholds maximising dev F1. Without: identity calibration and thresholds of 0.5.
 */
export function trainSegmentClassifier(
  examples: readonly SegmentExample[],
  options: SegmentClassifierTrainingOptions,
): SegmentClassifier {
  const { labelSet, dev, onProgress, ...rest } = options;
  const parsed = segmentClassifierHyperparametersSchema.safeParse(rest);
  if (!parsed.success) {
    throw new UsageError(`invalid segment classifier options: ${z.prettifyError(parsed.error)}`);
  }
  const hyper = parsed.data;
  if (hyper.charNgrams !== false && hyper.charNgrams.min > hyper.charNgrams.max) {
    throw new UsageError("charNgrams.min must not exceed charNgrams.max", { charNgrams: hyper.charNgrams });
  }
  if (labelSet.length === 0 || new Set(labelSet).size !== labelSet.length) {
    throw new UsageError("labelSet must be non-empty and without duplicates", { labelSet });
  }
  if (examples.length === 0) throw new UsageError("no training examples");

  const labels = [...labelSet];
  const labelCount = labels.length;
  const multiClass = hyper.mode === "multi-class";
  const features: FeatureConfig = {
    hashBits: hyper.hashBits,
    wordNgrams: hyper.wordNgrams,
    charNgrams: hyper.charNgrams,
  };
  const extractor = new FeatureExtractor(features);
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const train = encodeExamples(examples, extractor, labelIndex, hyper.mode, "training");
  const devData =
    dev && dev.length > 0 ? encodeExamples(dev, extractor, labelIndex, hyper.mode, "dev") : undefined;

  // Each row holds a feature's weights followed by their Adagrad accumulators, so an update
  // touches one cache line instead of two far-apart ones.
  const stride = 2 * labelCount;
  const state = new Float32Array(stride * 2 ** hyper.hashBits);
  const bias = new Float32Array(labelCount);
  const biasSquaredGradients = new Float64Array(labelCount);
  const margins = new Float64Array(labelCount);
  const gradients = new Float64Array(labelCount);
  const { learningRate, l2 } = hyper;
  const epsilon = 1e-8;

  const random = createRandom(hyper.seed);
  const exampleOrder = Array.from({ length: train.count }, (_, i) => i);
  const started = performance.now();
  let bestWeights: Float32Array | undefined;
  let bestBias: Float32Array | undefined;
  let bestDevLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let epochsRun = 0;

  for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
    epochsRun = epoch;
    let trainLoss = 0;
    for (const e of shuffled(exampleOrder, random)) {
      const start = train.offsets[e] as number;
      const count = (train.offsets[e + 1] as number) - start;
      const rows = train.indices.subarray(start, start + count);
      const scale = accumulateMargins(state, bias, labelCount, rows, count, margins, stride);
      trainLoss += probabilitiesAndLoss(margins, labelCount, train, e, multiClass);
      for (let l = 0; l < labelCount; l++) {
        gradients[l] = (margins[l] as number) - (train.targets[e * labelCount + l] as number);
      }
      for (let l = 0; l < labelCount; l++) {
        const g = gradients[l] as number;
        biasSquaredGradients[l] = (biasSquaredGradients[l] as number) + g * g;
        bias[l] =
          (bias[l] as number) - (learningRate * g) / Math.sqrt((biasSquaredGradients[l] as number) + epsilon);
      }
      for (let i = 0; i < count; i++) {
        const row = (rows[i] as number) * stride;
        for (let l = 0; l < labelCount; l++) {
          const at = row + l;
          const w = state[at] as number;
          const g = (gradients[l] as number) * scale + l2 * w;
          if (g === 0) continue;
          const accumulated = (state[at + labelCount] as number) + g * g;
          state[at + labelCount] = accumulated;
          state[at] = w - (learningRate * g) / Math.sqrt(accumulated + epsilon);
        }
      }
    }
    trainLoss /= train.count;
    let devLoss: number | undefined;
    if (devData) {
      devLoss = meanLoss(state, bias, labelCount, devData, multiClass);
      if (devLoss < bestDevLoss) {
        bestDevLoss = devLoss;
        bestEpoch = epoch;
        bestWeights = weightsOf(state, labelCount);
        bestBias = bias.slice();
      }
    } else {
      bestEpoch = epoch;
    }
    onProgress?.({
      epoch,
      epochs: hyper.epochs,
      trainLoss,
      devLoss,
      bestEpoch,
      elapsedMs: performance.now() - started,
    });
    if (devData && epoch - bestEpoch >= hyper.patience) break;
  }

  const finalWeights = bestWeights ?? weightsOf(state, labelCount);
  const finalBias = bestBias ?? bias;
  const { calibration, thresholds } = devData
    ? calibrateOnDev(finalWeights, finalBias, labelCount, devData, multiClass)
    : identityCalibration(labelCount, multiClass);
  const config: SegmentClassifierConfig = {
    mode: hyper.mode,
    labels,
    features,
    calibration,
    thresholds,
    training: {
      ...hyper,
      trainExamples: train.count,
      devExamples: devData?.count ?? 0,
      epochsRun,
      bestEpoch,
      ...(devData ? { devLoss: bestDevLoss } : {}),
    },
  };
  return new SegmentClassifier(config, finalWeights, finalBias);
}

/** The weight half of each training row, as the model's dense `rows × labels` table. */
function weightsOf(state: Float32Array, labelCount: number): Float32Array {
  const rows = state.length / (2 * labelCount);
  const weights = new Float32Array(rows * labelCount);
  for (let row = 0; row < rows; row++) {
    const from = row * 2 * labelCount;
    for (let l = 0; l < labelCount; l++) weights[row * labelCount + l] = state[from + l] as number;
  }
  return weights;
}

function identityCalibration(labelCount: number, multiClass: boolean) {
  const calibration: Calibration = multiClass
    ? { kind: "temperature", temperature: 1 }
    : { kind: "platt", slopes: Array(labelCount).fill(1), intercepts: Array(labelCount).fill(0) };
  return { calibration, thresholds: Array<number>(labelCount).fill(0.5) };
}

function calibrateOnDev(
  weights: Float32Array,
  bias: Float32Array,
  labelCount: number,
  dev: EncodedExamples,
  multiClass: boolean,
): { calibration: Calibration; thresholds: number[] } {
  const devMargins: Float64Array[] = [];
  for (let e = 0; e < dev.count; e++) {
    const start = dev.offsets[e] as number;
    const margins = new Float64Array(labelCount);
    accumulateMargins(
      weights,
      bias,
      labelCount,
      dev.indices.subarray(start),
      (dev.offsets[e + 1] as number) - start,
      margins,
    );
    devMargins.push(margins);
  }
  if (multiClass) {
    const temperature = fitTemperature(devMargins, dev.gold, labelCount);
    return {
      calibration: { kind: "temperature", temperature },
      thresholds: Array<number>(labelCount).fill(0.5),
    };
  }
  const slopes: number[] = [];
  const intercepts: number[] = [];
  const thresholds: number[] = [];
  for (let l = 0; l < labelCount; l++) {
    const labelMargins = devMargins.map((margins) => margins[l] as number);
    const targets = devMargins.map((_, e) => dev.targets[e * labelCount + l] === 1);
    const { slope, intercept } = fitPlatt(labelMargins, targets);
    slopes.push(slope);
    intercepts.push(intercept);
    thresholds.push(
      tuneThreshold(
        labelMargins.map((margin) => sigmoid(slope * margin + intercept)),
        targets,
      ),
    );
  }
  return { calibration: { kind: "platt", slopes, intercepts }, thresholds };
}
