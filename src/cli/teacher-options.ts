import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { providerNames, type TeacherEvent, type TeacherLimits } from "../teacher/index.ts";
import type { TeacherChoice } from "../workflows/index.ts";
import type { CliIo } from "./context.ts";

/** "60s", "500ms", "2m" or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(value * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000));
}

export const positiveInt = (option: string) =>
  z.coerce
    .number({ error: `${option} must be a whole number` })
    .int(`${option} must be a whole number`)
    .positive(`${option} must be positive`);

/** The teacher's options, shared by every command that calls one (label, generate). */
export const teacherOptionFields = {
  provider: z.enum(providerNames, { error: `--provider must be one of ${providerNames.join(", ")}` }),
  model: z.string().optional(),
  baseUrl: z.string().url("--base-url must be a URL").optional(),
  apiKey: z.string().optional(),
  threads: positiveInt("--threads").optional(),
  contextSize: positiveInt("--context-size").optional(),
  concurrency: positiveInt("--concurrency"),
  rpm: positiveInt("--rpm").optional(),
  tpm: positiveInt("--tpm").optional(),
  timeout: z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      context.addIssue({ code: "custom", message: "--timeout must be a duration such as 60s, 500ms or 2m" });
      return z.NEVER;
    }
    return ms;
  }),
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
  dryRun: z.boolean().optional(),
  prices: z.string().optional(),
};

const teacherOptionsSchema = z.object(teacherOptionFields);
export type TeacherCommandOptions = z.infer<typeof teacherOptionsSchema>;

/** Adds the teacher's options (provider, endpoint, limits, retries, dry run, prices) to a command. */
export function addTeacherOptions(command: Command): Command {
  return command
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
    .option("--dry-run", "print the items, cache hits and estimated tokens and cost; call nothing")
    .option(
      "--prices <file>",
      'JSON price table overriding the defaults: {"model": {"input": USD/1M, "output": USD/1M}}',
    );
}

/** A base URL as recorded with the run: any user:password in it is dropped. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

export const money = (usd: number): string => `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
export const count = (n: number): string => n.toLocaleString("en-US");

export function teacherChoiceOf(options: TeacherCommandOptions, io: CliIo): TeacherChoice {
  return {
    provider: options.provider,
    model: options.model,
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    threads: options.threads,
    contextSize: options.contextSize,
    onDowngrade: (from, to) => io.err(`the endpoint rejected ${from} output: using ${to} for this run`),
  };
}

export function teacherLimitsOf(options: TeacherCommandOptions): Partial<TeacherLimits> {
  return {
    concurrency: options.concurrency,
    timeoutMs: options.timeout,
    maxRetries: options.maxRetries,
    maxRepairs: options.maxRepairs,
    requestsPerMinute: options.rpm,
    tokensPerMinute: options.tpm,
  };
}

/** Ctrl-C once: stop taking work. Twice: abort calls in flight. */
export function interruptHandlers(io: CliIo): {
  graceful: AbortController;
  hard: AbortController;
  dispose(): void;
} {
  const graceful = new AbortController();
  const hard = new AbortController();
  const onSigint = (): void => {
    if (!graceful.signal.aborted) {
      graceful.abort();
      io.err("stopping: finishing the calls in flight (press Ctrl-C again to abort them)");
    } else {
      hard.abort();
    }
  };
  process.on("SIGINT", onSigint);
  return { graceful, hard, dispose: () => process.off("SIGINT", onSigint) };
}

/** The run's progress on stderr: a bar when interactive, else one line per start and failure. */
export function teacherProgressPrinter(io: CliIo): { onEvent(event: TeacherEvent): void; stop(): void } {
  let bar: SingleBar | undefined;
  let failed = 0;
  const warned = new Set<string>();
  return {
    onEvent: (event) => {
      // A command may run the engine more than once (generate's top-up rounds): each warning once.
      if (event.type === "warning" && !warned.has(event.message)) {
        warned.add(event.message);
        io.err(`warning: ${event.message}`);
      }
      if (event.type === "start") {
        bar?.stop();
        bar = undefined;
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
        const finished = event.progress.done + event.progress.failed;
        const rate = finished / Math.max(0.001, event.progress.elapsedMs / 1000);
        bar.update(finished, { rate: rate.toFixed(1), failed, cost: money(event.progress.costUsd) });
      }
    },
    stop: () => bar?.stop(),
  };
}
