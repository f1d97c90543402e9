import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import {
  exportLabelStudio,
  importDemoGold,
  importLabelStudio,
  importRequirementsCorpusGold,
  importSkillSpanGold,
} from "../../dataset/index.ts";
import type { Workspace } from "../../store/index.ts";
import { markAsAlias } from "../alias.ts";
import { type CliIo, withReadOnlyWorkspace, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const goldFormats = ["skillspan", "label-studio", "demo", "requirements-corpus"] as const;

const importOptionsSchema = z.strictObject({
  format: z.enum(goldFormats),
  task: z.string().min(1).optional(),
  sourceKind: z.enum(["gold", "human"]),
  name: z.string().min(1).optional(),
  includePredictions: z.boolean().optional(),
});
const exportOptionsSchema = z.strictObject({
  format: z.literal("label-studio").optional(),
  task: z.string().min(1),
  source: z.string().min(1).optional(),
});

function importGold(
  workspace: Workspace,
  files: readonly string[],
  options: z.infer<typeof importOptionsSchema>,
  io: CliIo,
): void {
  if (options.format === "demo") {
    if (files.length > 0) throw new UsageError("--format demo imports the built-in corpus: give no files");
    const summary = importDemoGold(workspace);
    io.out(
      `demo corpus: ${summary.adverts} adverts (${summary.documentsInserted} new), ${summary.spans} gold spans for task "requirements" (source gold "demo")`,
    );
    return;
  }
  if (options.format === "requirements-corpus") {
    if (files.length > 1)
      throw new UsageError(
        "--format requirements-corpus takes at most one file (default: the shipped corpus)",
      );
    const summary = importRequirementsCorpusGold(workspace, files[0]);
    const splits = Object.entries(summary.bySplit)
      .map(([split, count]) => `${count} ${split}`)
      .join(", ");
    io.out(
      `requirements corpus: ${summary.postings} real postings (${splits}; ${summary.documentsInserted} new), ${summary.spans} gold spans for task "requirements" (source gold "requirements-corpus")`,
    );
    return;
  }
  if (files.length === 0) throw new UsageError(`--format ${options.format} needs at least one file`);
  if (options.format === "skillspan") {
    if (options.task !== undefined && options.task !== "skills") {
      throw new UsageError('--task: SkillSpan is imported as task "skills"');
    }
    const summary = importSkillSpanGold(workspace, files);
    const spans = Object.entries(summary.spans)
      .map(([layer, count]) => `${count} ${layer}`)
      .join(", ");
    io.out(
      `SkillSpan: ${summary.sentences} sentences, ${spans} spans; ${summary.documentsInserted} new documents, ` +
        `${summary.duplicateSentences} sentences sharing a document with an identical one, ${summary.idConflicts} id conflicts (task "skills", source gold "skillspan")`,
    );
    return;
  }
  for (const file of files) {
    const summary = importLabelStudio(workspace, file, {
      sourceKind: options.sourceKind,
      task: options.task,
      sourceName: options.name,
      ...(options.includePredictions ? { includePredictions: true } : {}),
    });
    io.out(
      `${file}: ${summary.tasks} tasks, ${summary.annotations} annotations with ${summary.spans} spans ` +
        `(${summary.documentsInserted} new documents, ${summary.documentsExisting} existing); ${summary.unannotated} unannotated, ` +
        `${summary.skippedResults} non-span results skipped, ${summary.offsetMismatches} offset/text mismatches, ${summary.badTasks.length} bad tasks`,
    );
    for (const bad of summary.badTasks.slice(0, 10))
      io.err(`  task #${bad.index}: ${bad.reason.replaceAll("\n", " ")}`);
  }
}

function exportAction(io: CliIo) {
  return async (out: string, raw: unknown, command: Command): Promise<void> => {
    const options = parseCommandOptions(exportOptionsSchema, raw);
    await withReadOnlyWorkspace(command, (workspace) => {
      const summary = exportLabelStudio(workspace, {
        task: options.task,
        out,
        source: options.source,
      });
      io.out(
        `wrote ${summary.tasks} Label Studio tasks with ${summary.spans} predicted spans (${summary.source}) to ${summary.out}; labeling config: ${summary.configPath}`,
      );
    });
  };
}

const exportHelp = [
  "",
  "The tasks carry the spans as predictions (model_version = source); the labeling config XML written",
  "beside OUT.json sets up a project to review and correct them. Re-import the reviewed export with",
  "`jobdistill gold import --format label-studio`; tasks keep data.doc_id, so labels return to their documents.",
  "",
  "Examples:",
  "  $ jobdistill export label-studio --task requirements review.json",
  "  $ jobdistill export label-studio --task requirements --source gold review.json",
].join("\n");

/** `gold import`, and `export label-studio` (with `gold export` its alias). */
export function registerGoldCommand(program: Command, io: CliIo): void {
  const gold = program
    .command("gold")
    .description("Human annotations in and out: SkillSpan, Label Studio, the built-in demo corpus.");
  gold
    .command("import")
    .description("Import gold annotations with their documents: SkillSpan, Label Studio, or the demo corpus.")
    .argument(
      "[files...]",
      "files to import (none for --format demo; requirements-corpus defaults to the shipped corpus)",
    )
    .requiredOption("--format <format>", `one of ${goldFormats.join(", ")}`)
    .option("--task <task>", 'task of Label Studio annotations (default "requirements")')
    .option("--source-kind <kind>", "Label Studio annotations are gold or human", "gold")
    .option("--name <name>", 'source name for Label Studio annotations (default "label-studio")')
    .option("--include-predictions", "Label Studio: use a task's predictions when it has no annotation")
    .addHelpText(
      "after",
      [
        "",
        'skillspan: JSON lines or CoNLL, task "skills", layers skill and knowledge, source gold "skillspan".',
        'label-studio: a Label Studio JSON export (data.text + labels results), source gold "label-studio".',
        'demo: the built-in hand-annotated adverts, task "requirements", source gold "demo".',
        "SkillSpan: identical sentences share one document; every sentence is kept in the annotation's",
        "occurrences, so the counts stay the published ones (dev: 3,174 sentences, 1,070 skill, 1,093 knowledge spans).",
        "",
        "Examples:",
        "  $ jobdistill gold import --format demo",
        "  $ jobdistill gold import --format requirements-corpus",
        "  $ jobdistill gold import --format skillspan ../shared/data/skillspan/json/dev.json",
        "  $ jobdistill gold import --format label-studio --task requirements reviewed.json",
      ].join("\n"),
    )
    .action(async (files: string[], raw: unknown, command: Command) => {
      const options = parseCommandOptions(importOptionsSchema, raw);
      await withWorkspace(command, (workspace) => importGold(workspace, files, options, io));
    });
  // One export, one name: `export label-studio` (it exports teacher labels as often as gold ones);
  // `gold export` stays as an alias.
  const labelStudioExport = (command: Command): Command =>
    command
      .description("Export stored annotations for review in Label Studio (import format with predictions).")
      .argument("<out>", "tasks JSON file to write")
      .requiredOption("--task <task>", "task whose annotations to export")
      .option(
        "--source <source>",
        "teacher, gold, human, or a source name (default: teacher if present, else gold)",
      )
      .addHelpText("after", exportHelp)
      .action(exportAction(io));
  const existing = program.commands.find((command) => command.name() === "export");
  const exportCommand =
    existing ?? program.command("export").description("Export stored data for other tools.");
  labelStudioExport(exportCommand.command("label-studio"));

  markAsAlias(
    labelStudioExport(gold.command("export").option("--format <format>", "export format", "label-studio")),
    "export label-studio",
    io,
  );
}
