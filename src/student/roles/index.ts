export { argMax, type RankingMetrics, rankingMetrics, rankOf, topIndexes } from "./ranking-metrics.ts";
export {
  fuseScores,
  LoadedRolesPredictor,
  type RolesConfig,
  RolesModel,
  type RolesStudent,
  rolesConfigSchema,
  softmax,
} from "./roles-model.ts";
export {
  decodeRolesModel,
  encodeRolesModel,
  type LoadRolesOptions,
  loadRolesPredictor,
  saveRolesModel,
} from "./serialize.ts";
export { normalisePhrase } from "./text-features.ts";
export {
  type FitRolesOptions,
  fitRolesModel,
  type RolesTrainingProgress,
  type RolesValidationReport,
  type TitleValidationReport,
  type TrainedRoles,
} from "./train.ts";
