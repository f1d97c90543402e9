import type { HeadOptions } from "../heads/index.ts";
import type { ChunkingOptions } from "./chunks.ts";

/**
 * The screen students' defaults (`train --task screen` and bench/screen.ts start from these):
 * the recipe's design, a linear SVM over mean-pooled USE-lite chunk vectors with balanced class
 * weights (synthetic sets are balanced, real ones rarely), and a softmax over hashed word uni- and
 * bigrams of the whole document (no character n-grams: documents have words enough). A fifth of
 * the training documents, per label, is held out as dev for early stopping and calibration when
 * no dev set is given.
 */
export const screenStudentDefaults = {
  encoder: "use-lite",
  head: { kind: "linear-svm", classWeights: "balanced" } satisfies HeadOptions,
  ngram: { mode: "multi-class", hashBits: 18, wordNgrams: 2, charNgrams: false, epochs: 10 },
  chunking: {} satisfies ChunkingOptions,
  devFraction: 0.2,
  seed: 1,
} as const;
