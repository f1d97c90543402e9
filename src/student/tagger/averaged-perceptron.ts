import type { SentenceFeatures } from "./features.ts";
import type { LabelSet } from "./label-set.ts";
import { decodeEmission, emissionScores, type LayerScores, sequenceScore } from "./viterbi.ts";

/** Saved weights of one layer (the averaged ones after training). */
export interface LayerWeights {
  emission: Float32Array;
  transition: Float32Array;
  transition2: Float32Array;
  final: Float32Array;
}

/**
 * Decoding view of a layer's weights. The small transition tables are always float64 (shared live
 * with training, copied from saved float32 weights) so that Viterbi's loops stay monomorphic.
 */
export function layerScores(
  weights: Record<keyof LayerWeights, Float32Array | Float64Array>,
  order: 1 | 2,
  hashBits: number,
): LayerScores {
  const float64 = (values: Float32Array | Float64Array): Float64Array =>
    values instanceof Float64Array ? values : Float64Array.from(values);
  return {
    order,
    bucketMask: 2 ** hashBits - 1,
    emission: weights.emission,
    transition: float64(weights.transition),
    transition2: float64(weights.transition2),
    final: float64(weights.final),
  };
}

/** How each mistake moves the weights. */
export interface UpdateRule {
  /**
   * "perceptron": a step of 1. "passive-aggressive": the smallest step that would have separated gold
   * from the prediction by a margin equal to its Hamming loss, capped at `aggressiveness` (PA-I,
   * Crammer et al. 2006; 1-best MIRA).
   */
  kind: "perceptron" | "passive-aggressive";
  aggressiveness: number;
  /** Training decodes with this much added to every tag that differs from gold (cost-augmented). */
  cost: number;
}

/** The small tables (transitions, final), kept apart from the large emission table. */
type SmallTable = Exclude<keyof LayerWeights, "emission">;

/**
 * A structured perceptron over one BIO layer with lazy weight averaging (Daumé's trick: keep the
 * weights w and the step-weighted sum u of updates; the average after c steps is w − u / c).
 * The emission weights and their sums are plain float64 tables updated in place (no per-update
 * dispatch on a table's name); reading the weights dominates training, so they stay dense.
 */
export class AveragedPerceptron {
  /** emission[bucket · size + tag]: w; emissionSums: u. */
  private readonly emission: Float64Array;
  private readonly emissionSums: Float64Array;
  private readonly weights: Record<SmallTable, Float64Array>;
  private readonly sums: Record<SmallTable, Float64Array>;
  private step = 1;
  readonly scores: LayerScores;

  constructor(
    private readonly labels: LabelSet,
    readonly order: 1 | 2,
    readonly hashBits: number,
    private readonly rule: UpdateRule = { kind: "perceptron", aggressiveness: 1, cost: 0 },
  ) {
    const size = labels.size;
    // Float64 while training: the step-weighted sums outgrow float32's 24-bit mantissa.
    const allocate = (): Record<SmallTable, Float64Array> => ({
      transition: new Float64Array((size + 1) * size),
      transition2: new Float64Array(order === 2 ? (size + 1) * (size + 1) * size : 0),
      final: new Float64Array(size),
    });
    this.emission = new Float64Array(2 ** hashBits * size);
    this.emissionSums = new Float64Array(2 ** hashBits * size);
    this.weights = allocate();
    this.sums = allocate();
    this.scores = layerScores({ emission: this.emission, ...this.weights }, order, hashBits);
  }

  /** Decodes with the current weights and, if wrong, moves them towards the gold sequence. */
  learn(features: SentenceFeatures, gold: Int32Array): void {
    const size = this.labels.size;
    const emission = emissionScores(features, this.scores, size);
    const { cost } = this.rule;
    if (cost > 0) {
      for (let position = 0; position < gold.length; position++) {
        for (let tag = 0; tag < size; tag++) {
          if (tag !== gold[position])
            emission[position * size + tag] = (emission[position * size + tag] as number) + cost;
        }
      }
    }
    const predicted = decodeEmission(emission, this.scores, this.labels);
    let loss = 0;
    let squaredNorm = 0;
    for (let position = 0; position < gold.length; position++) {
      if (gold[position] === predicted[position]) continue;
      loss++;
      squaredNorm +=
        2 * ((features.offsets[position + 1] as number) - (features.offsets[position] as number)) + 4;
    }
    if (loss === 0) {
      this.step++;
      return;
    }
    let amount = 1;
    if (this.rule.kind === "passive-aggressive") {
      if (cost > 0) {
        for (let position = 0; position < gold.length; position++) {
          for (let tag = 0; tag < size; tag++) {
            if (tag !== gold[position])
              emission[position * size + tag] = (emission[position * size + tag] as number) - cost;
          }
        }
      }
      const margin =
        sequenceScore(emission, gold, this.scores, this.labels) -
        sequenceScore(emission, predicted, this.scores, this.labels);
      amount = Math.min(this.rule.aggressiveness, Math.max(0, (loss - margin) / squaredNorm));
    }
    const start = this.labels.start;
    const width = size + 1;
    const { ids, offsets } = features;
    const mask = this.scores.bucketMask;
    const count = gold.length;
    for (let position = 0; position < count; position++) {
      const goldTag = gold[position] as number;
      const predictedTag = predicted[position] as number;
      const goldPrevious = position > 0 ? (gold[position - 1] as number) : start;
      const predictedPrevious = position > 0 ? (predicted[position - 1] as number) : start;
      if (goldTag !== predictedTag) {
        const end = offsets[position + 1] as number;
        const weights = this.emission;
        const sums = this.emissionSums;
        const stepAmount = this.step * amount;
        for (let index = offsets[position] as number; index < end; index++) {
          const base = ((ids[index] as number) & mask) * size;
          const goldAt = base + goldTag;
          const predictedAt = base + predictedTag;
          weights[goldAt] = (weights[goldAt] as number) + amount;
          sums[goldAt] = (sums[goldAt] as number) + stepAmount;
          weights[predictedAt] = (weights[predictedAt] as number) + -amount;
          sums[predictedAt] = (sums[predictedAt] as number) + -stepAmount;
        }
      }
      if (goldTag !== predictedTag || goldPrevious !== predictedPrevious) {
        this.bump("transition", goldPrevious * size + goldTag, amount);
        this.bump("transition", predictedPrevious * size + predictedTag, -amount);
      }
      if (this.order === 2) {
        const goldBefore = position > 1 ? (gold[position - 2] as number) : start;
        const predictedBefore = position > 1 ? (predicted[position - 2] as number) : start;
        if (
          goldTag !== predictedTag ||
          goldPrevious !== predictedPrevious ||
          goldBefore !== predictedBefore
        ) {
          this.bump("transition2", (goldBefore * width + goldPrevious) * size + goldTag, amount);
          this.bump(
            "transition2",
            (predictedBefore * width + predictedPrevious) * size + predictedTag,
            -amount,
          );
        }
      }
    }
    const goldLast = gold[count - 1];
    const predictedLast = predicted[count - 1];
    if (goldLast !== undefined && predictedLast !== undefined && goldLast !== predictedLast) {
      this.bump("final", goldLast, amount);
      this.bump("final", predictedLast, -amount);
    }
    this.step++;
  }

  private bump(table: SmallTable, index: number, amount: number): void {
    const weights = this.weights[table];
    const sums = this.sums[table];
    weights[index] = (weights[index] as number) + amount;
    sums[index] = (sums[index] as number) + this.step * amount;
  }

  /** The current (not averaged) weights, as a fresh copy. */
  current(): LayerWeights {
    return {
      emission: Float32Array.from(this.emission),
      transition: Float32Array.from(this.weights.transition),
      transition2: Float32Array.from(this.weights.transition2),
      final: Float32Array.from(this.weights.final),
    };
  }

  /** The averaged weights, as a fresh copy. */
  averaged(): LayerWeights {
    const step = this.step;
    const average = (table: SmallTable): Float32Array => {
      const weights = this.weights[table];
      const sums = this.sums[table];
      const out = new Float32Array(weights.length);
      for (let index = 0; index < out.length; index++) {
        out[index] = (weights[index] as number) - (sums[index] as number) / step;
      }
      return out;
    };
    const weights = this.emission;
    const sums = this.emissionSums;
    const emission = new Float32Array(weights.length);
    for (let index = 0; index < emission.length; index++) {
      emission[index] = (weights[index] as number) - (sums[index] as number) / step;
    }
    return {
      emission,
      transition: average("transition"),
      transition2: average("transition2"),
      final: average("final"),
    };
  }
}
