import { UsageError } from "../../core/errors.ts";
import { defineTask } from "../task-registry.ts";

/**
 * `generate` writes documents rather than labelling them: it is registered so every adapter sees
 * it, but its items come from a spec (`jobdistill generate --spec`), not from the workspace.
 */
export const generateTaskDefinition = defineTask({
  name: "generate",
  description: "synthetic documents from a spec (run it with jobdistill generate, not label)",
  settings: [],
  prepare: () => {
    throw new UsageError(
      "--task generate writes documents instead of labelling them: use jobdistill generate --spec spec.yaml",
    );
  },
});
