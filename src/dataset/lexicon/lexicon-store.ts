import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError, UsageError } from "../../core/errors.ts";
import { type LexiconEntry, type LexiconFile, lexiconFileSchema } from "./lexicon-entry.ts";

/**
 * Lexicons live as JSON files under `<workspace>/lexicons/<name>.json` (format
 * "jobdistill-lexicon", version 1): readable, diffable, and loaded whole in a few milliseconds.
 */
export function lexiconsDir(workspaceDir: string): string {
  return join(workspaceDir, "lexicons");
}

const namePattern = /^[a-z0-9][a-z0-9._-]*$/i;

export function lexiconPath(workspaceDir: string, name: string): string {
  if (!namePattern.test(name)) {
    throw new UsageError(`lexicon name "${name}" must be letters, digits, ".", "_" or "-"`);
  }
  return join(lexiconsDir(workspaceDir), `${name}.json`);
}

export function saveLexicon(
  workspaceDir: string,
  name: string,
  entries: readonly LexiconEntry[],
  importedFrom?: string,
): string {
  const path = lexiconPath(workspaceDir, name);
  mkdirSync(lexiconsDir(workspaceDir), { recursive: true });
  const file: LexiconFile = {
    format: "jobdistill-lexicon",
    version: 1,
    name,
    ...(importedFrom === undefined ? {} : { importedFrom: basename(importedFrom) }),
    importedAt: new Date().toISOString(),
    entries: [...entries],
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

export function loadLexicon(workspaceDir: string, name: string): LexiconFile {
  const path = lexiconPath(workspaceDir, name);
  if (!existsSync(path)) {
    const known = listLexicons(workspaceDir);
    throw new UsageError(
      `no lexicon "${name}" in this workspace (${known.length > 0 ? `have: ${known.join(", ")}` : "import one with `jobdistill lexicon import FILE`"})`,
    );
  }
  const parsed = lexiconFileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new InputError(`${path} is not a lexicon file: ${parsed.error.message}`);
  return parsed.data;
}

export function listLexicons(workspaceDir: string): string[] {
  const dir = lexiconsDir(workspaceDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}
