import type { Command } from "commander";
import { z } from "zod";
import { parseQueueUrl } from "../../teacher/queue/queue-url.ts";
import { runQueueWorker } from "../../workflows/queue-worker.ts";
import type { CliIo } from "../context.ts";
import { durationOption, parseCommandOptions } from "../options.ts";
import { count, interruptHandlers, teacherOptionFields } from "../teacher-options.ts";

const workerOptionsSchema = z.strictObject({
  queue: z.string({ error: "--queue is required" }),
  model: teacherOptionFields.model,
  concurrency: teacherOptionFields.concurrency,
  rpm: teacherOptionFields.rpm,
  tpm: teacherOptionFields.tpm,
  baseUrl: teacherOptionFields.baseUrl,
  apiKey: teacherOptionFields.apiKey,
  timeout: teacherOptionFields.timeout,
  maxRetries: teacherOptionFields.maxRetries,
  lockDuration: durationOption("--lock-duration must be a duration such as 30s or 500ms"),
  stalledInterval: durationOption("--stalled-interval must be a duration such as 30s or 500ms"),
});

export function registerWorkerCommand(program: Command, io: CliIo): void {
  const command = program
    .command("worker")
    .description(
      "Answer the label and predict jobs of a Redis queue, on any machine. `label --queue` and `predict --queue` " +
        "fill the queue and store the results; a worker needs no workspace. Teacher calls use this worker's " +
        "endpoint, key, --rpm/--tpm, retries and --concurrency (jobs at once). A worker that dies mid-job loses " +
        "nothing: after --lock-duration another worker takes its jobs. Ctrl-C or SIGTERM: finish the jobs in flight, then stop.",
    )
    .requiredOption("--queue <url>", "redis://[:password@]host:port[/db]")
    .option("--lock-duration <duration>", "a job is this worker's while it renews its lock this often", "30s")
    .option("--stalled-interval <duration>", "how often to look for jobs of workers that died", "30s");
  command
    .option("--model <name>", "serve only this model (default: each job's model)")
    .option("--concurrency <n>", "jobs at once", "4")
    .option("--rpm <n>", "requests-per-minute limit of this worker's endpoint")
    .option("--tpm <n>", "tokens-per-minute limit of this worker's endpoint")
    .option("--base-url <url>", "OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    .option("--api-key <key>", "API key (env OPENAI_API_KEY); never stored or sent to the queue")
    .option("--timeout <duration>", "per call (60s, 500ms, 2m)", "60s")
    .option("--max-retries <n>", "retries of a failed request (408/409/429/5xx, network, timeout)", "5")
    .addHelpText(
      "after",
      [
        "",
        "--model limits the worker to one model; without it, each job's model (the coordinator's --model) is called.",
        "Generation settings (temperature, output limit) and re-asks after an invalid answer are the coordinator's:",
        "they come with each job.",
        "",
        "Examples:",
        "  $ OPENAI_API_KEY=… jobdistill worker --queue redis://queue-host:6379/0 --rpm 500 --concurrency 8",
        "  $ jobdistill worker --queue redis://:secret@queue-host:6379 --base-url http://localhost:11434/v1 --api-key ollama",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(workerOptionsSchema, raw);
      const connection = parseQueueUrl(options.queue);
      const interrupts = interruptHandlers(io);
      // A second Ctrl-C or SIGTERM: leave now. The jobs in flight are not lost; their locks lapse and
      // another worker takes them after --lock-duration.
      interrupts.hard.signal.addEventListener("abort", () => {
        io.err("worker: leaving the jobs in flight to other workers");
        process.exit(130);
      });
      try {
        const summary = await runQueueWorker({
          connection,
          teacher: {
            provider: "openai",
            model: options.model,
            apiKey: options.apiKey,
            baseUrl: options.baseUrl,
          },
          limits: {
            concurrency: options.concurrency,
            requestsPerMinute: options.rpm,
            tokensPerMinute: options.tpm,
            timeoutMs: options.timeout,
            maxRetries: options.maxRetries,
          },
          lockDurationMs: options.lockDuration,
          stalledIntervalMs: options.stalledInterval,
          signal: interrupts.graceful.signal,
          onEvent: (event) => {
            if (event.type === "ready") {
              io.err(`worker: taking jobs from ${connection.shown} (${event.concurrency} at once)`);
            } else if (event.type === "warning") {
              io.err(`warning: ${event.message}`);
            } else if (event.type === "retry") {
              io.err(`retry ${event.jobId} in ${Math.round(event.delayMs)} ms: ${event.message}`);
            } else if (!event.ok) {
              io.err(`failed: ${event.jobId}: ${event.message ?? ""}`);
            }
          },
        });
        io.out(
          `worker stopped: ${count(summary.jobs)} jobs answered, ${count(summary.failed)} of them failures`,
        );
      } finally {
        interrupts.dispose();
      }
    });
}
