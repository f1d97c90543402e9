export { rolesAdviceTaskDefinition } from "./definition.ts";
export {
  type AdviceCandidate,
  type AdviceProblems,
  type AdvisedRoleAnswer,
  adviceIssues,
  adviceProblems,
  createRolesAdviceTask,
  type MatchLevel,
  matchLevels,
  normaliseSkillName,
  ROLES_ADVICE_TASK,
  type RolesAdviceInput,
  type RolesAdviceOutput,
  type RolesAdviceTaskOptions,
  rolesAdviceFingerprint,
  rolesAdviceOutputSchema,
} from "./task.ts";
