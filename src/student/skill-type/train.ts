import { UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import { type ConceptAlias, type ConceptLinkConfig, ConceptLinker } from "./concept-linker.ts";
import {
  defaultSkillTypeFeatureConfig,
  type LexiconHint,
  type SkillTypeFeatureConfig,
  skillTypeFeatures,
} from "./features.ts";
import { SkillTypeModel } from "./model.ts";
import { NeighbourIndex, type NeighbourVoteConfig } from "./neighbour-vote.ts";

export interface SkillTypeExample {
  phrase: string;
  label: string;
  /** Relative weight of this example (default 1): augmented variants count less than labels. */
  weight?: number;
  hint?: LexiconHint;
  /**
   * Examples with the same key are names of one concept (an ESCO skill's label, alt labels and
   * derived variants) for the concept linker; without a key each phrase is its own concept.
   */
  concept?: string;
}

export interface SkillTypeTrainingOptions {
  /** Shuffling order; the same seed and data give the same model. Default 1. */
  seed?: number;
  /** Passes over the data. Default 12. */
  epochs?: number;
  /** AdaGrad step size. Default 0.3. */
  learningRate?: number;
  /** L2 penalty applied to the weights an example touches. Default 1e-5. */
  l2?: number;
  /** "balanced" weighs each class by n / (classes × class count) so a rare class (soft) counts. Default balanced. */
  classWeighting?: "balanced" | "none";
  /** Folds for tuning the decision offsets by cross-validation (0 = no tuning). Default 5. */
  tuneFolds?: number;
  features?: SkillTypeFeatureConfig;
  /** Use lexicon hints as a feature (only when the labels do not come from that lexicon). */
  useLexiconHint?: boolean;
  /** Recorded in the model file. */
  trainedFrom?: string;
  /** Class order; default: sorted labels seen. */
  labels?: readonly string[];
  /** Blend in a vote of the nearest training phrases (two-class models; see neighbour-vote.ts). */
  neighbours?: NeighbourVoteConfig;
  /**
   * Two-class models: the class comes from the nearest concepts (see concept-linker.ts); the
   * regression answers only phrases that share no stem with any concept. Takes precedence over
   * `neighbours`.
   */
  linker?: ConceptLinkConfig;
}

interface EncodedExample {
  ids: Uint32Array;
  label: number;
  weight: number;
  /** Real labels tune the offsets; augmented variants (weight < 1) only train. */
  tunes: boolean;
}

/** Trains the classifier, then tunes per-class decision offsets on out-of-fold predictions. */
export function trainSkillTypeModel(
  examples: readonly SkillTypeExample[],
  options: SkillTypeTrainingOptions = {},
): SkillTypeModel {
  const labels = options.labels ? [...options.labels] : [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2)
    throw new UsageError(`training needs at least two labels, got: ${labels.join(", ") || "none"}`);
  const features = options.features ?? defaultSkillTypeFeatureConfig;
  const useHint = options.useLexiconHint ?? false;
  const encoded = encode(examples, labels, features, useHint, options.classWeighting ?? "balanced");
  const seed = options.seed ?? 1;
  const folds = options.tuneFolds ?? 5;
  let offsets = labels.map(() => 0);
  if (folds >= 2) {
    const order = shuffled(
      encoded.map((_, i) => i),
      createRandom(seed + 7919),
    );
    const scored: { scores: Float64Array; label: number }[] = [];
    for (let fold = 0; fold < folds; fold++) {
      const held = order.filter((_, i) => i % folds === fold);
      const heldSet = new Set(held);
      const { weights, bias } = fitWeights(
        encoded.filter((_, i) => !heldSet.has(i)),
        labels.length,
        features.hashBits,
        seed,
        options,
      );
      for (const i of held) {
        const example = encoded[i] as EncodedExample;
        // Augmented variants (weight < 1) train but do not tune: offsets follow the real labels.
        if (!example.tunes) continue;
        scored.push({ scores: scoreIds(example.ids, weights, bias, labels.length), label: example.label });
      }
    }
    offsets = tuneOffsets(scored, labels.length);
  }
  const { weights, bias } = fitWeights(encoded, labels.length, features.hashBits, seed, options);
  const twoClasses = labels.length === 2;
  return new SkillTypeModel(
    {
      labels,
      features,
      decisionOffsets: offsets,
      usesLexiconHint: useHint,
      trainedFrom: options.trainedFrom ?? "unspecified",
      examples: examples.length,
      ...(options.neighbours && twoClasses ? { neighbours: options.neighbours } : {}),
      ...(options.linker && twoClasses ? { linker: options.linker } : {}),
    },
    weights,
    bias,
    options.neighbours && twoClasses
      ? neighbourIndexOf(examples, labels, options.neighbours.prefix)
      : undefined,
    options.linker && twoClasses ? conceptLinkerOf(examples, labels, options.linker) : undefined,
  );
}

/**
 * Concepts from the examples' keys (a phrase without a key is a concept of its own); a concept
 * takes the class of its first example. Examples weighted below 1 are derived variants.
 */
export function conceptLinkerOf(
  examples: readonly SkillTypeExample[],
  labels: readonly string[],
  config: ConceptLinkConfig,
): ConceptLinker {
  const conceptIds = new Map<string, number>();
  const classes: number[] = [];
  const aliases: ConceptAlias[] = [];
  const seen = new Set<string>();
  for (const example of examples) {
    if (!labels.includes(example.label)) continue;
    const key = example.concept ?? `phrase:${example.label}\u0000${example.phrase.toLowerCase()}`;
    let concept = conceptIds.get(key);
    if (concept === undefined) {
      concept = classes.length;
      conceptIds.set(key, concept);
      classes.push(example.label === labels[1] ? 1 : 0);
    }
    const aliasKey = `${concept}\u0000${example.phrase.toLowerCase()}`;
    if (seen.has(aliasKey)) continue;
    seen.add(aliasKey);
    aliases.push({ phrase: example.phrase, concept, derived: (example.weight ?? 1) < 1 });
  }
  return new ConceptLinker(aliases, Uint8Array.from(classes), config);
}

/** Each distinct phrase once (its first label), class 1 for the second label. */
function neighbourIndexOf(
  examples: readonly SkillTypeExample[],
  labels: readonly string[],
  prefix: number,
): NeighbourIndex {
  const seen = new Map<string, number>();
  for (const example of examples) {
    if (!labels.includes(example.label)) continue;
    const key = example.phrase.toLowerCase();
    if (!seen.has(key)) seen.set(key, example.label === labels[1] ? 1 : 0);
  }
  return new NeighbourIndex([...seen.keys()], Uint8Array.from(seen.values()), prefix);
}

function encode(
  examples: readonly SkillTypeExample[],
  labels: readonly string[],
  features: SkillTypeFeatureConfig,
  useHint: boolean,
  classWeighting: "balanced" | "none",
): EncodedExample[] {
  const counts = labels.map(() => 0);
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const rows: EncodedExample[] = [];
  for (const example of examples) {
    const label = labelIndex.get(example.label);
    if (label === undefined) continue;
    counts[label] = (counts[label] as number) + 1;
    rows.push({
      ids: skillTypeFeatures(example.phrase, features, useHint ? example.hint : undefined),
      label,
      weight: example.weight ?? 1,
      tunes: (example.weight ?? 1) >= 1,
    });
  }
  if (classWeighting === "balanced") {
    const present = counts.filter((count) => count > 0).length;
    for (const row of rows) row.weight *= rows.length / (present * (counts[row.label] as number));
  }
  return rows;
}

function fitWeights(
  rows: readonly EncodedExample[],
  labelCount: number,
  hashBits: number,
  seed: number,
  options: SkillTypeTrainingOptions,
): { weights: Float32Array; bias: Float32Array } {
  const size = (1 << hashBits) * labelCount;
  const weights = new Float32Array(size);
  const squared = new Float32Array(size);
  const bias = new Float32Array(labelCount);
  const biasSquared = new Float32Array(labelCount);
  const rate = options.learningRate ?? 0.3;
  const l2 = options.l2 ?? 1e-5;
  const epochs = options.epochs ?? 12;
  const random = createRandom(seed);
  const gradient = new Float64Array(labelCount);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const row of shuffled(rows, random)) {
      const scores = scoreIds(row.ids, weights, bias, labelCount);
      let max = Number.NEGATIVE_INFINITY;
      for (const s of scores) max = Math.max(max, s);
      let total = 0;
      for (let l = 0; l < labelCount; l++) {
        const e = Math.exp((scores[l] as number) - max);
        gradient[l] = e;
        total += e;
      }
      for (let l = 0; l < labelCount; l++) {
        gradient[l] = row.weight * ((gradient[l] as number) / total - (l === row.label ? 1 : 0));
        const g = gradient[l] as number;
        biasSquared[l] = (biasSquared[l] as number) + g * g;
        bias[l] = (bias[l] as number) - (rate * g) / Math.sqrt((biasSquared[l] as number) + 1e-8);
      }
      for (const id of row.ids) {
        const base = id * labelCount;
        for (let l = 0; l < labelCount; l++) {
          const index = base + l;
          const g = (gradient[l] as number) + l2 * (weights[index] as number);
          squared[index] = (squared[index] as number) + g * g;
          weights[index] =
            (weights[index] as number) - (rate * g) / Math.sqrt((squared[index] as number) + 1e-8);
        }
      }
    }
  }
  return { weights, bias };
}

function scoreIds(
  ids: Uint32Array,
  weights: Float32Array,
  bias: Float32Array,
  labelCount: number,
): Float64Array {
  const scores = Float64Array.from(bias);
  for (const id of ids) {
    const base = id * labelCount;
    for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (weights[base + l] as number);
  }
  return scores;
}

/**
 * Coordinate search over per-class offsets (class 0 fixed at 0) that maximises macro-F1 of the
 * out-of-fold predictions; ties keep the offset closest to zero.
 */
function tuneOffsets(
  scored: readonly { scores: Float64Array; label: number }[],
  labelCount: number,
): number[] {
  const offsets = Array.from({ length: labelCount }, () => 0);
  if (scored.length === 0) return offsets;
  const grid = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  for (let round = 0; round < 2; round++) {
    for (let l = 1; l < labelCount; l++) {
      let best = offsets[l] as number;
      let bestF1 = -1;
      for (const value of grid) {
        offsets[l] = value;
        const f1 = macroF1(scored, offsets, labelCount);
        if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(value) < Math.abs(best))) {
          bestF1 = f1;
          best = value;
        }
      }
      offsets[l] = Math.round(best * 100) / 100;
    }
  }
  return offsets;
}

function macroF1(
  scored: readonly { scores: Float64Array; label: number }[],
  offsets: readonly number[],
  labelCount: number,
): number {
  const tp = new Float64Array(labelCount);
  const fp = new Float64Array(labelCount);
  const fn = new Float64Array(labelCount);
  for (const { scores, label } of scored) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let l = 0; l < labelCount; l++) {
      const value = (scores[l] as number) + (offsets[l] as number);
      if (value > bestValue) {
        bestValue = value;
        best = l;
      }
    }
    if (best === label) tp[label] = (tp[label] as number) + 1;
    else {
      fp[best] = (fp[best] as number) + 1;
      fn[label] = (fn[label] as number) + 1;
    }
  }
  let sum = 0;
  for (let l = 0; l < labelCount; l++) {
    const denominator = 2 * (tp[l] as number) + (fp[l] as number) + (fn[l] as number);
    sum += denominator === 0 ? 0 : (2 * (tp[l] as number)) / denominator;
  }
  return sum / labelCount;
}
