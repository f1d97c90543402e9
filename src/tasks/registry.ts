import { classifyTaskDefinition } from "./classify/definition.ts";
import { generateTaskDefinition } from "./generate/definition.ts";
import { requirementsTaskDefinition } from "./requirements/definition.ts";
import { rolesAdviceTaskDefinition } from "./roles-advice/definition.ts";
import { skillTypeTaskDefinition } from "./skill-type/definition.ts";
import { skillsTaskDefinition } from "./skills/definition.ts";
import { TaskRegistry } from "./task-registry.ts";

export {
  type DocumentSource,
  defineTask,
  type LabelTaskSetting,
  type LabelTaskSettings,
  type PreparedTask,
  type TaskDefinition,
  TaskRegistry,
} from "./task-registry.ts";

/**
 * Every task `jobdistill label` knows, each declared in its own folder (`definition.ts`). A
 * library user may register more: `taskRegistry.register(defineTask({ … }))`.
 */
export const taskRegistry = new TaskRegistry([
  requirementsTaskDefinition,
  skillTypeTaskDefinition,
  skillsTaskDefinition,
  classifyTaskDefinition,
  rolesAdviceTaskDefinition,
  generateTaskDefinition,
]);
