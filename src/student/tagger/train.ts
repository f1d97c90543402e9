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
  biasFeatureId,
  FeatureExtractor,
  type FeatureSettings,
  featureSettingsSchema,
  type SentenceFeatures,
} from "./features.ts";
import { LabelSet, type TagEncoding } from "./label-set.ts";
import { PhraseLexicon } from "./lexicon.ts";
import { type TaggerLayer, TaggerModel } from "./model.ts";
import { refineSpanEdges, type SpanEdgeModel, spanEdgeMargins, trainSpanEdge } from "./span-edges.ts";
import { decodeEmission, emissionScores, viterbi } from "./viterbi.ts";
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

  const compact = compactBuckets(trainFeatures, devFeatures, config.hashBits);
  const layers: TaggerLayer[] = layerNames.map((name) =>
    trainLayer(name, nonEmpty, compact, dev, devFeatures, config, options.onProgress),
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
  compact: CompactBuckets,
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
      compact.bits,
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
        perceptron.learn(compact.features[index] as SentenceFeatures, gold[index] as Int32Array);
      }
    }
    // Over the compact buckets, as is dev (its features outside them weigh 0 and are left out).
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
    const devF1 = strictF1(dev, compact.dev, name, labels, weights, { ...config, hashBits: compact.bits });
    onProgress?.(epoch, devF1, name);
    if (!best || devF1 > (best.devF1 ?? Number.NEGATIVE_INFINITY)) {
      best = { weights, epoch, devF1 };
      sinceBest = 0;
    } else if (++sinceBest >= config.training.patience) {
      break;
    }
  }
  const chosen = best as { weights: LayerWeights; epoch: number; devF1?: number | undefined };
  const kept = { ...chosen, weights: expandEmission(chosen.weights, compact, labels.size, config.hashBits) };
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
    // Every trial refines the same decoding of dev (the weights do not change), so decode it once.
    const decoded = decodeDev(devFeatures, layerWeights, labels, config);
    // Ends first (the commoner error), then starts on top of the kept ends; each only if dev gains.
    for (const side of ["end", "start"] as const) {
      const candidate = trainSpanEdge(training, side, { seed: config.training.seed });
      let chosen: SpanEdgeModel | undefined;
      for (const margin of spanEdgeMargins) {
        const trial = [...spanEdges, { ...candidate, margin }];
        const refine = (tokens: readonly string[], chunks: BioChunk[]) =>
          trial.reduce((current, model) => refineSpanEdges(tokens, current, model), chunks);
        const refinedF1 = chunksF1(
          dev,
          name,
          labels,
          decoded.map((chunks, index) => refine((dev[index] as TaggerSentence).tokens, chunks)),
        );
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

/** Where the bias feature (see FeatureExtractor) keeps its weight for tag 0 ("O"). */
const outsideBiasIndex = (size: number): number => biasFeatureId * size;

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
  // Dev's emission scores under the uncalibrated weights, computed once: each trial below moves only
  // the bias feature's weights, so it adds the move to the affected columns and decodes again
  // (recomputing every sentence's scores from the emission table, 16 times over, was most of the
  // calibration's cost). The sums differ from a recomputation only in the last bits of rounding.
  const base = devFeatures.map((features) => emissionScores(features, scores, size));
  const margins: number[] = [];
  for (const emission of base) {
    for (let row = 0; row < emission.length; row += size) {
      let other = Number.NEGATIVE_INFINITY;
      for (let tag = 1; tag < size; tag++) other = Math.max(other, emission[row + tag] as number);
      margins.push(Math.abs((emission[row] as number) - other));
    }
  }
  margins.sort((a, b) => a - b);
  const unit = margins[Math.floor(margins.length / 2)] ?? 0;
  const biasCounts = devFeatures.map((features) => biasBucketCounts(features, scores.bucketMask));
  /** Dev strict F1 with the bias weights of `tags` moved by `moves` (the float32 weight's change). */
  const shiftedF1 = (moves: ReadonlyMap<number, number>): number => {
    const decoded = base.map((emission, sentence) => {
      const shifted = Float64Array.from(emission);
      const counts = biasCounts[sentence] as Uint8Array;
      for (let position = 0; position < counts.length; position++) {
        const times = counts[position] as number;
        if (times === 0) continue;
        for (const [tag, move] of moves) {
          const at = position * size + tag;
          shifted[at] = (shifted[at] as number) + times * move;
        }
      }
      return bioToChunks(labels.decodeBio(decodeEmission(shifted, scores, labels, counts.length)));
    });
    return chunksF1(dev, name, labels, decoded);
  };
  const index = outsideBiasIndex(size);
  const original = weights.emission[index] as number;
  /** How much a float32 weight w changes when set to w + shift. */
  const moveOf = (weight: number, shift: number): number => Math.fround(weight + shift) - weight;
  let best = { shift: 0, devF1: uncalibratedF1 };
  for (const step of [-2, -1.5, -1, -0.75, -0.5, -0.25, 0.25, 0.5, 1]) {
    const devF1 = shiftedF1(new Map([[0, moveOf(original, step * unit)]]));
    if (devF1 > best.devF1) best = { shift: step * unit, devF1 };
  }
  weights.emission[index] = original + best.shift;
  if (!config.training.calibrateInside) return best;
  // Spans that stop early are the commonest boundary error on long spans: let dev move the inside bias.
  const outsideMove = moveOf(original, best.shift);
  const insideTags = labels.tags.flatMap((tag, tagIndex) => (tag[0] === "I" ? [tagIndex] : []));
  const originals = insideTags.map((tag) => weights.emission[index + tag] as number);
  let insideShift = 0;
  let insideF1 = best.devF1;
  for (const step of [-1, -0.5, -0.25, 0.25, 0.5, 1, 1.5]) {
    const moves = new Map([[0, outsideMove]]);
    insideTags.forEach((tag, at) => {
      moves.set(tag, moveOf(originals[at] as number, step * unit));
    });
    const devF1 = shiftedF1(moves);
    if (devF1 > insideF1) {
      insideShift = step * unit;
      insideF1 = devF1;
    }
  }
  insideTags.forEach((tag, at) => {
    weights.emission[index + tag] = (originals[at] as number) + insideShift;
  });
  return { ...best, devF1: insideF1, insideShift };
}

/**
 * Per token, how many of its feature ids fall in the bias feature's bucket: the bias itself,
 * and now and then a feature that hashes there too, whose sum a move of that bucket also moves.
 */
function biasBucketCounts(features: SentenceFeatures, bucketMask: number): Uint8Array {
  const { ids, offsets } = features;
  const counts = new Uint8Array(offsets.length - 1);
  for (let position = 0; position < counts.length; position++) {
    const end = offsets[position + 1] as number;
    for (let at = offsets[position] as number; at < end; at++)
      if (((ids[at] as number) & bucketMask) === biasFeatureId)
        counts[position] = (counts[position] as number) + 1;
  }
  return counts;
}

/** Each dev sentence's chunks as `weights` decode them. */
function decodeDev(
  devFeatures: readonly SentenceFeatures[],
  weights: LayerWeights,
  labels: LabelSet,
  config: TaggerConfig,
): BioChunk[][] {
  const scores = layerScores(weights, config.order, config.hashBits);
  return devFeatures.map((features) => bioToChunks(labels.decodeBio(viterbi(features, scores, labels))));
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
): number {
  return chunksF1(sentences, name, labels, decodeDev(features, weights, labels, config));
}

/** Strict span F1 of predicted chunks (one list per sentence) against the sentences' gold. */
function chunksF1(
  sentences: readonly TaggerSentence[],
  name: string,
  labels: LabelSet,
  predicted: readonly (readonly BioChunk[])[],
): number {
  const gold = goldKeysOf(sentences, name, labels);
  let goldCount = 0;
  let predictedCount = 0;
  let correct = 0;
  sentences.forEach((_, index) => {
    const goldChunks = gold[index] as Set<string>;
    const chunks = predicted[index] ?? [];
    goldCount += goldChunks.size;
    predictedCount += chunks.length;
    for (const chunk of chunks) if (goldChunks.has(chunkKey(chunk))) correct++;
  });
  return predictedCount + goldCount === 0 ? 0 : (2 * correct) / (predictedCount + goldCount);
}

/**
 * The training features with each hash bucket they reach renumbered densely (in bucket order), so
 * that the perceptron's float64 weights and sums cover only those buckets: a fraction of 2^hashBits,
 * small enough to stay in the processor's cache where the full tables (tens of megabytes each) did
 * not. Updates and sums are the same numbers at the same places; `expandEmission` puts them back.
 */
interface CompactBuckets {
  features: SentenceFeatures[];
  /** Dev's features over the same buckets, those outside them (always weight 0) left out. */
  dev: SentenceFeatures[];
  /** buckets[dense index] = the hash bucket. */
  buckets: Uint32Array;
  /** The compact table holds 2^bits buckets (every dense index fits its mask). */
  bits: number;
}

function compactBuckets(
  features: readonly SentenceFeatures[],
  devFeatures: readonly SentenceFeatures[],
  hashBits: number,
): CompactBuckets {
  const mask = 2 ** hashBits - 1;
  const dense = new Int32Array(2 ** hashBits).fill(-1);
  for (const { ids } of features) for (const id of ids) dense[id & mask] = 0;
  const used: number[] = [];
  for (let bucket = 0; bucket <= mask; bucket++) {
    if (dense[bucket] === 0) {
      dense[bucket] = used.length;
      used.push(bucket);
    }
  }
  const renumbered = ({ ids, offsets }: SentenceFeatures): SentenceFeatures => {
    const kept = new Uint32Array(ids.length);
    const keptOffsets = new Uint32Array(offsets.length);
    let length = 0;
    for (let position = 0; position < offsets.length - 1; position++) {
      keptOffsets[position] = length;
      for (let index = offsets[position] as number; index < (offsets[position + 1] as number); index++) {
        const at = dense[(ids[index] as number) & mask] as number;
        if (at >= 0) kept[length++] = at;
      }
    }
    keptOffsets[offsets.length - 1] = length;
    return { ids: kept.slice(0, length), offsets: keptOffsets };
  };
  return {
    features: features.map(renumbered),
    dev: devFeatures.map(renumbered),
    buckets: Uint32Array.from(used),
    bits: Math.max(1, Math.ceil(Math.log2(Math.max(2, used.length)))),
  };
}

/** Weights over the compact buckets as weights over all 2^hashBits buckets (zero where unreached). */
function expandEmission(
  weights: LayerWeights,
  compact: CompactBuckets,
  size: number,
  hashBits: number,
): LayerWeights {
  const emission = new Float32Array(2 ** hashBits * size);
  const { buckets } = compact;
  for (let index = 0; index < buckets.length; index++) {
    const from = index * size;
    const to = (buckets[index] as number) * size;
    for (let tag = 0; tag < size; tag++) emission[to + tag] = weights.emission[from + tag] as number;
  }
  return { ...weights, emission };
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
