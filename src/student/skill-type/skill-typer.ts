import { isAbsolute, join } from "node:path";
import { stringify } from "csv-stringify/sync";
import {
  createLexiconLookup,
  type LexiconLookup,
  listLexicons,
  loadLexicon,
  skillTypeOfLexiconKind,
} from "../../dataset/lexicon/index.ts";
import type { Workspace } from "../../store/index.ts";
import type { SkillTypeRow } from "../predictors.ts";
import type { SkillTypeModel } from "./model.ts";
import { loadSkillTypeModel } from "./serialize.ts";

/**
 * Types skill phrases: an exact lexicon match answers with the lexicon's type (source "lexicon",
 * confidence 1); everything else goes to the student (source "model"), which also sees a
 * normalised lexicon match as a feature when it was trained with one.
 */
export function createSkillTyper(
  model: SkillTypeModel,
  lookup?: LexiconLookup,
): { typeSkills(skills: readonly string[]): SkillTypeRow[] } {
  return {
    typeSkills(skills) {
      return skills.map((skill) => {
        const match = lookup?.find(skill);
        if (match?.match === "exact") {
          return {
            skill,
            label: skillTypeOfLexiconKind(match.entry.kind),
            confidence: 1,
            source: "lexicon" as const,
          };
        }
        const prediction = model.predict(skill, match?.entry.kind);
        const label =
          prediction.label === "Hard" || prediction.label === "Soft" ? prediction.label : "Unknown";
        return { skill, label, confidence: prediction.confidence, source: "model" as const };
      });
    },
  };
}

/** Rows as CSV (`skill,label,confidence,source`), quoted where needed. */
export function skillTypeRowsToCsv(rows: readonly SkillTypeRow[]): string {
  return stringify([
    ["skill", "label", "confidence", "source"],
    ...rows.map((row) => [row.skill, row.label, row.confidence.toFixed(4), row.source]),
  ]);
}

/**
 * The workspace's skill typer: the registered skill-type model `name` (default "skill-type") with
 * the workspace lexicon `lexicon` (default "esco" when imported, else the first one, else none).
 * Undefined when no such model is registered.
 */
export function loadWorkspaceSkillTyper(
  workspace: Pick<Workspace, "dir" | "models">,
  options: { name?: string | undefined; lexicon?: string | undefined } = {},
): { typeSkills(skills: readonly string[]): SkillTypeRow[] } | undefined {
  const registered = workspace.models.get(options.name ?? "skill-type");
  if (!registered) return undefined;
  const model = loadSkillTypeModel(
    isAbsolute(registered.path) ? registered.path : join(workspace.dir, registered.path),
  );
  const lexicons = listLexicons(workspace.dir);
  const lexiconName = options.lexicon ?? (lexicons.includes("esco") ? "esco" : lexicons[0]);
  const lookup =
    lexiconName === undefined
      ? undefined
      : createLexiconLookup(loadLexicon(workspace.dir, lexiconName).entries);
  return createSkillTyper(model, lookup);
}
