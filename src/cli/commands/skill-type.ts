import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import type { Workspace } from "../../store/index.ts";
import type { SkillTypeRow } from "../../student/predictors.ts";
import { loadWorkspaceSkillTyper, skillTypeRowsToCsv } from "../../student/skill-type/index.ts";
import { parseSkillList, uniqueSkillPhrases } from "../../tasks/skill-type/index.ts";
import {
  type TrainedSkillType,
  trainEncoderSkillTypeInWorkspace,
  trainSkillTypeInWorkspace,
} from "../../workflows/index.ts";
import { markAsAlias } from "../alias.ts";
import { type CliIo, withReadOnlyWorkspace, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Skill phrases from a file (or "-" / no file: stdin), one per line or a CSV column. */
export async function readSkillPhrases(
  input: string | undefined,
  column: string | undefined,
): Promise<string[]> {
  let text: string;
  if (input === undefined || input === "-") {
    if (process.stdin.isTTY) throw new UsageError("no skills: give --input FILE or pipe a list into stdin");
    text = await readStdin();
  } else {
    try {
      text = readFileSync(input, "utf8");
    } catch (cause) {
      throw new InputError(`cannot read --input ${input}: ${(cause as Error).message}`, { cause });
    }
  }
  return parseSkillList(text, column === undefined ? {} : { column });
}

/**
 * Types skill phrases with the workspace's skill-type student (exact lexicon matches answered by
 * the lexicon) and returns the rows; `jobdistill predict --task skill-type` prints them as CSV.
 */
export async function predictSkillTypes(
  workspace: Workspace,
  phrases: readonly string[],
  options: { model?: string | undefined; lexicon?: string | undefined } = {},
): Promise<SkillTypeRow[]> {
  const typer = await loadWorkspaceSkillTyper(workspace, { name: options.model, lexicon: options.lexicon });
  if (!typer) {
    throw new UsageError(
      `no trained skill-type student ("${options.model ?? "skill-type"}") in this workspace: run \`jobdistill skill-type train\` first`,
    );
  }
  try {
    return await typer.typeSkills(phrases);
  } finally {
    await typer.close?.();
  }
}

const predictOptionsSchema = z.strictObject({
  input: z.string().min(1).optional(),
  column: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  lexicon: z.string().min(1).optional(),
});

const trainOptionsSchema = z.strictObject({
  from: z.string().min(1),
  lexicon: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  seed: z.coerce.number().int("--seed must be a whole number"),
  seeds: z.boolean(),
  encoder: z.string().min(1).optional(),
});

const importOptionsSchema = z.strictObject({
  column: z.string().min(1).optional(),
  name: z.string().optional(),
});

/** `predict --task skill-type`'s body: reads the list, types it, prints CSV. */
export function addSkillTypePredictOptions(command: Command, io: CliIo): Command {
  return command
    .option("--input <file>", "a list (one skill per line) or a CSV with --column; default stdin")
    .option("--column <name>", "the CSV column holding the skills")
    .option("--model <name>", "the registered skill-type student", "skill-type")
    .option("--lexicon <name>", "workspace lexicon consulted first (default esco when imported)")
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(predictOptionsSchema, raw);
      const phrases = await readSkillPhrases(options.input, options.column);
      await withReadOnlyWorkspace(command, async (workspace) => {
        const rows = await predictSkillTypes(workspace, phrases, {
          model: options.model,
          lexicon: options.lexicon,
        });
        io.out(skillTypeRowsToCsv(rows).trimEnd());
      });
    });
}

/** `train --task skill-type`'s body, for the integrator's train command and `skill-type train`. */
export async function trainSkillTypeFromCli(
  workspace: Workspace,
  options: {
    from: string;
    lexicon?: string | undefined;
    name?: string | undefined;
    seed?: number | undefined;
    seeds?: boolean | undefined;
    encoder?: string | undefined;
  },
): Promise<TrainedSkillType> {
  const common = {
    workspace,
    from: options.from,
    lexicon: options.lexicon,
    name: options.name,
    seed: options.seed,
    seedPhrases: options.seeds,
  };
  return options.encoder === undefined
    ? trainSkillTypeInWorkspace(common)
    : trainEncoderSkillTypeInWorkspace({ ...common, encoder: options.encoder });
}

export function renderSkillTypeTraining(trained: TrainedSkillType): string {
  return (
    `trained skill-type student "${trained.name}" in ${(trained.durationMs / 1000).toFixed(1)} s (run ${trained.runId}) ` +
    `on ${trained.examples} phrases (${Object.entries(trained.counts)
      .map(([label, count]) => `${label} ${count}`)
      .join(", ")}); saved to ${trained.path}\n  next: jobdistill predict --task skill-type --file skills.txt`
  );
}

/**
 * `jobdistill skill-type import|train|predict`: a skill list into the workspace (documents with
 * source "skill-list", one per unique phrase, for `label --task skill-type`), the student, and
 * typing a list to CSV.
 */
export function registerSkillTypeCommand(program: Command, io: CliIo): void {
  const group = program
    .command("skill-type")
    .description("Hard/Soft skill typing: import a skill list, train the student, type phrases to CSV");

  group
    .command("import")
    .description(
      "Store a skill list as documents (source skill-list), deduplicated by case, whitespace and simple plurals, " +
        "so `jobdistill label --task skill-type` can type them and resume after an interruption.",
    )
    .argument(
      "<file>",
      'one skill per line (a first line "skill" or "skills" is a header), or a CSV: its "skill" or "skills" column, or the one --column names',
    )
    .option("--column <name>", "the CSV column holding the skills")
    .option("--name <list>", "a name kept with each phrase (meta.list)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobdistill skill-type import skills.csv --column skill\n  $ jobdistill label --task skill-type --model gpt-4o-mini",
    )
    .action(async (file: string, raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(importOptionsSchema, raw);
      const phrases = await readSkillPhrases(file, options.column);
      const { documents } = uniqueSkillPhrases(phrases, options.name);
      await withWorkspace(command, (workspace) => {
        const results = workspace.documents.insertMany(documents);
        const inserted = results.filter((result) => result.status === "inserted").length;
        io.out(
          `imported ${phrases.length} skill phrases: ${documents.length} unique, ${inserted} new, ${documents.length - inserted} already stored`,
        );
      });
    });

  group
    .command("train")
    .description(
      "Train the skill-type student (hashed character n-grams and words, logistic regression, seeded) and register it.\n" +
        "  --from lexicon   the workspace lexicon's types (plus hand-written soft-skill seed phrases)\n" +
        "  --from teacher   stored teacher labels of the skill-type task (the lexicon, if any, is a feature)\n" +
        "  --from gold      stored gold labels; or any source name",
    )
    .option("--from <source>", "lexicon | teacher | gold | a source name", "lexicon")
    .option("--lexicon <name>", "workspace lexicon (default esco)")
    .option("--name <name>", "registry name", "skill-type")
    .option("--seed <n>", "training seed", "1")
    .option("--no-seeds", "leave out the hand-written soft-skill seed phrases")
    .option(
      "--encoder <id>",
      "a pretrained sentence encoder under the typer (use-lite, hf:<id or folder>, openai:<model>); it says Unknown when unsure",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobdistill lexicon import ../shared/data/esco/esco_skills_lexicon.csv && jobdistill skill-type train\n" +
        "  $ jobdistill skill-type train --from teacher --name skill-type-llm\n" +
        "  $ jobdistill skill-type train --encoder use-lite",
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(trainOptionsSchema, raw);
      await withWorkspace(command, async (workspace) => {
        io.out(renderSkillTypeTraining(await trainSkillTypeFromCli(workspace, options)));
      });
    });

  markAsAlias(
    addSkillTypePredictOptions(
      group
        .command("predict")
        .description("Type skill phrases on CPU and write CSV: skill,label,confidence,source (lexicon|model)")
        .addHelpText(
          "after",
          "\nExamples:\n  $ jobdistill predict --task skill-type --file skills.txt\n  $ jobdistill predict --task skill-type --file jobs.csv --column skill > typed.csv\n  $ echo 'team player' | jobdistill predict --task skill-type",
        ),
      io,
    ),
    "predict --task skill-type",
    io,
    "--input is --file there",
  );
}
