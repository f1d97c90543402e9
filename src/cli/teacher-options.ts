import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { redactUrl } from "../core/redact-url.ts";
import { providerNames, type TeacherEvent, type TeacherLimits } from "../teacher/index.ts";
import type { TeacherChoice } from "../workflows/index.ts";
import type { CliIo } from "./context.ts";
import { positiveIntOption, teacherCallOptionFields } from "./options.ts";

export { positiveIntOption as positiveInt } from "./options.ts";

/**
 * The options of a command that runs the teacher over many items (label, generate): how to reach
 * it and the per-call limits (shared with `roles suggest`), plus the model, the pacing and dry run.
 */
export const teacherOptionFields = {
  ...teacherCallOptionFields,
  model: z.string().optional(),
  concurrency: positiveIntOption("--concurrency"),
  rpm: positiveIntOption("--rpm").optional(),
  tpm: positiveIntOption("--tpm").optional(),
  dryRun: z.boolean().optional(),
};

const teacherOptionsSchema = z.object(teacherOptionFields);
export type TeacherCommandOptions = z.infer<typeof teacherOptionsSchema>;

/** Adds the teacher's options (provider, endpoint, limits, retries, dry run, prices) to a command. */
export function addTeacherOptions(command: Command): Command {
  return addTeacherCallOptions(
    command
      .option("--model <name>", "model name (openai) or GGUF path / hf: URI (llama)")
      .option("--concurrency <n>", "calls in flight", "4")
      .option("--rpm <n>", "requests-per-minute limit of the endpoint")
      .option("--tpm <n>", "tokens-per-minute limit of the endpoint")
      .option("--dry-run", "print the items, cache hits and estimated tokens and cost; call nothing"),
    { timeout: "60s" },
  );
}

/**
 * The options `teacherCallOptionFields` reads (provider, endpoint, per-call limits, prices), for every
 * command that calls a teacher: `label` and `generate` through `addTeacherOptions`, `roles suggest` directly.
 */
export function addTeacherCallOptions(command: Command, defaults: { timeout: string }): Command {
  return command
    .option("--provider <name>", `${providerNames.join(" or ")}`, "openai")
    .option("--base-url <url>", "OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    .option("--api-key <key>", "API key (env OPENAI_API_KEY); never stored")
    .option("--threads <n>", "llama: CPU threads (default 1)")
    .option("--context-size <n>", "llama: context window in tokens (default: as much as fits, up to 16384)")
    .option("--timeout <duration>", "per call (60s, 500ms, 2m)", defaults.timeout)
    .option("--max-retries <n>", "retries of a failed request (408/409/429/5xx, network, timeout)", "5")
    .option("--max-repairs <n>", "re-asks after an invalid answer", "2")
    .option("--max-output-tokens <n>", "output-token limit per call")
    .option("--temperature <t>", "sampling temperature")
    .option(
      "--prices <file>",
      'JSON price table overriding the defaults: {"model": {"input": USD/1M, "output": USD/1M}}',
    );
}

/**
 * A base URL as recorded with the run: credentials in its query string are redacted (they are still
 * sent to the endpoint), with a warning that says so.
 */
export function recordedBaseUrl(baseUrl: string | undefined, io: CliIo): string | undefined {
  if (baseUrl === undefined) return undefined;
  const recorded = redactUrl(baseUrl);
  if (recorded.redacted.length > 0) {
    io.err(
      `warning: --base-url carries credentials (${recorded.redacted.join(", ")}): they are sent to the endpoint ` +
        `but recorded with the run as ${recorded.url}; prefer --api-key or OPENAI_API_KEY`,
    );
  }
  return recorded.url;
}

/** The run parameters that record the endpoint (credentials redacted, with the warning). */
export function baseUrlParams(baseUrl: string | undefined, io: CliIo): Record<string, unknown> {
  const recorded = recordedBaseUrl(baseUrl, io);
  return recorded === undefined ? {} : { baseUrl: recorded };
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

/**
 * What every teacher run of a command (online, in provider batches) takes from its options and its
 * live context: limits, prices, the signal that stops it, the progress printer and the endpoint
 * recorded in the run's parameters.
 */
export function teacherRunBasics<Prices>(
  options: TeacherCommandOptions,
  live: {
    prices: Prices;
    signal: AbortSignal;
    progress: { onEvent(event: TeacherEvent): void };
    io: CliIo;
  },
): {
  limits: Partial<TeacherLimits>;
  prices: Prices;
  signal: AbortSignal;
  onEvent: (event: TeacherEvent) => void;
  runParams: Record<string, unknown>;
} {
  return {
    limits: teacherLimitsOf(options),
    prices: live.prices,
    signal: live.signal,
    onEvent: live.progress.onEvent,
    runParams: baseUrlParams(options.baseUrl, live.io),
  };
}

/**
 * Ctrl-C (SIGINT) or SIGTERM (a service manager, a container stop) once: stop taking work, and the
 * run ends "interrupted" with every answer in flight stored. Twice (either signal): abort calls in flight.
 */
export function interruptHandlers(io: CliIo): {
  graceful: AbortController;
  hard: AbortController;
  dispose(): void;
} {
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

/** The run's progress on stderr: a bar when interactive, else one line per start and failure. */
export function teacherProgressPrinter(io: CliIo): { onEvent(event: TeacherEvent): void; stop(): void } {
  let bar: SingleBar | undefined;
  let failed = 0;
  let cached = 0;
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
        // Items another process answered meanwhile (skipped, beyond the cached ones) count as finished too.
        const finished = event.progress.done + event.progress.failed + event.progress.skipped - cached;
        const rate = finished / Math.max(0.001, event.progress.elapsedMs / 1000);
        bar.update(finished, { rate: rate.toFixed(1), failed, cost: money(event.progress.costUsd) });
      }
    },
    stop: () => bar?.stop(),
  };
}
