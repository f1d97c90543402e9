import type { HeadOptions } from "../heads/index.ts";
import type { SkillTypeTrainingOptions } from "./train.ts";

/**
 * Training settings for lexicon labels (see README.md for how they were chosen, never on the test
 * split). The class comes from the 10 lexicon concepts nearest the phrase (idf-weighted cosine
 * over light stems, a concept as near as the nearest of its names, derived variants at 0.7), each
 * voting with its similarity to the 4th power. Similarity to a soft concept counts ×1.5: a prior
 * correction for adverts, where a quarter of skill phrases are soft against 2% of ESCO's labels,
 * set so that the share typed soft among unlabelled SkillSpan train skill spans (27%) is the share
 * of soft among skill phrases in the `val` split (25%). The regression (no class reweighting)
 * types only phrases that share no stem with any concept, mostly tool and product names.
 */
export const lexiconTrainingDefaults: SkillTypeTrainingOptions = {
  labels: ["Hard", "Soft"],
  classWeighting: "none",
  tuneFolds: 0,
  linker: { k: 10, prior: 1.5, power: 4, threshold: 0.5, variantScore: 0.7 },
};

/**
 * Training settings for labels from a teacher or gold, where soft is not rare: the lexicon's prior
 * correction (soft neighbours ×8, soft above 0.2) would turn most phrases soft there, so both
 * classes count alike and the vote decides at one half.
 */
export const labelTrainingDefaults: SkillTypeTrainingOptions = {
  labels: ["Hard", "Soft"],
  classWeighting: "balanced",
  tuneFolds: 0,
  neighbours: { k: 5, boost: 1, mix: 0.5, threshold: 0.5, prefix: 5 },
};

/**
 * The skill-type student's defaults, by where its labels come from. `train --task skill-type` and
 * bench/skill-type.ts both train with these.
 */
export const skillTypeStudentDefaults = {
  seed: 1,
  fromLexicon: lexiconTrainingDefaults,
  fromLabels: labelTrainingDefaults,
} as const;

/**
 * The encoder-backed typer (encoder-model.ts): heads tried over the phrase's vector, the context and
 * lexical weights tried, and the target its abstain threshold is chosen for — all on the `val`
 * split of the ESCO-typed spans by bench/skill-type.ts, never on `test`. `chosen` is what that
 * bench chose for use-lite over the ESCO lexicon with seed 1 (see README.md); `skill-type train
 * --encoder` uses it, since a workspace has no labelled advert phrases to calibrate on. For another
 * encoder or lexicon the calibration is not fitted to its head: the model file says where it came from.
 */
export const encoderSkillTypeDefaults = {
  encoder: "use-lite",
  headCandidates: {
    logistic: { kind: "logistic", epochs: 20, batchSize: 64, learningRate: 0.01, l2: 1e-4, seed: 1 },
    mlp: { kind: "mlp", hiddenSize: 64, epochs: 6, batchSize: 64, learningRate: 0.001, l2: 1e-4, seed: 1 },
  } satisfies Record<string, HeadOptions>,
  contextWeights: [0.25, 0.5, 1],
  lexicalWeights: [0, 0.25, 0.5, 1, 2],
  target: { minAccuracy: 0.9, minSoftRecall: 0.8 },
  /**
   * bench/skill-type.ts's choice on val (the lowest val log-loss after Platt): the MLP head, no
   * sentence context (it raised val log-loss), the lexical vote at weight 2, and no Unknown band —
   * on val the calibrated P(Soft) cut at 0.25 met the target with every phrase typed.
   */
  chosen: {
    head: "mlp",
    contextWeight: 0,
    lexicalVote: true,
    calibration: {
      lexicalWeight: 2,
      slope: 0.16958091806826284,
      intercept: -0.33175359720630637,
      fittedOn: "val of esco-typed-spans (use-lite, ESCO lexicon, seed 1)",
    },
    decision: { hardBelow: 0.24961839975619557, softFrom: 0.24961839975619557 },
  },
} as const;
