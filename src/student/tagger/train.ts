import { type BioChunk, type BioSentence, bioToChunks } from "../../align/bio.ts";
import { UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import {
  AveragedPerceptron,
  type LayerWeights,
  layerScores,
  type UpdateRule,
} from "./averaged-perceptron.ts";
import type { TaggerConfig } from "./config.ts";
import {
  FeatureExtractor,
  type FeatureSettings,
  featureSettingsSchema,
  type SentenceFeatures,
} from "./features.ts";
import { LabelSet, type TagEncoding } from "./label-set.ts";
import { PhraseLexicon } from "./lexicon.ts";
import { type TaggerLayer, TaggerModel } from "./model.ts";
import { refineSpanEdges, type SpanEdgeModel, spanEdgeMargins, trainSpanEdge } from "./span-edges.ts";
import { emissionScores, viterbi } from "./viterbi.ts";
import { learnWordClusters } from "./word-clusters.ts";

/** Sentences to learn from: tokens and one tag sequence per layer. */
export type TaggerSentence = Pick<BioSentence, "tokens" | "layers">;

export interface TaggerTrainOptions {
  /** Layers to learn. Default: every layer of the first training sentence. */
  layers?: readonly string[];
  /** Most passes over the training data. Default 60. */
  epochs?: number;
  /** With dev sentences: stop after this many epochs without a better dev F1. Default 8. */
  patience?: number;
  /** Seeds the order of training sentences. Default 1. */
  seed?: number;
  /** log2 of the number of feature buckets per tag. Default 20. */
  hashBits?: number;
  /** Markov order of the tag sequence, 1 or 2. Default 2. */
  order?: 1 | 2;
  /** Tags the model learns: "bio", or "bilou" (span ends get their own tags). Default "bio". */
  encoding?: TagEncoding;
  /** How mistakes update the weights. Default passive-aggressive, aggressiveness 0.1, cost 1. */
  update?: Partial<UpdateRule>;
  /** Per layer name: changes to `update` for that layer only. */
  layerUpdates?: Readonly<Record<string, Partial<UpdateRule>>>;
  /**
   * Features (hash buckets) seen in fewer training tokens are left out of training, so their weights
   * stay 0; rare features mostly memorise. Default 1 (keep all).
   */
  minFeatureCount?: number;
  /** Keep the averaged weights (true, the default) or the last ones. */
  averaged?: boolean;
  /** With dev sentences: shift the "O" bias to the value that maximises dev F1. Default true. */
  calibrateOutside?: boolean;
  /**
   * With dev sentences, after the "O" bias: shift the bias of the inside ("I") tags the same way, which
   * lengthens or shortens spans. Default false.
   */
  calibrateInside?: boolean;
  /**
   * With dev sentences: learn span-end and span-start rankers per layer (see span-edges.ts), each kept
   * when a margin chosen on dev improves dev F1. Default false.
   */
  spanEdges?: boolean;
  /** Train this many perceptrons on differently shuffled data and average them. Default 1. */
  ensemble?: number;
  /** Feature templates; see `featureSettingsSchema` for the defaults. */
  features?: Partial<FeatureSettings>;
  /** Held-out sentences that choose the epoch (early stopping); never trained on. */
  devSentences?: readonly TaggerSentence[];
  /** Phrases (e.g. ESCO labels) whose longest matches become features. */
  lexicon?: Iterable<string>;
  /** Word clusters (normalised word → 0/1 path); see `learnWordClusters`. */
  clusters?: ReadonlyMap<string, string>;
  /** Unlabelled tokenised sentences to learn word clusters from, when `clusters` is not given. */
  unlabelledSentences?: Iterable<readonly string[]>;
  /** Called after every epoch of every layer with the dev strict span F1 (NaN without dev data). */
  onProgress?: (epoch: number, devScore: number, layer: string) => void;
}

export const taggerDefaults = {
  epochs: 60,
  patience: 8,
  seed: 1,
  hashBits: 20,
  order: 2,
  encoding: "bio",
  minFeatureCount: 1,
  averaged: true,
  calibrateOutside: true,
  calibrateInside: false,
  spanEdges: false,
  ensemble: 1,
  update: { kind: "passive-aggressive", aggressiveness: 0.1, cost: 1 },
} as const satisfies Omit<TaggerConfig["training"], "layerUpdates"> &
  Pick<TaggerConfig, "hashBits" | "order" | "encoding">;

/** Trains one averaged structured perceptron per layer; deterministic for a given seed and input. */
export function trainTagger(
  sentences: readonly TaggerSentence[],
  options: TaggerTrainOptions = {},
): TaggerModel {
  const first = sentences[0];
  if (!first) throw new UsageError("trainTagger needs at least one training sentence");
  const layerNames = options.layers ?? Object.keys(first.layers);
  for (const name of layerNames) {
    const missing = sentences.findIndex(
      (sentence) => sentence.layers[name]?.length !== sentence.tokens.length,
    );
    if (missing >= 0) {
      throw new UsageError(`training sentence ${missing} has no "${name}" tags of the right length`, {
        layer: name,
      });
    }
  }
  const config: TaggerConfig = {
    version: 1,
    hashBits: options.hashBits ?? taggerDefaults.hashBits,
    order: options.order ?? taggerDefaults.order,
    encoding: options.encoding ?? taggerDefaults.encoding,
    features: featureSettingsSchema.parse(options.features ?? {}),
    training: {
      epochs: options.epochs ?? taggerDefaults.epochs,
      patience: options.patience ?? taggerDefaults.patience,
      seed: options.seed ?? taggerDefaults.seed,
      minFeatureCount: options.minFeatureCount ?? taggerDefaults.minFeatureCount,
      averaged: options.averaged ?? taggerDefaults.averaged,
      calibrateOutside: options.calibrateOutside ?? taggerDefaults.calibrateOutside,
      calibrateInside: options.calibrateInside ?? taggerDefaults.calibrateInside,
      spanEdges: options.spanEdges ?? taggerDefaults.spanEdges,
      ensemble: options.ensemble ?? taggerDefaults.ensemble,
      update: { ...taggerDefaults.update, ...options.update },
      layerUpdates: Object.fromEntries(
        Object.entries(options.layerUpdates ?? {}).map(([layer, rule]) => [
          layer,
          { ...taggerDefaults.update, ...options.update, ...rule },
        ]),
      ),
    },
  };
  const clusters =
    options.clusters ??
    (options.unlabelledSentences
      ? learnWordClusters(options.unlabelledSentences, { seed: config.training.seed })
      : undefined);
  const lexicon = options.lexicon ? [...options.lexicon] : undefined;
  const extractor = new FeatureExtractor(
    config.features,
    clusters,
    lexicon ? new PhraseLexicon(lexicon) : undefined,
  );

  const nonEmpty = sentences.filter((sentence) => sentence.tokens.length > 0);
  const trainFeatures = pruneRareFeatures(
    nonEmpty.map((sentence) => extractor.extract(sentence.tokens)),
    config.hashBits,
    config.training.minFeatureCount,
  );
  const dev = (options.devSentences ?? []).filter((sentence) => sentence.tokens.length > 0);
  const devFeatures = dev.map((sentence) => extractor.extract(sentence.tokens));

  const layers: TaggerLayer[] = layerNames.map((name) =>
    trainLayer(name, nonEmpty, trainFeatures, dev, devFeatures, config, options.onProgress),
  );
  return new TaggerModel({
    config,
    layers,
    ...(clusters ? { clusters } : {}),
    ...(lexicon ? { lexicon } : {}),
  });
}

function trainLayer(
  name: string,
  sentences: readonly TaggerSentence[],
  features: readonly SentenceFeatures[],
  dev: readonly TaggerSentence[],
  devFeatures: readonly SentenceFeatures[],
  config: TaggerConfig,
  onProgress: TaggerTrainOptions["onProgress"],
): TaggerLayer {
  const labels = LabelSet.fromTags(
    sentences.map((sentence) => sentence.layers[name] as string[]),
    config.encoding,
  );
  const gold = sentences.map((sentence) => labels.encodeBio(sentence.layers[name] as string[]));
  // Several perceptrons that differ only in the order they see the sentences; their averaged
  // weights are averaged again, which equals decoding with the mean of their scores.
  const members = Array.from({ length: config.training.ensemble }, (_, member) => ({
    perceptron: new AveragedPerceptron(
      labels,
      config.order,
      config.hashBits,
      config.training.layerUpdates[name] ?? config.training.update,
    ),
    random: createRandom(config.training.seed + member),
  }));
  const indices = sentences.map((_, index) => index);
  let best: { weights: LayerWeights; epoch: number; devF1?: number | undefined } | undefined;
  let sinceBest = 0;
  for (let epoch = 1; epoch <= config.training.epochs; epoch++) {
    for (const { perceptron, random } of members) {
      for (const index of shuffled(indices, random)) {
        perceptron.learn(features[index] as SentenceFeatures, gold[index] as Int32Array);
      }
    }
    const weights = meanWeights(
      members.map(({ perceptron }) =>
        config.training.averaged ? perceptron.averaged() : perceptron.current(),
      ),
    );
    if (dev.length === 0) {
      best = { weights, epoch };
      onProgress?.(epoch, Number.NaN, name);
      continue;
    }
    const devF1 = strictF1(dev, devFeatures, name, labels, weights, config);
    onProgress?.(epoch, devF1, name);
    if (!best || devF1 > (best.devF1 ?? Number.NEGATIVE_INFINITY)) {
      best = { weights, epoch, devF1 };
      sinceBest = 0;
    } else if (++sinceBest >= config.training.patience) {
      break;
    }
  }
  const kept = best as { weights: LayerWeights; epoch: number; devF1?: number | undefined };
  const layerWeights = kept.weights;
  const calibrated =
    config.training.calibrateOutside && dev.length > 0 && kept.devF1 !== undefined
      ? calibrateOutside(kept.weights, kept.devF1, dev, devFeatures, name, labels, config)
      : undefined;
  let devF1 = calibrated?.devF1 ?? kept.devF1;
  const spanEdges: SpanEdgeModel[] = [];
  if (config.training.spanEdges && dev.length > 0 && devF1 !== undefined) {
    const training = sentences.map((sentence) => ({
      tokens: sentence.tokens,
      tags: sentence.layers[name] as string[],
    }));
    // Ends first (the commoner error), then starts on top of the kept ends; each only if dev gains.
    for (const side of ["end", "start"] as const) {
      const candidate = trainSpanEdge(training, side, { seed: config.training.seed });
      let chosen: SpanEdgeModel | undefined;
      for (const margin of spanEdgeMargins) {
        const trial = [...spanEdges, { ...candidate, margin }];
        const refine = (tokens: readonly string[], chunks: BioChunk[]) =>
          trial.reduce((current, model) => refineSpanEdges(tokens, current, model), chunks);
        const refinedF1 = strictF1(dev, devFeatures, name, labels, layerWeights, config, refine);
        if (refinedF1 > (devF1 as number)) {
          devF1 = refinedF1;
          chosen = { ...candidate, margin };
        }
      }
      if (chosen) spanEdges.push(chosen);
    }
  }
  return {
    name,
    tags: [...labels.tags],
    weights: kept.weights,
    bestEpoch: kept.epoch,
    devF1,
    ...(calibrated ? { outsideShift: calibrated.shift } : {}),
    ...(calibrated?.insideShift ? { insideShift: calibrated.insideShift } : {}),
    ...(spanEdges.length > 0 ? { spanEdges } : {}),
  };
}

function meanWeights(all: LayerWeights[]): LayerWeights {
  const [first, ...rest] = all as [LayerWeights, ...LayerWeights[]];
  if (rest.length === 0) return first;
  for (const table of ["emission", "transition", "transition2", "final"] as const) {
    const target = first[table];
    for (const other of rest) {
      const values = other[table];
      for (let index = 0; index < target.length; index++)
        target[index] = (target[index] as number) + (values[index] as number);
    }
    for (let index = 0; index < target.length; index++)
      target[index] = (target[index] as number) / all.length;
  }
  return first;
}

/** Where the bias feature (id 1, see FeatureExtractor) keeps its weight for tag 0 ("O"). */
const outsideBiasIndex = (size: number): number => 1 * size;

/**
 * The perceptron optimises mistakes, not F1; on sparse layers it tends to under-predict spans.
 * Shifts the "O" bias by the step that maximises dev strict F1, in units of the median dev margin
 * between "O" and the best other tag; keeps the weights unchanged when no shift helps.
 */
function calibrateOutside(
  weights: LayerWeights,
  uncalibratedF1: number,
  dev: readonly TaggerSentence[],
  devFeatures: readonly SentenceFeatures[],
  name: string,
  labels: LabelSet,
  config: TaggerConfig,
): { shift: number; devF1: number; insideShift?: number } {
  const size = labels.size;
  const scores = layerScores(weights, config.order, config.hashBits);
  const margins: number[] = [];
  for (const features of devFeatures) {
    const emission = emissionScores(features, scores, size);
    for (let row = 0; row < emission.length; row += size) {
      let other = Number.NEGATIVE_INFINITY;
      for (let tag = 1; tag < size; tag++) other = Math.max(other, emission[row + tag] as number);
      margins.push(Math.abs((emission[row] as number) - other));
    }
  }
  margins.sort((a, b) => a - b);
  const unit = margins[Math.floor(margins.length / 2)] ?? 0;
  const index = outsideBiasIndex(size);
  const original = weights.emission[index] as number;
  let best = { shift: 0, devF1: uncalibratedF1 };
  for (const step of [-2, -1.5, -1, -0.75, -0.5, -0.25, 0.25, 0.5, 1]) {
    weights.emission[index] = original + step * unit;
    const devF1 = strictF1(dev, devFeatures, name, labels, weights, config);
    if (devF1 > best.devF1) best = { shift: step * unit, devF1 };
  }
  weights.emission[index] = original + best.shift;
  if (!config.training.calibrateInside) return best;
  // Spans that stop early are the commonest boundary error on long spans: let dev move the inside bias.
  const inside = labels.tags.flatMap((tag, tagIndex) => (tag[0] === "I" ? [index + tagIndex] : []));
  const originals = inside.map((position) => weights.emission[position] as number);
  let insideShift = 0;
  let insideF1 = best.devF1;
  for (const step of [-1, -0.5, -0.25, 0.25, 0.5, 1, 1.5]) {
    inside.forEach((position, at) => {
      weights.emission[position] = (originals[at] as number) + step * unit;
    });
    const devF1 = strictF1(dev, devFeatures, name, labels, weights, config);
    if (devF1 > insideF1) {
      insideShift = step * unit;
      insideF1 = devF1;
    }
  }
  inside.forEach((position, at) => {
    weights.emission[position] = (originals[at] as number) + insideShift;
  });
  return { ...best, devF1: insideF1, insideShift };
}

const chunkKey = (chunk: BioChunk): string => `${chunk.label}:${chunk.startToken}:${chunk.endToken}`;

/**
 * The gold chunks of each sentence, as keys, per label set (one per layer): dev is scored after
 * every epoch and many times more in calibration, and its gold never changes.
 */
const goldChunkKeys = new WeakMap<LabelSet, WeakMap<readonly TaggerSentence[], Set<string>[]>>();

function goldKeysOf(sentences: readonly TaggerSentence[], name: string, labels: LabelSet): Set<string>[] {
  let bySentences = goldChunkKeys.get(labels);
  if (!bySentences) {
    bySentences = new WeakMap();
    goldChunkKeys.set(labels, bySentences);
  }
  let keys = bySentences.get(sentences);
  if (!keys) {
    keys = sentences.map(
      (sentence) =>
        new Set(bioToChunks(labels.decodeBio(labels.encodeBio(sentence.layers[name] ?? []))).map(chunkKey)),
    );
    bySentences.set(sentences, keys);
  }
  return keys;
}

/** Strict (conlleval) span F1 of one layer, counted over all sentences. */
function strictF1(
  sentences: readonly TaggerSentence[],
  features: readonly SentenceFeatures[],
  name: string,
  labels: LabelSet,
  weights: LayerWeights,
  config: TaggerConfig,
  refine?: (tokens: readonly string[], chunks: BioChunk[]) => BioChunk[],
): number {
  const scores = layerScores(weights, config.order, config.hashBits);
  const gold = goldKeysOf(sentences, name, labels);
  let goldCount = 0;
  let predictedCount = 0;
  let correct = 0;
  sentences.forEach((sentence, index) => {
    const goldChunks = gold[index] as Set<string>;
    const decoded = bioToChunks(
      labels.decodeBio(viterbi(features[index] as SentenceFeatures, scores, labels)),
    );
    const predicted = refine ? refine(sentence.tokens, decoded) : decoded;
    goldCount += goldChunks.size;
    predictedCount += predicted.length;
    for (const chunk of predicted) if (goldChunks.has(chunkKey(chunk))) correct++;
  });
  return predictedCount + goldCount === 0 ? 0 : (2 * correct) / (predictedCount + goldCount);
}

function pruneRareFeatures(
  features: SentenceFeatures[],
  hashBits: number,
  minCount: number,
): SentenceFeatures[] {
  if (minCount <= 1) return features;
  const mask = 2 ** hashBits - 1;
  const counts = new Uint32Array(2 ** hashBits);
  for (const { ids } of features) for (const id of ids) counts[id & mask] = (counts[id & mask] as number) + 1;
  return features.map(({ ids, offsets }) => {
    const kept: number[] = [];
    const keptOffsets = new Uint32Array(offsets.length);
    for (let position = 0; position < offsets.length - 1; position++) {
      keptOffsets[position] = kept.length;
      for (let index = offsets[position] as number; index < (offsets[position + 1] as number); index++) {
        const id = ids[index] as number;
        if ((counts[id & mask] as number) >= minCount) kept.push(id);
      }
    }
    keptOffsets[offsets.length - 1] = kept.length;
    return { ids: Uint32Array.from(kept), offsets: keptOffsets };
  });
}
