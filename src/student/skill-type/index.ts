export {
  type ConceptAlias,
  type ConceptLinkConfig,
  ConceptLinker,
  conceptLinkConfigSchema,
  conceptStems,
  lightStem,
} from "./concept-linker.ts";
export { labelTrainingDefaults, lexiconTrainingDefaults, skillTypeStudentDefaults } from "./definition.ts";
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
export { createSkillTyper, loadWorkspaceSkillTyper, skillTypeRowsToCsv } from "./skill-typer.ts";
export {
  conceptLinkerOf,
  type SkillTypeExample,
  type SkillTypeTrainingOptions,
  trainSkillTypeModel,
} from "./train.ts";
