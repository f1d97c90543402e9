import { requirementCategories } from "../tasks/requirements/labels.ts";
import { skillSpanLayers } from "./formats/skill-span.ts";

/** A task's span labels as datasets and review tools show them. */
export interface TaskLabel {
  id: string;
  /** Display name, used in pair queries ("Example of Hard skills"). */
  name: string;
  color?: string;
}

/**
 * The label set of a span task: the requirement categories, SkillSpan's two layers, or for any
 * other task the labels found in its annotations (sorted, so the order is stable).
 */
export function taskLabels(task: string, observed: Iterable<string> = []): TaskLabel[] {
  if (task === "requirements") {
    return requirementCategories.map((category) => ({
      id: category.id,
      name: category.name,
      color: category.color,
    }));
  }
  if (task === "skills") {
    return skillSpanLayers.map((layer) => ({ id: layer, name: layer === "skill" ? "Skill" : "Knowledge" }));
  }
  return [...new Set(observed)].sort().map((id) => ({ id, name: id }));
}
