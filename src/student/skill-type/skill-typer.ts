import { isAbsolute, join } from "node:path";
import type * as CsvStringifySync from "csv-stringify/sync";
import { lazyModule } from "../../core/lazy-module.ts";
import { skillTypeOfLexiconKind } from "../../dataset/lexicon/label-with-lexicon.ts";
import { createLexiconLookup, type LexiconLookup } from "../../dataset/lexicon/lexicon-lookup.ts";
import { listLexicons, loadLexicon } from "../../dataset/lexicon/lexicon-store.ts";
import type { Workspace } from "../../store/index.ts";
import type { SkillTypeRow } from "../predictors.ts";
import type { EncoderSkillTypeModel } from "./encoder-model.ts";
import { type LoadEncoderSkillTypeOptions, loadEncoderSkillTypeModel } from "./encoder-serialize.ts";
import type { SkillTypeModel } from "./model.ts";
import { loadSkillTypeModel } from "./serialize.ts";

/** Types skill phrases; an encoder-backed typer answers asynchronously, the lexical one at once. */
export interface SkillTypePhraseTyper {
  typeSkills(skills: readonly string[]): SkillTypeRow[] | Promise<SkillTypeRow[]>;
  /** Frees the encoder, if any. */
  close?(): Promise<void>;
}

/** An exact lexicon match's row (the lexicon's type, confidence 1), or undefined. */
function lexiconRow(lookup: LexiconLookup | undefined, skill: string): SkillTypeRow | undefined {
  const match = lookup?.find(skill);
  if (match?.match !== "exact") return undefined;
  return { skill, label: skillTypeOfLexiconKind(match.entry.kind), confidence: 1, source: "lexicon" };
}

/**
 * Types skill phrases with the encoder-backed typer: exact lexicon matches as `createSkillTyper`
 * does; every other phrase (embedded once per call) gets Hard, Soft or Unknown (below the model's
 * abstain threshold) with the calibrated confidence.
 */
export function createEncoderSkillTyper(
  model: EncoderSkillTypeModel,
  lookup?: LexiconLookup,
): SkillTypePhraseTyper {
  return {
    async typeSkills(skills) {
      const rows = skills.map((skill) => lexiconRow(lookup, skill));
      const rest = skills.filter((_, i) => rows[i] === undefined);
      const predictions = await model.predict(rest.map((phrase) => ({ phrase })));
      let next = 0;
      return rows.map((row, i) => {
        if (row) return row;
        const prediction = predictions[next++] as (typeof predictions)[number];
        return {
          skill: skills[i] as string,
          label: prediction.label,
          confidence: prediction.confidence,
          source: "model" as const,
        };
      });
    },
    close: () => model.close(),
  };
}

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
        const exact = lexiconRow(lookup, skill);
        if (exact) return exact;
        const match = lookup?.find(skill);
        const prediction = model.predict(skill, match?.entry.kind);
        const label =
          prediction.label === "Hard" || prediction.label === "Soft" ? prediction.label : "Unknown";
        return { skill, label, confidence: prediction.confidence, source: "model" as const };
      });
    },
  };
}

/** Loaded when rows are written as CSV (predicting does not need it). */
const csvStringifySync = lazyModule<typeof CsvStringifySync>("csv-stringify/sync");

/** Rows as CSV (`skill,label,confidence,source`), quoted where needed. */
export function skillTypeRowsToCsv(rows: readonly SkillTypeRow[]): string {
  return csvStringifySync().stringify([
    ["skill", "label", "confidence", "source"],
    ...rows.map((row) => [row.skill, row.label, row.confidence.toFixed(4), row.source]),
  ]);
}

/** The registry kind of an encoder-backed skill-type model (its model-file kind too). */
export const ENCODER_SKILL_TYPE_KIND = "skill-type-encoder";

/**
 * The workspace's skill typer: the registered skill-type model `name` (default "skill-type") with
 * the workspace lexicon `lexicon` (default "esco" when imported, else the first one, else none).
 * An encoder-backed model (registry kind "skill-type-encoder") loads the encoder its file names and
 * fails here, before any phrase is typed, when that encoder is missing or different.
 * Undefined when no such model is registered.
 */
export async function loadWorkspaceSkillTyper(
  workspace: Pick<Workspace, "dir" | "models">,
  options: {
    name?: string | undefined;
    lexicon?: string | undefined;
    encoder?: LoadEncoderSkillTypeOptions["encoder"];
  } = {},
): Promise<SkillTypePhraseTyper | undefined> {
  const registered = workspace.models.get(options.name ?? "skill-type");
  if (!registered) return undefined;
  const path = isAbsolute(registered.path) ? registered.path : join(workspace.dir, registered.path);
  const lookup = workspaceLookup(workspace, options.lexicon);
  if (registered.kind === ENCODER_SKILL_TYPE_KIND) {
    return createEncoderSkillTyper(
      await loadEncoderSkillTypeModel(path, { encoder: options.encoder }),
      lookup,
    );
  }
  return createSkillTyper(loadSkillTypeModel(path), lookup);
}

function workspaceLookup(
  workspace: Pick<Workspace, "dir">,
  lexicon: string | undefined,
): LexiconLookup | undefined {
  const lexicons = listLexicons(workspace.dir);
  const lexiconName = lexicon ?? (lexicons.includes("esco") ? "esco" : lexicons[0]);
  return lexiconName === undefined
    ? undefined
    : createLexiconLookup(loadLexicon(workspace.dir, lexiconName).entries);
}
