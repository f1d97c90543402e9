import { writeFileSync } from "node:fs";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { type JudgeableTask, judgeableTasks } from "../../evaluate/judge/index.ts";
import { providerNames, type TeacherEvent } from "../../teacher/index.ts";
import { formatJudgeSpend, judgeLabels } from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const positiveInt = (option: string) =>
  z.coerce
    .number({ error: `${option} must be a whole number` })
    .int(`${option} must be a whole number`)
    .positive(`${option} must be positive`);

const judgeOptionsSchema = z.strictObject({
  task: z.enum(judgeableTasks, { error: `--task must be one of ${judgeableTasks.join(", ")}` }),
  sample: positiveInt("--sample"),
  stratify: z.enum(["label", "category", "none"], { error: "--stratify must be label, category or none" }),
  seed: z.coerce.number().int("--seed must be a whole number"),
  judgeModel: z.string({ error: "--judge-model is required" }).min(1),
  provider: z.enum(providerNames, { error: `--provider must be one of ${providerNames.join(", ")}` }),
  baseUrl: z.string().url("--base-url must be a URL").optional(),
  apiKey: z.string().optional(),
  threads: positiveInt("--threads").optional(),
  contextSize: positiveInt("--context-size").optional(),
  labeller: z.string().min(1).optional(),
  batchSize: positiveInt("--batch-size"),
  concurrency: positiveInt("--concurrency"),
  markdown: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

/**
 * `jobdistill judge`: a second model grades a stratified sample of stored labels; the report
 * (accuracy per class with Wilson 95% intervals, Cohen's kappa, agreement with gold where there is
 * gold) is printed as Markdown and stored with the run.
 */
export function registerJudgeCommand(program: Command, io: CliIo): void {
  program
    .command("judge")
    .description(
      "Audit stored labels with a second LLM (LLM-as-judge). A stratified sample of the labeller's labels " +
        "(skill-type: phrase + label; requirements: quote + category) is judged correct/incorrect with the " +
        "judge's own label and a reason. Calls are cached and costed like labelling (run kind judge), so a " +
        "rerun resumes. Reports accuracy per class with Wilson 95% intervals; overall, weighted by each class's " +
        "share of the labels (the estimate for all of them) and pooled (unweighted, labelled as such); Cohen's " +
        "kappa between labeller and judge, and, where gold exists, the judge's own agreement with gold. " +
        "A run that judged nothing fails (exit 1) and says what it spent.",
    )
    .requiredOption("--task <task>", judgeableTasks.join(" | "))
    .requiredOption("--judge-model <model>", "the judge: a model name (openai) or a GGUF path (llama)")
    .option("--sample <n>", "labels to judge", "100")
    .option(
      "--stratify <by>",
      "label (= category for requirements): equal numbers per label; none: uniform",
      "label",
    )
    .option("--seed <n>", "sampling seed", "1")
    .option("--provider <provider>", providerNames.join(" | "), "openai")
    .option("--base-url <url>", "OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    .option("--api-key <key>", "API key (env OPENAI_API_KEY)")
    .option("--threads <n>", "llama: CPU threads")
    .option("--context-size <n>", "llama: context window in tokens (default: as much as fits, up to 16384)")
    .option("--labeller <source>", "whose labels (provider/model); default the teacher with most labels")
    .option("--batch-size <n>", "items per judge call", "10")
    .option("--concurrency <n>", "calls in flight", "4")
    .option("--markdown <file>", "also write the Markdown report to this file")
    .option("--json", "print the report as JSON instead of Markdown")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ jobdistill judge --task skill-type --sample 100 --stratify label --judge-model gpt-4o",
        "  $ jobdistill judge --task requirements --sample 200 --judge-model qwen2.5-7b --base-url http://localhost:8080/v1",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(judgeOptionsSchema, raw);
      let bar: SingleBar | undefined;
      const onEvent = (event: TeacherEvent): void => {
        if (event.type === "warning") io.err(`warning: ${event.message}`);
        if (event.type === "start") {
          io.err(
            `judge run ${event.runId}: ${event.total} batches, ${event.cached} cached, ${event.toDo} to do`,
          );
          if (io.interactive && event.toDo > 0) {
            bar = new SingleBar({
              format: "{bar} {value}/{total} judge calls",
              stream: process.stderr,
              hideCursor: true,
            });
            bar.start(event.toDo, 0);
          }
        }
        if (event.type === "item-failed" && !bar) io.err(`failed: ${event.itemId}: ${event.message}`);
        if (event.type === "progress") bar?.update(event.progress.done + event.progress.failed);
      };
      try {
        await withWorkspace(command, async (workspace) => {
          const result = await judgeLabels({
            workspace,
            judgedTask: options.task as JudgeableTask,
            judge: {
              provider: options.provider,
              model: options.judgeModel,
              apiKey: options.apiKey,
              baseUrl: options.baseUrl,
              threads: options.threads,
              contextSize: options.contextSize,
            },
            sample: options.sample,
            stratify: options.stratify === "none" ? "none" : "label",
            seed: options.seed,
            batchSize: options.batchSize,
            limits: { concurrency: options.concurrency },
            onEvent,
            labeller: options.labeller,
          });
          bar?.stop();
          if (options.markdown) writeFileSync(options.markdown, result.markdown);
          io.out(options.json ? JSON.stringify(result.report, null, 2) : result.markdown.trimEnd());
          io.err(
            `judge run ${result.summary.runId}: ${result.report.judged} judged, ${result.summary.failed} failed calls; ` +
              `spent ${formatJudgeSpend(result.spend)}; report stored with the run`,
          );
        });
      } finally {
        bar?.stop();
      }
    });
}
