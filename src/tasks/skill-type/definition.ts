import { UsageError } from "../../core/errors.ts";
import { defineTask } from "../task-registry.ts";
import { skillTypeLabels } from "./labels.ts";
import { SKILL_LIST_SOURCE } from "./skill-list.ts";
import { createSkillTypeTask, SKILL_TYPE_TASK, skillTypeBatches } from "./task.ts";

const defaultBatchSize = 25;

/** `label --task skill-type`: the workspace's skill-list documents, in batches per call. */
export const skillTypeTaskDefinition = defineTask({
  name: SKILL_TYPE_TASK,
  description: "Hard or Soft for each imported skill phrase (jobdistill skill-type import)",
  labels: skillTypeLabels,
  defaultBatchSize,
  settings: ["reasoning", "batchSize"],
  prepare: (settings, documents) => {
    const phrases = [...documents.iterate({ source: SKILL_LIST_SOURCE })];
    if (phrases.length === 0) {
      throw new UsageError(
        "no skill phrases in the workspace: jobdistill skill-type import skills.csv --column skill",
      );
    }
    const batchSize = settings.batchSize ?? defaultBatchSize;
    return {
      task: createSkillTypeTask(settings.reasoning === undefined ? {} : { reasoning: settings.reasoning }),
      items: skillTypeBatches(phrases, batchSize),
      runParams: { batchSize, reasoning: Boolean(settings.reasoning), phrases: phrases.length },
    };
  },
});
