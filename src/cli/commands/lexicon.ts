import type { Command } from "commander";
import { z } from "zod";
import {
  createLexiconLookup,
  labelSkillsWithLexicon,
  listLexicons,
  loadLexicon,
  readEscoSkillsCsv,
  saveLexicon,
} from "../../dataset/lexicon/index.ts";
import { type CliIo, withReadOnlyWorkspace, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const nameOption = z.strictObject({ name: z.string().min(1) });

/**
 * `jobdistill lexicon import|list|label|phrases`: an ESCO skills CSV as a workspace lexicon (JSON
 * under `<workspace>/lexicons/`), used as a labelling source, a student feature and a gazetteer.
 */
export function registerLexiconCommand(program: Command, io: CliIo): void {
  const group = program
    .command("lexicon")
    .description("Skill lexicons (ESCO): import, list, label skill lists with them, export their phrases");

  group
    .command("import")
    .description(
      "Import an ESCO skills CSV: ESCO's own download (conceptUri, skillType, reuseLevel, preferredLabel, " +
        "altLabels, …) or the shared lexicon (preferredLabel, esco_group_code, skillType, coarse_label, …). " +
        "Kinds: coarse_label hard_knowledge/skill_competence → hard, soft → soft, language, unknown; in ESCO's " +
        "download reuseLevel transversal → soft, knowledge and skill/competence → hard. Stored as " +
        "<workspace>/lexicons/<name>.json (an import of the same name replaces it).",
    )
    .argument("<file>", "the CSV file")
    .option("--name <name>", "the lexicon's name in the workspace", "esco")
    .addHelpText(
      "after",
      "\nExample:\n  $ jobdistill lexicon import ../shared/data/esco/esco_skills_lexicon.csv --name esco",
    )
    .action(async (file: string, raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(nameOption, raw);
      const entries = readEscoSkillsCsv(file);
      await withWorkspace(command, (workspace) => {
        const path = saveLexicon(workspace.dir, options.name, entries, file);
        const kinds: Record<string, number> = {};
        for (const entry of entries) kinds[entry.kind] = (kinds[entry.kind] ?? 0) + 1;
        io.out(
          `imported ${entries.length} entries as lexicon "${options.name}" (${Object.entries(kinds)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(", ")}) to ${path}`,
        );
      });
    });

  group
    .command("list")
    .description("List the workspace's lexicons with their sizes")
    .action(async (_raw: Record<string, unknown>, command: Command) => {
      await withReadOnlyWorkspace(command, (workspace) => {
        const names = listLexicons(workspace.dir);
        if (names.length === 0) io.out("no lexicons: jobdistill lexicon import FILE");
        for (const name of names) {
          const file = loadLexicon(workspace.dir, name);
          io.out(
            `${name}\t${file.entries.length} entries\t${file.importedFrom ?? ""}\t${file.importedAt ?? ""}`,
          );
        }
      });
    });

  group
    .command("label")
    .description(
      "Label the workspace's skill-list documents (jobdistill skill-type import) with a lexicon: exact, then " +
        "normalised matches become skill-type annotations with source { kind: lexicon, name }.",
    )
    .option("--name <name>", "the lexicon", "esco")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(nameOption, raw);
      await withWorkspace(command, (workspace) => {
        const lookup = createLexiconLookup(loadLexicon(workspace.dir, options.name).entries);
        const summary = labelSkillsWithLexicon(workspace, lookup, options.name);
        io.out(
          `lexicon "${options.name}" labelled ${summary.exact + summary.normalised} of ${summary.documents} skill phrases ` +
            `(${summary.exact} exact, ${summary.normalised} normalised, ${summary.unmatched} unmatched)`,
        );
      });
    });

  group
    .command("phrases")
    .description("Print every label and alt label, one per line: a gazetteer for the span tagger")
    .option("--name <name>", "the lexicon", "esco")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(nameOption, raw);
      await withReadOnlyWorkspace(command, (workspace) => {
        io.out(createLexiconLookup(loadLexicon(workspace.dir, options.name).entries).phrases().join("\n"));
      });
    });
}
