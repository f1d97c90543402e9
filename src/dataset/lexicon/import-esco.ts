import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import type { LexiconEntry, LexiconKind } from "./lexicon-entry.ts";

/**
 * Reads an ESCO skills CSV into lexicon entries. Two layouts are accepted:
 *
 * - the shared lexicon (`preferredLabel, esco_group_code, skillType, coarse_label, …`): `coarse_label`
 *   decides — hard_knowledge and skill_competence → hard, soft → soft, language → language,
 *   unknown → unknown;
 * - ESCO's official download (`conceptUri, skillType, reuseLevel, preferredLabel, altLabels, …`,
 *   altLabels one per line): reuseLevel "transversal" → soft (ESCO's transversal skills and
 *   competences are its attitudes, values and thinking skills); a concept in a language scheme
 *   (`inScheme`/`broaderConceptUri` naming "language") → language; otherwise skillType "knowledge"
 *   → hard and "skill/competence" → hard; no skillType → unknown.
 */
export function parseEscoSkillsCsv(text: string): LexiconEntry[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true });
  const rows = z.array(z.record(z.string(), z.string())).parse(records);
  const first = rows[0];
  if (!first) throw new InputError("the ESCO CSV has no rows");
  if (!("preferredLabel" in first)) {
    throw new InputError(
      `the ESCO CSV has no preferredLabel column (columns: ${Object.keys(first).join(", ")})`,
    );
  }
  const entries: LexiconEntry[] = [];
  for (const row of rows) {
    const label = (row.preferredLabel ?? "").trim();
    if (label.length === 0) continue;
    entries.push("coarse_label" in row ? fromSharedRow(label, row) : fromOfficialRow(label, row));
  }
  return entries;
}

export function readEscoSkillsCsv(path: string): LexiconEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read ${path}`, { cause });
  }
  try {
    return parseEscoSkillsCsv(text);
  } catch (cause) {
    if (cause instanceof InputError) throw new InputError(`${path}: ${cause.message}`, { cause });
    throw new InputError(`${path} is not a readable CSV: ${String(cause)}`, { cause });
  }
}

const coarseToKind: Record<string, LexiconKind> = {
  hard_knowledge: "hard",
  skill_competence: "hard",
  soft: "soft",
  language: "language",
  unknown: "unknown",
};

function fromSharedRow(label: string, row: Record<string, string>): LexiconEntry {
  const coarse = (row.coarse_label ?? "").trim();
  const entry: LexiconEntry = {
    label,
    altLabels: splitAltLabels(row.altLabels),
    kind: coarseToKind[coarse] ?? "unknown",
  };
  if (coarse) entry.coarse = coarse;
  setIfPresent(entry, "skillType", row.skillType);
  setIfPresent(entry, "groupCode", row.esco_group_code);
  setIfPresent(entry, "uri", row.conceptUri);
  if (row["in_esco1.2_transversal_collection"] !== undefined) {
    entry.transversal = row["in_esco1.2_transversal_collection"] === "1";
  }
  return entry;
}

function fromOfficialRow(label: string, row: Record<string, string>): LexiconEntry {
  const skillType = (row.skillType ?? "").trim();
  const reuseLevel = (row.reuseLevel ?? "").trim().toLowerCase();
  const schemes = `${row.inScheme ?? ""} ${row.broaderConceptUri ?? ""}`.toLowerCase();
  const transversal = reuseLevel === "transversal";
  let kind: LexiconKind = "unknown";
  if (transversal) kind = "soft";
  else if (schemes.includes("language")) kind = "language";
  else if (skillType === "knowledge" || skillType === "skill/competence") kind = "hard";
  const entry: LexiconEntry = { label, altLabels: splitAltLabels(row.altLabels), kind, transversal };
  setIfPresent(entry, "skillType", skillType);
  setIfPresent(entry, "uri", row.conceptUri);
  return entry;
}

function splitAltLabels(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/\r?\n|\|/)
    .map((alt) => alt.trim())
    .filter((alt) => alt.length > 0);
}

function setIfPresent(
  entry: LexiconEntry,
  key: "skillType" | "groupCode" | "uri",
  value: string | undefined,
): void {
  const trimmed = value?.trim();
  if (trimmed) entry[key] = trimmed;
}
