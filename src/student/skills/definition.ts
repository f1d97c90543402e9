import type { SpanStudentSettings } from "../span-student-settings.ts";

/**
 * The skills student's defaults: a tagger with SkillSpan's two layers (skill, knowledge), no
 * segment classifier. These are the settings chosen on SkillSpan dev (early stopping on dev strict
 * F1; figures in bench/results/skill-span-tagger.json): `train --task skills` and
 * bench/skill-span-tagger.ts both train with them.
 */
export const skillsStudentDefaults: SpanStudentSettings = {
  seed: 1,
  tagger: {
    epochs: 80,
    patience: 10,
    hashBits: 20,
    order: 2,
    encoding: "bilou",
    update: { kind: "passive-aggressive", aggressiveness: 0.1, cost: 1 },
    // Knowledge peaks early and overfits with the skill layer's step; a gentler step helps it on dev.
    layerUpdates: { knowledge: { aggressiveness: 0.003 } },
    calibrateOutside: true,
    calibrateInside: true,
    spanEdges: true,
  },
  // Not chosen on dev: SkillSpan's sentences are the only documents, test among them.
  clusterDocuments: 0,
};

/** Epochs (and patience) of the short form that src/student/tagger/skill-span-regression.test.ts retrains. */
export const skillsRegressionEpochs = 12;
