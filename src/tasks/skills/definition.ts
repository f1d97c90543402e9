import { SKILL_LIST_SOURCE } from "../skill-type/skill-list.ts";
import { defineTask } from "../task-registry.ts";
import { createSkillsTask, SKILLS_TASK, skillLayers } from "./task.ts";

/** `label --task skills`: every advert (skill-list phrases left out). */
export const skillsTaskDefinition = defineTask({
  name: SKILLS_TASK,
  description: "skill and knowledge mentions in each advert",
  labels: skillLayers,
  settings: [],
  prepare: (_settings, documents) => ({
    task: createSkillsTask(),
    items: [...documents.iterate()].filter((document) => document.source !== SKILL_LIST_SOURCE),
  }),
});
