import type { Command } from "commander";
import { z } from "zod";
import { evaluate, evaluationSplits } from "../../workflows/index.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const evalTasks = ["requirements", "skills"] as const;

const evalOptionsSchema = z.strictObject({
  task: z.enum(evalTasks, { error: `--task must be one of ${evalTasks.join(", ")}` }),
  against: z.string().min(1).optional(),
  split: z.enum(evaluationSplits, { error: `--split must be one of ${evaluationSplits.join(", ")}` }),
  out: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});

export function registerEvalCommand(program: Command, io: CliIo): void {
  program
    .command("eval")
    .description(
      [
        "Score a task's trained students on documents they did not train on:",
        "span-level strict (same start, end, category) and loose (any overlap)",
        "P/R/F1 per category, micro and macro, for the tagger and the highlights;",
        "segment-level P/R/F1 with a confusion matrix. Against gold, or against the",
        "teacher (agreement; gold beside it where gold exists). Prints Markdown,",
        "writes report.json and report.md, and stores the report with an eval run.",
        "Skills students trained on SkillSpan's official splits are scored against",
        "SkillSpan gold as published first (its tokens, every test sentence: 1,090 + 1",
        "skill and 1,174 knowledge spans), then on the de-duplicated documents, labelled so.",
      ].join("\n"),
    )
    .requiredOption("--task <task>", evalTasks.join(" | "))
    .option(
      "--against <source>",
      "reference: gold, teacher, or an annotation source name (default: gold if any)",
    )
    .option(
      "--split <split>",
      "test or dev of the training dataset, or unseen (neither train nor dev)",
      "test",
    )
    .option(
      "--out <dir>",
      "folder for report.json and report.md (default <workspace>/reports/eval-<task>-<run>)",
    )
    .option("--model <name>", "name prefix given to `train --name` (default: the task)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ jobdistill eval --task requirements",
        "  $ jobdistill eval --task requirements --against teacher --split unseen --out reports/agreement",
        "  $ jobdistill eval --task skills --against skillspan",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(evalOptionsSchema, raw);
      await withReadOnlyWorkspace(command, async (workspace) => {
        const result = await evaluate(workspace, {
          task: options.task,
          split: options.split,
          against: options.against,
          out: options.out,
          name: options.model,
        });
        io.out(result.markdown);
        io.err(`report stored with run ${result.runId}: ${result.files.markdown}, ${result.files.json}`);
      });
    });
}
