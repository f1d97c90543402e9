import { z } from "zod";
import { type ConceptLinker, conceptLinkConfigSchema } from "./concept-linker.ts";
import { type LexiconHint, skillTypeFeatureConfigSchema, skillTypeFeatures } from "./features.ts";
import { type NeighbourIndex, neighbourVoteConfigSchema } from "./neighbour-vote.ts";

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
  /** Two-class models only: blend the regression with a vote of the nearest training phrases. */
  neighbours: neighbourVoteConfigSchema.optional(),
  /** Two-class models only: the nearest concepts decide; the regression answers what links to none. */
  linker: conceptLinkConfigSchema.optional(),
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
    /** The training phrases the neighbour vote searches (present when `config.neighbours` is). */
    readonly neighbourIndex?: NeighbourIndex,
    /** The concepts the linker searches (present when `config.linker` is). */
    readonly conceptLinker?: ConceptLinker,
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
    const link = this.config.linker;
    if (link && this.conceptLinker && this.config.labels.length === 2) {
      const share = this.conceptLinker.share(phrase);
      if (share !== undefined) {
        const second = share > link.threshold;
        return {
          label: this.config.labels[second ? 1 : 0] as string,
          confidence: second ? share : 1 - share,
          probabilities,
        };
      }
    }
    const vote = this.config.neighbours;
    if (vote && this.neighbourIndex && this.config.labels.length === 2) {
      const share = this.neighbourIndex.share(phrase, vote.k, vote.boost);
      const score = vote.mix * (probabilities[1] as number) + (1 - vote.mix) * share;
      const second = score > vote.threshold;
      return {
        label: this.config.labels[second ? 1 : 0] as string,
        confidence: second ? score : 1 - score,
        probabilities,
      };
    }
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
