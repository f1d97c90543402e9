import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type AlignmentStats, alignmentStatsOfPayloads } from "../align/index.ts";
import { JobdistillError, UsageError } from "../core/errors.ts";
import { hashValue, sha256Hex } from "../core/hash.ts";
import type { CallCache, CallFailureRecord } from "../core/ports.ts";
import type { StoredBatch, Workspace } from "../store/index.ts";
import { BatchAnswersModel } from "../teacher/batch-answers-model.ts";
import { type BatchApi, finishedBatchStatuses, type ProviderBatch } from "../teacher/batch-api.ts";
import { InterruptedError } from "../teacher/errors.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import {
  batchPriceTable,
  DEFAULT_BATCH_PRICE_FACTOR,
  type PriceTable,
  priceTable,
} from "../teacher/prices.ts";
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../teacher/retry-policy.ts";
import {
  type TeacherEvent,
  type TeacherGenerationParams,
  type TeacherLimits,
  type TeacherRunSummary,
  teacherCallKey,
} from "../teacher/run-teacher.ts";
import { sleep } from "../teacher/sleep.ts";
import { type LabellingPlanOptions, planLabelling, runLabelling } from "./label.ts";

/** OpenAI's per-batch limits: 50,000 requests and a 200 MB input file. */
export const DEFAULT_BATCH_MAX_REQUESTS = 50_000;
export const DEFAULT_BATCH_MAX_BYTES = 200 * 1024 * 1024;
/** The metadata key of every batch this tool creates: the run key a rerun looks it up by. */
export const BATCH_RUN_KEY = "jobdistill_run_key";

/** What `label --batch` was asked, as stored with each batch (never secrets): `batches collect` replans from it. */
const batchPlanSchema = z.object({
  task: z.string(),
  settings: z
    .object({
      labels: z.array(z.string()).optional(),
      multi: z.boolean().optional(),
      instructions: z.string().optional(),
      reasoning: z.boolean().optional(),
      batchSize: z.number().optional(),
    })
    .optional(),
  selection: z
    .object({ limit: z.number().optional(), sample: z.number().optional(), seed: z.number().optional() })
    .optional(),
  provider: z.string(),
  model: z.string(),
  params: z.object({ temperature: z.number().optional(), maxOutputTokens: z.number().optional() }),
});
export type BatchPlan = z.infer<typeof batchPlanSchema>;

export type BatchEvent =
  | { type: "batch-submitted"; batch: StoredBatch }
  | { type: "batch-status"; batch: StoredBatch }
  | { type: "batch-collected"; batch: StoredBatch; answered: number; errors: number };

export interface BatchLabellingOptions {
  /** The online model: renders the requests, and answers follow-ups with `retryOnline`. */
  model: LanguageModel;
  limits?: Partial<TeacherLimits> | undefined;
  params?: Pick<TeacherGenerationParams, "temperature" | "maxOutputTokens"> | undefined;
  prices?: PriceTable | undefined;
  /** Batch price as a fraction of the online price. @default DEFAULT_BATCH_PRICE_FACTOR (0.5) */
  batchPriceFactor?: number | undefined;
  /** @default DEFAULT_BATCH_MAX_REQUESTS (50,000) */
  maxRequestsPerBatch?: number | undefined;
  /** @default DEFAULT_BATCH_MAX_BYTES (200 MB) */
  maxBytesPerBatch?: number | undefined;
  /** Follow-ups (invalid answers, error lines) online instead of in another batch. @default false */
  retryOnline?: boolean | undefined;
  /** Poll until every batch is collected and every item settled. @default false: submit, collect what is finished, return */
  wait?: boolean | undefined;
  /** @default 30 s */
  pollIntervalMs?: number | undefined;
  /** Error lines a request may get before its item is given up. @default 3 */
  maxBatchFailures?: number | undefined;
  /** Retries of a Files/Batches call (5xx, network). @default defaultRetryPolicy */
  retry?: RetryPolicy | undefined;
  /** Stops polling and taking new work. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: TeacherEvent) => void) | undefined;
  onBatchEvent?: ((event: BatchEvent) => void) | undefined;
  runParams?: Record<string, unknown> | undefined;
}

export interface BatchLabellingResult {
  /** The labelling passes over answers that came back (and the online follow-ups). */
  runs: TeacherRunSummary[];
  labelled: number;
  failed: number;
  /** Batches created by this call. */
  submitted: number;
  /** Batches still open (submitted, not collected) when this call returned. */
  open: StoredBatch[];
  /** Items with no answer yet (in an open batch). */
  waiting: number;
  interrupted: boolean;
  alignment?: AlignmentStats;
}

const planOf = (
  options: LabellingPlanOptions,
  model: LanguageModel,
  params: BatchPlan["params"],
): BatchPlan =>
  batchPlanSchema.parse({
    task: options.task,
    settings: options.settings,
    selection: options.selection,
    provider: model.provider,
    model: model.modelId,
    params,
  });

/** A cache that skips failed attempts already on record: a pass replays earlier answers of an item. */
function replayAwareCache(cache: CallCache, answers: BatchAnswersModel): CallCache {
  return {
    has: (key) => cache.has(key),
    recordSuccess: (call, annotations) => cache.recordSuccess(call, annotations),
    recordFailure: (failure: CallFailureRecord) => {
      if (!failure.final && failure.rawText !== undefined && answers.isReplay(failure.key, failure.rawText))
        return;
      cache.recordFailure(failure);
    },
  };
}

function batchApiOf(model: LanguageModel): BatchApi {
  const api = model.batchApi?.();
  if (api === undefined) {
    throw new UsageError(
      `--batch needs a provider with a Batch API: ${model.provider} has none (use --provider openai)`,
    );
  }
  return api;
}

/** One JSONL line of OpenAI's batch input format, the stored body written as is. */
const inputLine = (customId: string, url: string, body: string): string =>
  `{"custom_id":${JSON.stringify(customId)},"method":"POST","url":${JSON.stringify(url)},"body":${body}}`;

/**
 * Labels through provider batches: submits every pending item's request (rendered by the online
 * model, under the online cache key), collects finished batches, and feeds their answers through
 * runLabelling. Every submission step is recorded before and after it is taken, and a rerun first
 * looks up on the provider what a killed run may have sent (file name, batch metadata), so a kill
 * at any point loses nothing and sends nothing twice. A rerun (or `batches collect`) continues.
 */
export async function labelInBatches(
  workspace: Workspace,
  planOptions: LabellingPlanOptions,
  options: BatchLabellingOptions,
): Promise<BatchLabellingResult> {
  const { model } = options;
  const api = batchApiOf(model);
  const params = {
    temperature: options.params?.temperature,
    maxOutputTokens: options.params?.maxOutputTokens,
  };
  const plan = planLabelling(workspace, planOptions);
  const record = planOf(planOptions, model, params);
  const planKey = hashValue(record);
  const retry = options.retry ?? defaultRetryPolicy;
  const maxFailures = options.maxBatchFailures ?? 3;
  const emitBatch = options.onBatchEvent ?? (() => undefined);
  const prices = options.prices ?? priceTable;
  const batchPrices = batchPriceTable(prices, options.batchPriceFactor ?? DEFAULT_BATCH_PRICE_FACTOR);
  const keyed = plan.items.map((input) => ({ input, key: teacherCallKey(model, plan.task, params, input) }));
  const result: BatchLabellingResult = {
    runs: [],
    labelled: 0,
    failed: 0,
    submitted: 0,
    open: [],
    waiting: 0,
    interrupted: false,
  };
  const annotationRuns: number[] = [];
  const call = <T>(work: () => Promise<T>): Promise<T> => withRetry(retry, work, { signal: options.signal });

  /** Takes a batch its next steps; `poll` false stops once it is submitted (a new batch is not done yet). */
  const advance = async (batch: StoredBatch, poll = true): Promise<void> => {
    let current = batch;
    if (current.state === "planned") {
      const lines = workspace.batches
        .memberBodies(current.id)
        .map((member) => inputLine(member.customId, api.endpoint, member.body));
      const content = Buffer.from(`${lines.join("\n")}\n`);
      if (sha256Hex(content.toString("utf8")) !== current.inputHash) {
        throw new JobdistillError(`batch ${current.id}'s input changed since it was planned`, {
          code: "internal",
        });
      }
      const folder = join(workspace.dir, "batches");
      mkdirSync(folder, { recursive: true });
      const name = `${current.runKey}.jsonl`;
      writeFileSync(join(folder, name), content);
      // A run killed during the upload may have uploaded it: look before sending it again.
      const fileId = await call(
        async () =>
          (await api.findFile(name, options.signal)) ?? api.uploadFile(name, content, options.signal),
      );
      workspace.batches.recordUpload(current.id, fileId);
      current = workspace.batches.get(current.id) ?? current;
    }
    if (current.state === "uploaded" && current.inputFileId !== undefined) {
      const inputFileId = current.inputFileId;
      const runKey = current.runKey;
      const created = await call(
        async () =>
          (await api.findBatch(BATCH_RUN_KEY, runKey, options.signal)) ??
          api.createBatch(
            inputFileId,
            { [BATCH_RUN_KEY]: runKey, jobdistill_task: current.task },
            options.signal,
          ),
      );
      workspace.batches.recordSubmitted(current.id, created.id, created.status);
      current = workspace.batches.get(current.id) ?? current;
      emitBatch({ type: "batch-submitted", batch: current });
    }
    if (poll && current.state === "submitted" && current.providerBatchId !== undefined) {
      const providerBatchId = current.providerBatchId;
      const status: ProviderBatch = await call(() => api.getBatch(providerBatchId, options.signal));
      workspace.batches.recordStatus(current.id, {
        providerStatus: status.status,
        completed: status.counts.completed,
        failed: status.counts.failed,
        outputFileId: status.outputFileId,
        errorFileId: status.errorFileId,
      });
      current = workspace.batches.get(current.id) ?? current;
      emitBatch({ type: "batch-status", batch: current });
      if (!finishedBatchStatuses.has(status.status)) return;
      const lines = [];
      for (const fileId of [status.outputFileId, status.errorFileId]) {
        if (fileId !== undefined) lines.push(...(await call(() => api.fileLines(fileId, options.signal))));
      }
      const collected = lines.map((line) =>
        line.ok
          ? { customId: line.customId, answer: line.result }
          : { customId: line.customId, error: line.error },
      );
      if (status.status === "failed" && collected.length === 0) {
        // The provider refused the whole batch (a validation failure): every request counts one error.
        for (const member of workspace.batches.memberBodies(current.id)) {
          collected.push({ customId: member.customId, error: `batch ${providerBatchId} failed` });
        }
      }
      workspace.batches.recordCollected(current.id, collected);
      const answered = collected.filter((line) => "answer" in line).length;
      emitBatch({
        type: "batch-collected",
        batch: workspace.batches.get(current.id) ?? current,
        answered,
        errors: collected.length - answered,
      });
    }
  };

  /** Items with something new: no request yet (to render), an unread answer, or a request given up. */
  const itemsToPass = (): unknown[] =>
    keyed
      .filter(({ key }) => {
        if (workspace.calls.has(key)) return false;
        const requests = workspace.batches.requestsOfCall(key);
        if (requests.length === 0) return true;
        // With --retry-online, a request a batch answered with an error goes online at once.
        const givenUpAfter = options.retryOnline ? 1 : maxFailures;
        return requests.some(
          (request) =>
            (request.answer !== undefined && !request.applied) ||
            (request.answer === undefined && !request.inFlight && request.failures >= givenUpAfter),
        );
      })
      .map(({ input }) => input);

  const runPass = async (
    items: unknown[],
    passModel: LanguageModel,
    passPrices: PriceTable,
    cache?: CallCache,
  ): Promise<void> => {
    if (items.length === 0) return;
    const labelled = await runLabelling(
      workspace,
      { ...plan, items },
      {
        model: passModel,
        limits: options.limits,
        params,
        prices: passPrices,
        signal: options.signal,
        onEvent: options.onEvent,
        runParams: { ...options.runParams, batch: passModel !== model },
        cache,
      },
    );
    result.runs.push(labelled.summary);
    annotationRuns.push(labelled.summary.runId);
    result.labelled += labelled.summary.done;
    result.failed += labelled.summary.failed;
  };

  const submitUnsent = async (followUpsOnline: ReadonlySet<string>): Promise<void> => {
    const unsent = workspace.batches
      .unsent(planKey)
      .filter(
        (request) =>
          request.failures < maxFailures &&
          !workspace.calls.has(request.callKey) &&
          !followUpsOnline.has(request.callKey),
      );
    const maxRequests = options.maxRequestsPerBatch ?? DEFAULT_BATCH_MAX_REQUESTS;
    const maxBytes = options.maxBytesPerBatch ?? DEFAULT_BATCH_MAX_BYTES;
    const chunks: { customIds: string[]; lines: string[]; bytes: number }[] = [];
    let chunk: (typeof chunks)[number] | undefined;
    for (const request of unsent) {
      const line = inputLine(request.customId, api.endpoint, request.body);
      const bytes = Buffer.byteLength(line) + 1;
      if (chunk === undefined || chunk.customIds.length >= maxRequests || chunk.bytes + bytes > maxBytes) {
        chunk = { customIds: [], lines: [], bytes: 0 };
        chunks.push(chunk);
      }
      chunk.customIds.push(request.customId);
      chunk.lines.push(line);
      chunk.bytes += bytes;
    }
    for (const { customIds, lines, bytes } of chunks) {
      if (options.signal?.aborted) return;
      const id = workspace.batches.plan({
        runKey: `jobdistill-${randomUUID()}`,
        planKey,
        plan: record,
        task: plan.task.name,
        provider: model.provider,
        model: model.modelId,
        inputBytes: bytes,
        inputHash: sha256Hex(`${lines.join("\n")}\n`),
        customIds,
      });
      // Another process on this workspace sent some of these meanwhile: they stay its own.
      const planned = id === undefined ? undefined : workspace.batches.get(id);
      if (planned === undefined) continue;
      await advance(planned, false);
      result.submitted++;
    }
  };

  try {
    for (;;) {
      for (const batch of workspace.batches.list({ open: true, planKey }).reverse()) {
        if (options.signal?.aborted) break;
        await advance(batch);
      }
      const answers = new BatchAnswersModel({
        online: model,
        api,
        ledger: workspace.batches,
        planKey,
        maxBatchFailures: maxFailures,
      });
      await runPass(itemsToPass(), answers, batchPrices, replayAwareCache(workspace.calls, answers));
      workspace.batches.markApplied(answers.served);
      const online = options.retryOnline ? answers.followUps : new Set<string>();
      if (online.size > 0) {
        await runPass(
          keyed.filter(({ key }) => online.has(key)).map(({ input }) => input),
          model,
          prices,
        );
      }
      await submitUnsent(online);
      const open = workspace.batches.list({ open: true, planKey });
      if (!options.wait || open.length === 0 || options.signal?.aborted) break;
      await sleep(options.pollIntervalMs ?? 30_000, options.signal);
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
  }
  result.interrupted = Boolean(options.signal?.aborted);
  result.open = workspace.batches.list({ open: true, planKey });
  result.waiting = keyed.filter(({ key }) => !workspace.calls.has(key)).length;
  const alignment = alignmentStatsOfPayloads(
    annotationRuns.flatMap((runId) =>
      workspace.annotations.list({ task: plan.task.name, runId }).map((annotation) => annotation.payload),
    ),
  );
  if (alignment.total > 0) result.alignment = alignment;
  return result;
}

/** The plans stored batches were made for, newest first: what `batches collect` continues. */
export function storedBatchPlans(workspace: Workspace): BatchPlan[] {
  const seen = new Set<string>();
  const plans: BatchPlan[] = [];
  for (const batch of workspace.batches.list()) {
    if (seen.has(batch.planKey)) continue;
    seen.add(batch.planKey);
    const parsed = batchPlanSchema.safeParse(batch.plan);
    if (parsed.success) plans.push(parsed.data);
  }
  return plans;
}

/**
 * Asks the provider to cancel a submitted batch (`jobdistill batches cancel`). What it finished
 * before stopping is collected as usual; the rest is resubmitted by the next collect.
 */
export async function cancelBatch(
  workspace: Workspace,
  batchId: number,
  /** The online model of the batch's model id (its provider account). */
  modelFor: (modelId: string) => Promise<LanguageModel>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<StoredBatch> {
  const batch = workspace.batches.get(batchId);
  if (batch === undefined) throw new UsageError(`there is no batch ${batchId} (see: jobdistill batches)`);
  if (batch.state !== "submitted" || batch.providerBatchId === undefined) {
    throw new UsageError(`batch ${batchId} is ${batch.state}: only a submitted batch can be cancelled`);
  }
  const model = await modelFor(batch.model);
  let cancelled: ProviderBatch;
  try {
    cancelled = await batchApiOf(model).cancelBatch(batch.providerBatchId, options.signal);
  } finally {
    await model.close?.();
  }
  workspace.batches.recordStatus(batch.id, {
    providerStatus: cancelled.status,
    completed: cancelled.counts.completed,
    failed: cancelled.counts.failed,
    outputFileId: cancelled.outputFileId,
    errorFileId: cancelled.errorFileId,
  });
  return workspace.batches.get(batch.id) ?? batch;
}

/** Every batch of the workspace, newest first (`jobdistill batches`). */
export function listBatches(workspace: Workspace): StoredBatch[] {
  return workspace.batches.list();
}

/** Continues every stored plan: polls, collects, labels, submits follow-ups (`jobdistill batches collect`). */
export async function collectBatches(
  workspace: Workspace,
  options: Omit<BatchLabellingOptions, "model" | "params"> & {
    /** The online model of a stored plan (its provider and model id). */
    modelFor: (plan: BatchPlan) => Promise<LanguageModel>;
  },
): Promise<{ plan: BatchPlan; result: BatchLabellingResult }[]> {
  const { modelFor, ...rest } = options;
  const results: { plan: BatchPlan; result: BatchLabellingResult }[] = [];
  for (const plan of storedBatchPlans(workspace)) {
    const model = await modelFor(plan);
    try {
      const settings = plan.settings ?? {};
      const result = await labelInBatches(
        workspace,
        { task: plan.task, settings, selection: plan.selection ?? {} },
        { ...rest, model, params: plan.params },
      );
      results.push({ plan, result });
    } finally {
      await model.close?.();
    }
  }
  return results;
}
