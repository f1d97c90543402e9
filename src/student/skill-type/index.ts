export {
  type ConceptAlias,
  type ConceptLinkConfig,
  ConceptLinker,
  conceptLinkConfigSchema,
  conceptStems,
  lightStem,
} from "./concept-linker.ts";
export {
  encoderSkillTypeDefaults,
  labelTrainingDefaults,
  lexiconTrainingDefaults,
  skillTypeStudentDefaults,
} from "./definition.ts";
export {
  calibratedSoft,
  decide,
  type EncoderSkillTypeConfig,
  EncoderSkillTypeModel,
  type EncoderSkillTypePrediction,
  encoderSkillTypeConfigSchema,
  lexicalLogOdds,
  type SkillPhrase,
  type SkillTypeCalibration,
  type SkillTypeDecision,
  skillTypeDecisionSchema,
  withContext,
} from "./encoder-model.ts";
export {
  decodeEncoderSkillTypeModel,
  encodeEncoderSkillTypeModel,
  type LoadEncoderSkillTypeOptions,
  loadEncoderSkillTypeModel,
  saveEncoderSkillTypeModel,
} from "./encoder-serialize.ts";
export {
  type AbstainTarget,
  assembleEncoderSkillTypeModel,
  type CalibrationPhrase,
  type CalibrationScores,
  calibrationLogLoss,
  calibrationScores,
  chooseSkillTypeDecision,
  type DecisionFigures,
  decisionFigures,
  type EncoderSkillTypeTrainingOptions,
  embedDistinct,
  fitSkillTypeCalibration,
  trainEncoderSkillTypeModel,
  trainSkillTypeHead,
} from "./encoder-train.ts";
export {
  defaultSkillTypeFeatureConfig,
  type LexiconHint,
  type SkillTypeFeatureConfig,
  skillTypeFeatures,
} from "./features.ts";
export {
  defaultLexiconLabel,
  type LexiconExampleOptions,
  lexiconTrainingExamples,
  phraseVariants,
} from "./from-lexicon.ts";
export { SkillTypeModel, type SkillTypeModelConfig, type SkillTypePrediction } from "./model.ts";
export { NeighbourIndex, type NeighbourVoteConfig, neighbourVoteConfigSchema } from "./neighbour-vote.ts";
export { softSkillSeedExamples, softSkillSeedPhrases } from "./seed-phrases.ts";
export {
  decodeSkillTypeModel,
  encodeSkillTypeModel,
  loadSkillTypeModel,
  saveSkillTypeModel,
} from "./serialize.ts";
export {
  createEncoderSkillTyper,
  createSkillTyper,
  ENCODER_SKILL_TYPE_KIND,
  loadWorkspaceSkillTyper,
  type SkillTypePhraseTyper,
  skillTypeRowsToCsv,
} from "./skill-typer.ts";
export {
  conceptLinkerOf,
  type SkillTypeExample,
  type SkillTypeTrainingOptions,
  trainSkillTypeModel,
} from "./train.ts";
