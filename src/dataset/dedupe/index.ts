export {
  type DiversePick,
  type DiversePickOptions,
  pickDiverse,
  type ScoredCandidate,
} from "./diverse-picks.ts";
export {
  estimateJaccard,
  jaccard,
  lshBanding,
  MinHasher,
  NearDuplicateIndex,
  type NearDuplicateMatch,
  type NearDuplicateOptions,
} from "./minhash.ts";
export {
  type GateCounts,
  type GateReason,
  type GateRejection,
  type QualityGateOptions,
  QualityGates,
} from "./quality-gates.ts";
export { SeedCopyDetector, type SeedCopyMatch, type SeedText } from "./seed-copy.ts";
export { comparableWords, wordShingleHashes } from "./words.ts";
