import { readFileSync } from "node:fs";
import { extname } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import {
  type LoadPredictorsOptions,
  loadStudentModels,
  predictorsFrom,
} from "../../student/load-predictors.ts";
import type { TextFormat } from "../../student/predictors.ts";
import { taggedConll, visibleText } from "../../student/requirements/index.ts";
import { skillTypeRowsToCsv } from "../../student/skill-type/index.ts";
import { studentModelNames, trainCommandFor } from "../../student/student-model-names.ts";
import { parseSkillList } from "../../tasks/skill-type/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const predictTasks = ["requirements", "skills", "skill-type"] as const;
const outputFormats = ["json", "conll", "csv"] as const;

const predictOptionsSchema = z
  .strictObject({
    task: z.enum(predictTasks, { error: `--task must be one of ${predictTasks.join(", ")}` }),
    model: z.string().min(1).optional(),
    file: z.array(z.string().min(1)).optional(),
    format: z
      .enum(outputFormats, { error: `--format must be one of ${outputFormats.join(", ")}` })
      .optional(),
    html: z.boolean().optional(),
    column: z.string().min(1).optional(),
    lexicon: z.string().min(1).optional(),
  })
  .refine((options) => options.format !== "csv" || options.task === "skill-type", {
    message: "--format csv is for --task skill-type; requirements and skills write json or conll",
  })
  .refine(
    (options) =>
      (options.column === undefined && options.lexicon === undefined) || options.task === "skill-type",
    {
      message: "--column and --lexicon are for --task skill-type",
    },
  )
  .refine((options) => options.format !== "conll" || options.task !== "skill-type", {
    message: "--format conll is for span tasks; --task skill-type writes csv or json",
  });

type PredictOptions = z.infer<typeof predictOptionsSchema>;

interface PredictInput {
  /** "text", "stdin" or the file path. */
  name: string;
  text: string;
  format: TextFormat;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function readInputs(texts: readonly string[], options: PredictOptions): Promise<PredictInput[]> {
  const forced: TextFormat | undefined = options.html ? "html" : undefined;
  if (texts.length > 0 && options.file)
    throw new UsageError("give the text as an argument or with --file, not both");
  if (texts.length > 0) return [{ name: "text", text: texts.join(" "), format: forced ?? "text" }];
  if (options.file) {
    return options.file.map((path) => {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (cause) {
        throw new InputError(`cannot read --file ${path}: ${(cause as Error).message}`, {
          cause,
          data: { path },
        });
      }
      const looksHtml = [".html", ".htm"].includes(extname(path).toLowerCase());
      return { name: path, text, format: forced ?? (looksHtml ? "html" : "text") };
    });
  }
  if (process.stdin.isTTY)
    throw new UsageError("nothing to predict: give TEXT, --file F…, or pipe text into stdin");
  return [{ name: "stdin", text: await readStdin(), format: forced ?? "text" }];
}

export function registerPredictCommand(program: Command, io: CliIo): void {
  program
    .command("predict")
    .description(
      [
        "Run a trained student over text, files or stdin, on CPU, without any LLM.",
        "  requirements  highlights of the ten categories (category, offsets, score)",
        "  skills        skill and knowledge mentions (SkillSpan's layers)",
        "  skill-type    Hard/Soft/Unknown for skill phrases, one per line",
        "Offsets point into the visible text (HTML reduced), which json includes.",
      ].join("\n"),
    )
    .argument("[text...]", "the text to read (skill-type: one skill per argument); else --file, else stdin")
    .requiredOption("--task <task>", predictTasks.join(" | "))
    .option("--model <name>", "name prefix given to `train --name` (default: the task)")
    .option("--file <paths...>", "read these files, one result each (.html/.htm read as HTML)")
    .option("--html", "treat every input as HTML")
    .option("--column <name>", "skill-type: read the skills from this column of CSV input")
    .option(
      "--lexicon <name>",
      "skill-type: the workspace lexicon consulted first (default esco when imported)",
    )
    .option(
      "--format <format>",
      "json (one object per input and line), conll (tokens and tags), csv (skill-type) (default: csv for skill-type, else json)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        '  $ jobdistill predict --task requirements "5+ years of Python. We offer 30 days of holiday."',
        "  $ jobdistill predict --task requirements --file advert.html --format conll",
        "  $ cat adverts/*.txt | jobdistill predict --task skills",
        "  $ jobdistill predict --task skill-type --file skills.txt          # CSV: skill,label,confidence,source",
        "  $ jobdistill predict --task skill-type --file postings.csv --column skill",
      ].join("\n"),
    )
    .action(async (texts: string[], raw: Record<string, unknown>, command: Command) => {
      const parsed = parseCommandOptions(predictOptionsSchema, raw);
      const options = { ...parsed, format: parsed.format ?? (parsed.task === "skill-type" ? "csv" : "json") };
      const inputs = await readInputs(texts, options);
      const task = options.task;
      const names: LoadPredictorsOptions =
        task === "requirements"
          ? { requirements: options.model ?? task }
          : task === "skills"
            ? { skills: options.model ?? task }
            : {
                skillType: options.model ?? task,
                ...(options.lexicon === undefined ? {} : { lexicon: options.lexicon }),
              };
      await withWorkspace(command, async (workspace) => {
        const students = await loadStudentModels(workspace, names);
        const predictors = predictorsFrom(students, names);
        if (task === "skill-type") {
          // Arguments are one skill each; files and stdin hold one per line, or a CSV column (--column).
          const skills =
            texts.length > 0
              ? texts.map((text) => text.trim()).filter(Boolean)
              : inputs.flatMap((input) =>
                  parseSkillList(input.text, options.column === undefined ? {} : { column: options.column }),
                );
          const rows = predictors.typeSkills(skills);
          io.out(
            options.format === "csv"
              ? skillTypeRowsToCsv(rows).trimEnd()
              : rows.map((row) => JSON.stringify(row)).join("\n"),
          );
          return;
        }
        if (options.format === "conll") {
          const tagger = task === "requirements" ? students.requirements?.tagger : students.skills;
          if (!tagger) {
            throw new UsageError(
              `no trained ${task} tagger ("${studentModelNames(task, options.model ?? task).tagger}"): run \`${trainCommandFor(task)}\` first`,
            );
          }
          io.out(
            inputs.flatMap((input) => taggedConll(tagger, visibleText(input.text, input.format))).join("\n"),
          );
          return;
        }
        for (const input of inputs) {
          const result =
            task === "requirements"
              ? predictors.highlight({ text: input.text, format: input.format })
              : predictors.extractSkills({ text: input.text, format: input.format });
          io.out(JSON.stringify({ input: input.name, ...result }));
        }
      });
    });
}
