export { goldSkillsAnswer, type SkillsReplayDocument, skillsReplayAnswers } from "./replay-answers.ts";
export {
  buildSkillsSystemPrompt,
  createSkillsTask,
  SKILLS_TASK,
  type SkillLayer,
  type SkillsOutput,
  type SkillsTaskOptions,
  skillLayerDefinitions,
  skillLayers,
  skillsOutputSchema,
} from "./task.ts";
