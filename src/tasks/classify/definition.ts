import { UsageError } from "../../core/errors.ts";
import { defineTask } from "../task-registry.ts";
import { createClassifyTask } from "./classify-task.ts";

/** `label --task classify --labels a,b,c`: every document gets one (or, with multi, several) labels. */
export const classifyTaskDefinition = defineTask({
  name: "classify",
  description: "your own labels for whole documents (--labels a,b,c)",
  settings: ["labels", "multi", "instructions", "reasoning"],
  prepare: (settings, documents) => {
    if (settings.labels === undefined) throw new UsageError("--task classify needs --labels a,b,c");
    const labels = settings.labels.map((label) => label.trim());
    const task = createClassifyTask({
      labels,
      multi: settings.multi,
      instructions: settings.instructions,
      reasoning: settings.reasoning,
    });
    return {
      task,
      items: [...documents.iterate()],
      runParams: { labels, multi: Boolean(settings.multi), reasoning: Boolean(settings.reasoning) },
    };
  },
});
