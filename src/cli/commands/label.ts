import type { Command } from "commander";
import { z } from "zod";
import { describeAlignmentStats } from "../../align/index.ts";
import { UsageError } from "../../core/errors.ts";
import { taskRegistry } from "../../tasks/registry.ts";
import {
  type LanguageModel,
  loadPrices,
  type PriceTable,
  type TeacherRunSummary,
} from "../../teacher/index.ts";
import { parseQueueUrl } from "../../teacher/queue/queue-url.ts";
import {
  type ActiveLearningTask,
  activeLearningTasks,
  createTeacher,
  labelInBatches,
  planLabelling,
  type RunLabellingOptions,
  runActiveLearning,
  runLabelling,
  selectionStrategies,
  throwIfRunUnfinished,
} from "../../workflows/index.ts";
import {
  addBatchOptions,
  batchLabellingOptionsOf,
  batchOptionFields,
  renderBatchResult,
  throwIfUnfinished,
} from "../batch-options.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { durationOption, parseCommandOptions } from "../options.ts";
import {
  addTeacherOptions,
  baseUrlParams,
  count,
  interruptHandlers,
  money,
  positiveInt,
  teacherChoiceOf,
  teacherLimitsOf,
  teacherOptionFields,
  teacherProgressPrinter,
  teacherRunBasics,
} from "../teacher-options.ts";

const labelOptionsSchema = z.strictObject({
  task: z.string({ error: "--task is required" }),
  labels: z.string().optional(),
  batchSize: positiveInt("--batch-size").optional(),
  multi: z.boolean().optional(),
  instructions: z.string().optional(),
  reasoning: z.boolean().optional(),
  limit: positiveInt("--limit").optional(),
  sample: positiveInt("--sample").optional(),
  seed: z.coerce.number().int("--seed must be a whole number").optional(),
  select: z.enum(selectionStrategies, { error: "--select must be uncertain or random" }).optional(),
  budget: positiveInt("--budget").optional(),
  rounds: positiveInt("--rounds").optional(),
  poolSplits: z.string().optional(),
  ...teacherOptionFields,
  leaseTtl: durationOption("--lease-ttl must be a duration such as 30s or 500ms"),
  batch: z.boolean().optional(),
  ...batchOptionFields,
  queue: z.string().optional(),
  queueJobs: positiveInt("--queue-jobs").optional(),
});

export type LabelCommandOptions = z.infer<typeof labelOptionsSchema>;

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

export function registerLabelCommand(program: Command, io: CliIo): void {
  const command = program
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
    .option("--limit <n>", "only the first N items")
    .option("--sample <n>", "N items drawn at random (see --seed)")
    .option("--seed <s>", "seed of --sample and of --select", "1")
    .option(
      "--select <strategy>",
      "active learning (skills, requirements): buy --budget documents in --rounds, each round after the first " +
        "picking what the student trained so far is least sure of (uncertain) or a random draw (random, the control)",
    )
    .option("--budget <n>", "--select: documents to buy labels for, over all rounds")
    .option("--rounds <n>", "--select: rounds (default 5); every round is a run in the ledger")
    .option(
      "--pool-splits <list>",
      "--select: choose only among documents of these splits (meta.split), e.g. train",
    )
    .option(
      "--lease-ttl <duration>",
      "several label processes on one workspace split the items; one that stops for this long (or dies) leaves its items to the others",
      "30s",
    )
    .option(
      "--batch",
      "through the provider's Batch API (half price, answers within 24 h): submit, and collect on a rerun or with batches collect",
    )
    .option(
      "--queue <url>",
      "redis://[:password@]host:port[/db]: the calls become jobs that `jobdistill worker`s answer; this process stores the answers",
    )
    .option("--queue-jobs <n>", "with --queue: jobs in the queue at once (default 256)");
  addBatchOptions(addTeacherOptions(command))
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
        "  $ jobdistill label --task classify --labels tech,health,other --model gpt-4o-mini --batch",
        "  $ jobdistill batches            # their status; rerun the label command (or batches collect) to collect",
        "  $ jobdistill label --task requirements --model gpt-4o-mini --select uncertain --budget 60 --rounds 4",
        "  $ jobdistill label --task classify --labels a,b --model gpt-4o-mini --queue redis://queue-host:6379/0",
        "      (and on any machine: jobdistill worker --queue redis://queue-host:6379/0 --base-url … --rpm 500)",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(labelOptionsSchema, raw);
      const prices = loadPrices(options.prices);
      if (options.select !== undefined) {
        if (options.batch || options.queue !== undefined) {
          throw new UsageError(
            "--select trains between rounds and labels online: leave out --batch and --queue",
          );
        }
        await labelActively(command, io, options);
        return;
      }
      await withWorkspace(command, async (workspace) => {
        const planOptions = {
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
        };
        if (options.batch && options.queue !== undefined) {
          throw new UsageError("--batch and --queue are two ways to label: choose one");
        }
        if (options.batch) {
          if (options.dryRun) {
            throw new UsageError(
              "--dry-run estimates the online run: leave out --batch (a batch costs --batch-price-factor of it)",
            );
          }
          const model = await createTeacher(teacherChoiceOf(options, io));
          const interrupts = interruptHandlers(io);
          const progress = teacherProgressPrinter(io);
          let result: Awaited<ReturnType<typeof labelInBatches>>;
          try {
            result = await labelInBatches(workspace, planOptions, {
              ...batchLabellingOptionsOf(options, {
                io,
                prices,
                signal: interrupts.graceful.signal,
                progress,
              }),
              model,
              params: { temperature: options.temperature, maxOutputTokens: options.maxOutputTokens },
            });
          } finally {
            progress.stop();
            interrupts.dispose();
            await model.close?.();
          }
          io.out(renderBatchResult(result));
          if (result.alignment) io.out(`alignment of this run's ${describeAlignmentStats(result.alignment)}`);
          throwIfUnfinished([result]);
          return;
        }
        const plan = planLabelling(workspace, planOptions);
        const queue = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
        const model =
          queue === undefined
            ? await createTeacher(teacherChoiceOf(options, io))
            : await (await import("../../workflows/queue-teacher.ts")).openQueueTeacher(options, queue, {
                onWarning: (message) => io.err(`warning: ${message}`),
              });
        const limits = teacherLimitsOf(options);
        if (queue) {
          // Pacing is each worker's; here it is how many jobs wait in the queue at once.
          limits.concurrency = options.queueJobs ?? 256;
          limits.requestsPerMinute = undefined;
          limits.tokensPerMinute = undefined;
        }
        const interrupts = interruptHandlers(io);
        const progress = teacherProgressPrinter(io);
        let labelled: Awaited<ReturnType<typeof runLabelling>>;
        try {
          labelled = await runLabelling(workspace, plan, {
            ...teacherRunOptions(options, { model, prices, interrupts, progress, io }),
            limits,
            // With a queue the first Ctrl-C stops the waiting at once: the jobs stay in Redis, the
            // workers finish them, and the rerun collects them; nothing in flight is lost.
            abortSignal: queue ? interrupts.graceful.signal : interrupts.hard.signal,
            ...(queue === undefined
              ? {}
              : { runParams: { ...baseUrlParams(options.baseUrl, io), queue: queue.shown } }),
            ...(options.dryRun ? { dryRun: true } : {}),
          });
        } finally {
          progress.stop();
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
        throwIfRunUnfinished(summary);
      });
    });
}

/** The options every online labelling run of this command shares. */
function teacherRunOptions(
  options: LabelCommandOptions,
  live: {
    model: LanguageModel;
    prices: PriceTable | undefined;
    interrupts: ReturnType<typeof interruptHandlers>;
    progress: ReturnType<typeof teacherProgressPrinter>;
    io: CliIo;
  },
): RunLabellingOptions {
  return {
    ...teacherRunBasics(options, { ...live, signal: live.interrupts.graceful.signal }),
    model: live.model,
    abortSignal: live.interrupts.hard.signal,
    params: { temperature: options.temperature, maxOutputTokens: options.maxOutputTokens },
    leaseTtlMs: options.leaseTtl,
  };
}

async function labelActively(command: Command, io: CliIo, options: LabelCommandOptions): Promise<void> {
  const { select: strategy, budget, task } = options;
  if (strategy === undefined) return;
  if (budget === undefined)
    throw new UsageError("--select needs --budget N (documents to buy over all rounds)");
  if (options.limit !== undefined || options.sample !== undefined) {
    throw new UsageError("--select chooses the documents itself; leave out --limit and --sample");
  }
  if (options.dryRun) throw new UsageError("--select trains between rounds, so it has no --dry-run estimate");
  if (!(activeLearningTasks as readonly string[]).includes(task)) {
    throw new UsageError(
      `--select works with --task ${activeLearningTasks.join(" or ")} (a task with a span student)`,
    );
  }
  const prices = loadPrices(options.prices);
  await withWorkspace(command, async (workspace) => {
    const model = await createTeacher(teacherChoiceOf(options, io));
    const interrupts = interruptHandlers(io);
    const progress = teacherProgressPrinter(io);
    try {
      await runActiveLearning(workspace, {
        ...teacherRunOptions(options, { model, prices, interrupts, progress, io }),
        task: task as ActiveLearningTask,
        strategy,
        budget,
        rounds: options.rounds,
        seed: options.seed,
        splits: options.poolSplits?.split(","),
        onRound: (round) => {
          const evaluation = round.evaluation
            ? `, ${round.evaluation.metric} ${(100 * round.evaluation.f1).toFixed(1)} on ${count(round.evaluation.documents)} held-out (${round.evaluation.against})`
            : "";
          io.out(
            `round ${round.round} (run ${round.runId}${round.resumed ? ", done earlier" : ""}): bought ${count(round.picks.length)} documents, ` +
              `${count(round.documentsLabelled)} labelled in all, cost ${money(round.costUsd)}, selection ${round.selectionSeconds.toFixed(2)} s, ` +
              `training ${round.trainSeconds.toFixed(1)} s${evaluation}`,
          );
        },
      });
    } finally {
      progress.stop();
      interrupts.dispose();
      await model.close?.();
    }
  });
}
