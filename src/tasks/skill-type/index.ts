export {
  type NormalisedSkillType,
  normaliseSkillTypeAnswer,
  type SkillTypeLabel,
  skillTypeDefinitions,
  skillTypeLabels,
} from "./labels.ts";
export { normaliseSkillPhrase, singularise } from "./normalise-skill.ts";
export {
  parseSkillList,
  SKILL_LIST_SOURCE,
  skillDocumentId,
  type UniqueSkillPhrases,
  uniqueSkillPhrases,
} from "./skill-list.ts";
export {
  createSkillTypeTask,
  idIssues,
  SKILL_TYPE_TASK,
  type SkillTypeAnnotationData,
  type SkillTypeBatch,
  type SkillTypeOutput,
  type SkillTypeTaskOptions,
  skillTypeAnnotations,
  skillTypeBatches,
  skillTypeOutputSchema,
} from "./task.ts";
