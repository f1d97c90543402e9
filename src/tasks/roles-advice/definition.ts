import { UsageError } from "../../core/errors.ts";
import { defineTask } from "../task-registry.ts";
import { matchLevels, ROLES_ADVICE_TASK } from "./task.ts";

/**
 * Registered under its name like every task, so adapters find it in one list; its items are
 * people's questions, one per request, not the workspace's documents, so `label` cannot run it.
 */
export const rolesAdviceTaskDefinition = defineTask({
  name: ROLES_ADVICE_TASK,
  description:
    "career advice on the roles student's top roles (per request: jobdistill roles suggest --advisor-model)",
  labels: matchLevels,
  settings: [],
  prepare: () => {
    throw new UsageError(
      `${ROLES_ADVICE_TASK} answers one person's question at a time and does not label documents: ` +
        'use jobdistill roles suggest --model roles.model --skills "…" --advisor-model MODEL, or POST /v1/roles/advice',
    );
  },
});
