import type { SpanStudentSettings } from "../span-student-settings.ts";

/**
 * The requirement students' defaults: a span tagger with one BIO layer per category and a
 * multi-label segment classifier. `train --task requirements` and bench/requirements-students.ts
 * start from these.
 */
export const requirementsStudentDefaults: SpanStudentSettings = {
  seed: 1,
  tagger: {
    epochs: 20,
    patience: 8,
    // 2^18 buckets keep ten layers a few MB each.
    hashBits: 18,
    order: 2,
    encoding: "bio",
    update: { kind: "passive-aggressive", aggressiveness: 0.1, cost: 1 },
    calibrateOutside: true,
  },
  segmentClassifier: { mode: "multi-label", epochs: 10, hashBits: 18 },
  // Demo corpus, 5-fold: strict F1 of the highlights +2.8 points with clusters from 5,000 documents.
  clusterDocuments: 5000,
};
