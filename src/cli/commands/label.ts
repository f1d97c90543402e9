import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { describeAlignmentStats } from "../../align/index.ts";
import { JobdistillError } from "../../core/errors.ts";
import { redactUrl } from "../../core/redact-url.ts";
import { taskRegistry } from "../../tasks/registry.ts";
import { loadPrices, providerNames, type TeacherEvent, type TeacherRunSummary } from "../../teacher/index.ts";
import { createTeacher, planLabelling, runLabelling } from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

/** "60s", "500ms", "2m" or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(value * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000));
}

const positiveInt = (option: string) =>
  z.coerce
    .number({ error: `${option} must be a whole number` })
    .int(`${option} must be a whole number`)
    .positive(`${option} must be positive`);

/** A positive duration option, in milliseconds. */
const duration = (message: string) =>
  z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return ms;
  });

const labelOptionsSchema = z.strictObject({
  task: z.string({ error: "--task is required" }),
  labels: z.string().optional(),
  batchSize: positiveInt("--batch-size").optional(),
  multi: z.boolean().optional(),
  instructions: z.string().optional(),
  reasoning: z.boolean().optional(),
  provider: z.enum(providerNames, { error: `--provider must be one of ${providerNames.join(", ")}` }),
  model: z.string().optional(),
  baseUrl: z.string().url("--base-url must be a URL").optional(),
  apiKey: z.string().optional(),
  threads: positiveInt("--threads").optional(),
  contextSize: positiveInt("--context-size").optional(),
  concurrency: positiveInt("--concurrency"),
  rpm: positiveInt("--rpm").optional(),
  tpm: positiveInt("--tpm").optional(),
  timeout: duration("--timeout must be a duration such as 60s, 500ms or 2m"),
  maxRetries: z.coerce
    .number()
    .int("--max-retries must be a whole number")
    .min(0, "--max-retries must be ≥ 0"),
  maxRepairs: z.coerce
    .number()
    .int("--max-repairs must be a whole number")
    .min(0, "--max-repairs must be ≥ 0"),
  maxOutputTokens: positiveInt("--max-output-tokens").optional(),
  temperature: z.coerce.number("--temperature must be a number").min(0).max(2).optional(),
  limit: positiveInt("--limit").optional(),
  sample: positiveInt("--sample").optional(),
  seed: z.coerce.number().int("--seed must be a whole number").optional(),
  dryRun: z.boolean().optional(),
  prices: z.string().optional(),
  leaseTtl: duration("--lease-ttl must be a duration such as 30s or 500ms"),
});

export type LabelCommandOptions = z.infer<typeof labelOptionsSchema>;

const money = (usd: number): string => `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
const count = (n: number): string => n.toLocaleString("en-US");

function renderSummary(summary: TeacherRunSummary): string {
  return (
    `${summary.interrupted ? "interrupted" : "finished"} run ${summary.runId}: ` +
    `${count(summary.done)} labelled, ${count(summary.skipped)} cached, ${count(summary.failed)} failed` +
    `${summary.remaining > 0 ? `, ${count(summary.remaining)} left for the next run` : ""} of ${count(summary.total)} ` +
    `in ${(summary.durationMs / 1000).toFixed(1)} s; tokens ${count(summary.tokensIn)} in / ${count(summary.tokensOut)} out; ` +
    `cost ${money(summary.costUsd)}` +
    (summary.failed > 0 ? ` (see: jobdistill failures --run ${summary.runId})` : "")
  );
}

/**
 * Ctrl-C (SIGINT) or SIGTERM (a service manager, a container stop) once: stop taking work, and the
 * run ends "interrupted" with every answer in flight stored. Twice (either signal): abort calls in flight.
 */
function interruptHandlers(io: CliIo): { graceful: AbortController; hard: AbortController; dispose(): void } {
  const graceful = new AbortController();
  const hard = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!graceful.signal.aborted) {
      graceful.abort();
      io.err(
        `stopping: finishing the calls in flight (${signal}; press Ctrl-C or send SIGTERM again to abort them)`,
      );
    } else {
      hard.abort();
    }
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return {
    graceful,
    hard,
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}

export function registerLabelCommand(program: Command, io: CliIo): void {
  program
    .command("label")
    .description(
      "Label the workspace's documents with a teacher LLM. Every call is cached: a rerun skips what is done, " +
        "so an interrupted run (Ctrl-C, SIGTERM, a crash) continues where it stopped. Failures are stored (jobdistill failures).",
    )
    .requiredOption("--task <name>", `the task: ${taskRegistry.names().join(", ")}`)
    .option("--labels <list>", "classify: the label set, comma-separated")
    .option("--batch-size <n>", "skill-type: phrases per call (default 25)")
    .option("--multi", "classify: any number of labels per document")
    .option("--instructions <text>", "classify: extra guidance for the model")
    .option("--reasoning", "classify: ask for a short reasoning before the label (stored, never a label)")
    .option("--provider <name>", `${providerNames.join(" or ")}`, "openai")
    .option("--model <name>", "model name (openai) or GGUF path / hf: URI (llama)")
    .option("--base-url <url>", "OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    .option("--api-key <key>", "API key (env OPENAI_API_KEY); never stored")
    .option("--threads <n>", "llama: CPU threads (default 1)")
    .option("--context-size <n>", "llama: context window in tokens (default: as much as fits, up to 16384)")
    .option("--concurrency <n>", "calls in flight", "4")
    .option("--rpm <n>", "requests-per-minute limit of the endpoint")
    .option("--tpm <n>", "tokens-per-minute limit of the endpoint")
    .option("--timeout <duration>", "per call (60s, 500ms, 2m)", "60s")
    .option("--max-retries <n>", "retries of a failed request (408/409/429/5xx, network, timeout)", "5")
    .option("--max-repairs <n>", "re-asks after an invalid answer", "2")
    .option("--max-output-tokens <n>", "output-token limit per call")
    .option("--temperature <t>", "sampling temperature")
    .option("--limit <n>", "only the first N items")
    .option("--sample <n>", "N items drawn at random (see --seed)")
    .option("--seed <s>", "seed of --sample", "1")
    .option("--dry-run", "print the items, cache hits and estimated tokens and cost; call nothing")
    .option(
      "--prices <file>",
      'JSON price table overriding the defaults: {"model": {"input": USD/1M, "output": USD/1M}}',
    )
    .option(
      "--lease-ttl <duration>",
      "several label processes on one workspace split the items; one that stops for this long (or dies) leaves its items to the others",
      "30s",
    )
    .addHelpText(
      "after",
      [
        "",
        "Tasks:",
        ...taskRegistry.list().map((task) => `  ${task.name.padEnd(14)}${task.description}`),
        "",
        "Examples:",
        "  $ jobdistill label --task classify --labels tech,health,other --model gpt-4o-mini --dry-run",
        "  $ jobdistill label --task classify --labels tech,health,other --model gpt-4o-mini --sample 20 --seed 7",
        "  $ jobdistill label --task classify --labels remote,onsite,hybrid \\",
        "      --provider openai --base-url http://localhost:11434/v1 --model qwen2.5:7b --api-key ollama",
        "  $ jobdistill label --task classify --labels a,b --provider llama --model ./model.gguf --threads 2",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(labelOptionsSchema, raw);
      const prices = loadPrices(options.prices);
      await withWorkspace(command, async (workspace) => {
        const plan = planLabelling(workspace, {
          task: options.task,
          settings: {
            labels: options.labels?.split(","),
            multi: options.multi,
            instructions: options.instructions,
            reasoning: options.reasoning,
            batchSize: options.batchSize,
          },
          selection: {
            limit: options.limit,
            sample: options.sample,
            seed: options.seed,
          },
        });
        const model = await createTeacher({
          provider: options.provider,
          model: options.model,
          apiKey: options.apiKey,
          baseUrl: options.baseUrl,
          threads: options.threads,
          contextSize: options.contextSize,
          onDowngrade: (from, to) => io.err(`the endpoint rejected ${from} output: using ${to} for this run`),
        });
        const recordedBaseUrl = options.baseUrl === undefined ? undefined : redactUrl(options.baseUrl);
        if (recordedBaseUrl !== undefined && recordedBaseUrl.redacted.length > 0) {
          io.err(
            `warning: --base-url carries credentials (${recordedBaseUrl.redacted.join(", ")}): they are sent to the endpoint ` +
              `but recorded with the run as ${recordedBaseUrl.url}; prefer --api-key or OPENAI_API_KEY`,
          );
        }
        const interrupts = interruptHandlers(io);
        let bar: SingleBar | undefined;
        let failed = 0;
        let cached = 0;
        const onEvent = (event: TeacherEvent): void => {
          if (event.type === "warning") io.err(`warning: ${event.message}`);
          if (event.type === "start") {
            cached = event.cached;
            io.err(`run ${event.runId}: ${event.total} items, ${event.cached} cached, ${event.toDo} to do`);
            if (io.interactive && event.toDo > 0) {
              bar = new SingleBar({
                format: "{bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed} | {cost}",
                stream: process.stderr,
                hideCursor: true,
              });
              bar.start(event.toDo, 0, { rate: "0.0", failed: 0, cost: money(0) });
            }
          }
          if (event.type === "item-failed") {
            failed++;
            if (!bar) io.err(`failed: ${event.itemId}: ${event.message}`);
          }
          if (event.type === "progress" && bar) {
            // Items another process answered meanwhile count as finished here too.
            const finished = event.progress.done + event.progress.failed + event.progress.skipped - cached;
            const rate = finished / Math.max(0.001, event.progress.elapsedMs / 1000);
            bar.update(finished, { rate: rate.toFixed(1), failed, cost: money(event.progress.costUsd) });
          }
        };
        let labelled: Awaited<ReturnType<typeof runLabelling>>;
        try {
          labelled = await runLabelling(workspace, plan, {
            model,
            limits: {
              concurrency: options.concurrency,
              timeoutMs: options.timeout,
              maxRetries: options.maxRetries,
              maxRepairs: options.maxRepairs,
              requestsPerMinute: options.rpm,
              tokensPerMinute: options.tpm,
            },
            prices,
            signal: interrupts.graceful.signal,
            abortSignal: interrupts.hard.signal,
            onEvent,
            ...(options.dryRun ? { dryRun: true } : {}),
            params: {
              temperature: options.temperature,
              maxOutputTokens: options.maxOutputTokens,
            },
            runParams: recordedBaseUrl === undefined ? {} : { baseUrl: recordedBaseUrl.url },
            leaseTtlMs: options.leaseTtl,
          });
        } finally {
          bar?.stop();
          interrupts.dispose();
          await model.close?.();
        }
        const { summary, alignment } = labelled;
        if (summary.estimate) {
          const estimate = summary.estimate;
          io.out(
            [
              `dry run: ${plan.task.name} with ${model.provider}/${model.modelId}`,
              `items: ${count(estimate.items)}, cached: ${count(estimate.cached)}, to do: ${count(estimate.toDo)}`,
              `estimated tokens: ${count(estimate.inputTokens)} in, ${count(estimate.outputTokens)} out (at most)`,
              `estimated cost: ${estimate.costUsd === undefined ? "unknown (no price for this model; see --prices)" : money(estimate.costUsd)}`,
            ].join("\n"),
          );
          return;
        }
        io.out(renderSummary(summary));
        if (alignment) io.out(`alignment of this run's ${describeAlignmentStats(alignment)}`);
        if (summary.interrupted) {
          throw new JobdistillError("interrupted: rerun the same command to continue", {
            code: "interrupted",
          });
        }
        if (summary.failed > 0) {
          throw new JobdistillError(
            `${summary.failed} of ${summary.total} items failed (see: jobdistill failures --run ${summary.runId}); ` +
              "rerun the same command to try them again",
            { code: "label-failed" },
          );
        }
      });
    });
}
