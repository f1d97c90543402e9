import { SKILL_LIST_SOURCE } from "../skill-type/skill-list.ts";
import { defineTask } from "../task-registry.ts";
import { chunkSourceDocument } from "./chunk.ts";
import { REQUIREMENT_LABELS_VERSION, requirementCategoryIds } from "./labels.ts";
import { requirementsTask, requirementsTaskName } from "./task.ts";

/** `label --task requirements`: every advert (skill lists left out), cut into overlapping chunks. */
export const requirementsTaskDefinition = defineTask({
  name: requirementsTaskName,
  description: "quotes of an advert's requirements by category, aligned to the text",
  labels: requirementCategoryIds,
  settings: [],
  prepare: (_settings, documents) => ({
    task: requirementsTask,
    // Long adverts are cut into overlapping chunks so nothing past a context limit is ignored.
    items: [...documents.iterate()]
      .filter((document) => document.source !== SKILL_LIST_SOURCE)
      .flatMap((document) => chunkSourceDocument(document)),
    runParams: { labelsVersion: REQUIREMENT_LABELS_VERSION },
  }),
});
