import { z } from "zod";
import { type LexiconHint, skillTypeFeatureConfigSchema, skillTypeFeatures } from "./features.ts";

export const skillTypeModelConfigSchema = z.object({
  /** Class names in weight order, e.g. ["Hard", "Soft"]. */
  labels: z.array(z.string().min(1)).min(2),
  features: skillTypeFeatureConfigSchema,
  /** Added to each class's score before the argmax: tuned by cross-validation on the training set. */
  decisionOffsets: z.array(z.number()),
  /** Whether the model was trained with lexicon hints as features (then pass them at prediction). */
  usesLexiconHint: z.boolean(),
  /** Where its labels came from (lexicon, teacher, gold) and anything else worth keeping. */
  trainedFrom: z.string(),
  examples: z.number().int().nonnegative(),
});
export type SkillTypeModelConfig = z.infer<typeof skillTypeModelConfigSchema>;

export interface SkillTypePrediction {
  label: string;
  /** The chosen class's softmax probability (offsets do not change it). */
  confidence: number;
  probabilities: number[];
}

/**
 * A multinomial logistic regression over hashed phrase features. `weights` holds one row per hash
 * bucket with one column per class (row-major), `bias` one value per class.
 */
export class SkillTypeModel {
  constructor(
    readonly config: SkillTypeModelConfig,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {}

  scores(phrase: string, hint?: LexiconHint): Float64Array {
    const labelCount = this.config.labels.length;
    const scores = Float64Array.from(this.bias);
    const ids = skillTypeFeatures(
      phrase,
      this.config.features,
      this.config.usesLexiconHint ? hint : undefined,
    );
    for (const id of ids) {
      const base = id * labelCount;
      for (let l = 0; l < labelCount; l++)
        scores[l] = (scores[l] as number) + (this.weights[base + l] as number);
    }
    return scores;
  }

  predict(phrase: string, hint?: LexiconHint): SkillTypePrediction {
    const scores = this.scores(phrase, hint);
    const probabilities = softmax(scores);
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    scores.forEach((score, l) => {
      const value = score + (this.config.decisionOffsets[l] ?? 0);
      if (value > bestValue) {
        bestValue = value;
        best = l;
      }
    });
    return {
      label: this.config.labels[best] as string,
      confidence: probabilities[best] as number,
      probabilities,
    };
  }
}

export function softmax(scores: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i] as number);
  const exps = Array.from({ length: scores.length }, (_, i) => Math.exp((scores[i] as number) - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}
