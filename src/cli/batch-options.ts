import type { Command } from "commander";
import { z } from "zod";
import type { StoredBatch } from "../store/index.ts";
import { DEFAULT_BATCH_PRICE_FACTOR, defaultRetryPolicy, type PriceTable } from "../teacher/index.ts";
import {
  type BatchEvent,
  type BatchLabellingOptions,
  type BatchLabellingResult,
  throwIfRunUnfinished,
} from "../workflows/index.ts";
import type { CliIo } from "./context.ts";
import { durationOption, positiveIntOption } from "./options.ts";
import {
  count,
  type TeacherCommandOptions,
  type teacherProgressPrinter,
  teacherRunBasics,
} from "./teacher-options.ts";

/** The options of provider batches, shared by `label --batch` and `batches collect`. */
export const batchOptionFields = {
  wait: z.boolean().optional(),
  pollInterval: durationOption("--poll-interval must be a duration such as 30s or 500ms"),
  batchMaxRequests: positiveIntOption("--batch-max-requests").optional(),
  batchMaxBytes: positiveIntOption("--batch-max-bytes").optional(),
  retryOnline: z.boolean().optional(),
  batchPriceFactor: z.coerce.number("--batch-price-factor must be a number").min(0).max(1),
};
const batchOptionsSchema = z.object(batchOptionFields);
type BatchCommandOptions = z.infer<typeof batchOptionsSchema>;

export function addBatchOptions(command: Command): Command {
  return command
    .option(
      "--wait",
      "with --batch: poll until every batch is collected (else submit, collect what is finished, return)",
    )
    .option("--poll-interval <duration>", "with --wait: time between polls", "30s")
    .option("--batch-max-requests <n>", "requests per batch at most (default 50000, the provider's limit)")
    .option(
      "--batch-max-bytes <n>",
      "bytes of a batch's input file at most (default 200 MB, the provider's limit)",
    )
    .option(
      "--retry-online",
      "answers that fail or do not validate are asked again online, not in a follow-up batch",
    )
    .option(
      "--batch-price-factor <x>",
      "batch price as a fraction of the online price, for the ledger",
      String(DEFAULT_BATCH_PRICE_FACTOR),
    );
}

/** What `label --batch` and `batches collect` pass the workflow, from their options. */
export function batchLabellingOptionsOf(
  options: BatchCommandOptions & TeacherCommandOptions,
  context: {
    io: CliIo;
    prices: PriceTable;
    signal: AbortSignal;
    progress: ReturnType<typeof teacherProgressPrinter>;
  },
): Omit<BatchLabellingOptions, "model" | "params"> {
  return {
    ...teacherRunBasics(options, context),
    retry: { ...defaultRetryPolicy, maxRetries: options.maxRetries },
    onBatchEvent: batchEventPrinter(context.io),
    wait: options.wait,
    pollIntervalMs: options.pollInterval,
    maxRequestsPerBatch: options.batchMaxRequests,
    maxBytesPerBatch: options.batchMaxBytes,
    retryOnline: options.retryOnline,
    batchPriceFactor: options.batchPriceFactor,
  };
}

/** A non-zero exit for an interrupted call or items that failed for good. */
export function throwIfUnfinished(results: readonly BatchLabellingResult[]): void {
  throwIfRunUnfinished({
    interrupted: results.some((result) => result.interrupted),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
  });
}

const batchName = (batch: StoredBatch): string =>
  `batch ${batch.id}${batch.providerBatchId ? ` (${batch.providerBatchId})` : ""}`;

/** One stderr line per submission and collection. */
export function batchEventPrinter(io: CliIo): (event: BatchEvent) => void {
  return (event) => {
    if (event.type === "batch-submitted")
      io.err(`submitted ${batchName(event.batch)}: ${count(event.batch.requests)} requests`);
    if (event.type === "batch-collected") {
      io.err(
        `collected ${batchName(event.batch)} (${event.batch.providerStatus ?? "?"}): ${count(event.answered)} answers, ${count(event.errors)} errors`,
      );
    }
  };
}

export function renderBatchResult(result: BatchLabellingResult): string {
  const waitingIn = result.open.length === 0 ? "" : ` in ${count(result.open.length)} open batch(es)`;
  return (
    `batches: ${count(result.submitted)} submitted now, ${count(result.open.length)} open; ` +
    `${count(result.labelled)} labelled, ${count(result.failed)} failed, ${count(result.waiting)} waiting${waitingIn}` +
    (result.open.length > 0 ? " (collect later: jobdistill batches collect, or rerun with --batch)" : "")
  );
}

/** `jobdistill batches`: one row per batch. */
export function batchTable(batches: readonly StoredBatch[]): string[][] {
  return [
    ["id", "provider id", "task", "model", "state", "status", "requests", "completed", "failed", "created"],
    ...batches.map((batch) => [
      String(batch.id),
      batch.providerBatchId ?? "",
      batch.task,
      `${batch.provider}/${batch.model}`,
      batch.state,
      batch.providerStatus ?? "",
      String(batch.requests),
      String(batch.completed),
      String(batch.failed),
      batch.createdAt,
    ]),
  ];
}
