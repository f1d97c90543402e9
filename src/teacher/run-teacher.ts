import { setMaxListeners } from "node:events";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import { hashValue } from "../core/hash.ts";
import type { CallCache, CallFailureRecord, ItemClaims, NewAnnotation, RunRecorder } from "../core/ports.ts";
import type { ChatMessage, TeacherTask } from "../core/task.ts";
import { ApiCallError, InterruptedError, NoObjectGeneratedError, type TokenUsage } from "./errors.ts";
import { generateObject } from "./generate-object.ts";
import type { LanguageModel } from "./language-model.ts";
import { estimateCost, findPrice, type PriceTable, priceTable } from "./prices.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { defaultRetryPolicy } from "./retry-policy.ts";
import { sleep } from "./sleep.ts";

export interface TeacherLimits {
  /** Calls in flight at once. */
  concurrency: number;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** Per call (one request), in milliseconds. */
  timeoutMs: number;
  /** Retries of a failed request (network, timeout, 408/409/429/5xx). */
  maxRetries: number;
  /** Re-asks after an invalid answer. */
  maxRepairs: number;
}

export const defaultTeacherLimits: TeacherLimits = {
  concurrency: 4,
  timeoutMs: 60_000,
  maxRetries: 5,
  maxRepairs: 2,
};

/** Generation settings: they change the answer, so they are part of every call's cache key. */
export interface TeacherGenerationParams {
  temperature?: number | undefined;
  maxOutputTokens?: number | undefined;
  /**
   * After a truncated answer (finish reason `length`), ask once more with this many output tokens.
   * Default: twice the limit that was hit (`maxOutputTokens`, or the truncated answer's length when
   * no limit is set); 0 gives a truncated answer up at once.
   */
  truncationRetryMaxOutputTokens?: number;
}

/** Item and token counts of a labelling run, as it goes and at its end. */
export interface TeacherCounts {
  total: number;
  done: number;
  /**
   * Already answered in an earlier run, a repeat of another item's input, or answered (or given up)
   * by another process during this run.
   */
  skipped: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface TeacherProgress extends TeacherCounts {
  elapsedMs: number;
}

export type TeacherEvent =
  | { type: "start"; runId: number; total: number; cached: number; toDo: number }
  | { type: "progress"; progress: TeacherProgress }
  | { type: "retry"; itemId: string; delayMs: number; message: string }
  | { type: "item-failed"; itemId: string; message: string }
  | { type: "warning"; message: string };

export interface TeacherRunEstimate {
  items: number;
  cached: number;
  toDo: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when the model has no known price. */
  costUsd: number | undefined;
}

export interface RunTeacherOptions<I, O> {
  /** What is already answered, and where answers (with their annotations) and failures go. */
  cache: CallCache;
  /** Where the run's ledger row is kept. */
  recorder: RunRecorder;
  task: TeacherTask<I, O>;
  items: readonly I[];
  model: LanguageModel;
  limits?: Partial<TeacherLimits> | undefined;
  prices?: PriceTable | undefined;
  /** Graceful stop: no new work is taken; calls in flight finish and are stored. */
  signal?: AbortSignal | undefined;
  /** Hard stop: calls in flight are cancelled (their items stay to do). */
  abortSignal?: AbortSignal | undefined;
  onEvent?: ((event: TeacherEvent) => void) | undefined;
  /** Estimate only: nothing is called or stored. */
  dryRun?: boolean | undefined;
  /** Recorded as the run's kind: "label" (default), "judge", … */
  runKind?: string | undefined;
  params?: TeacherGenerationParams | undefined;
  /** Extra settings to record with the run (never secrets). */
  runParams?: Record<string, unknown> | undefined;
  /**
   * Leases shared with other processes labelling the same items: an item another live process
   * holds is left to it, and looked at again once this run's own items are done, so an item
   * whose holder died is done here. @default none: this run calls for every item it needs
   */
  claims?: ItemClaims | undefined;
}

export interface TeacherRunSummary extends TeacherCounts {
  /** 0 for a dry run (no run is recorded). */
  runId: number;
  durationMs: number;
  interrupted: boolean;
  /** Items neither done, skipped nor failed (an interrupted run leaves them for the next). */
  remaining: number;
  estimate?: TeacherRunEstimate;
}

/** The cache key of one call: everything that can change its answer, and nothing else. */
export function teacherCallKey<I>(
  model: Pick<LanguageModel, "provider" | "modelId">,
  task: TeacherTask<I, unknown>,
  params: TeacherGenerationParams,
  input: I,
): string {
  return hashValue({
    provider: model.provider,
    model: model.modelId,
    task: task.name,
    version: task.version,
    params: { temperature: params.temperature, maxOutputTokens: params.maxOutputTokens },
    input: task.itemFingerprint(input),
  });
}

interface PlannedItem<I> {
  input: I;
  itemId: string;
  key: string;
}

const approximateTokens = (text: string): number => Math.ceil(text.length / 4);
const defaultOutputTokens = 256;

/**
 * A signal of the run's own that aborts when any of `sources` does. Every call in flight listens
 * to it, so it may have many listeners; the caller's signals get one listener each, removed by `release`.
 */
function followSignals(sources: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  release(): void;
} {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const present = sources.filter((source): source is AbortSignal => source !== undefined);
  const abort = (): void => controller.abort();
  for (const source of present) {
    if (source.aborted) controller.abort();
    source.addEventListener("abort", abort, { once: true });
  }
  return {
    signal: controller.signal,
    release: () => {
      for (const source of present) source.removeEventListener("abort", abort);
    },
  };
}

/**
 * Labels `items` with `task` through `model`: skips what the call cache already holds, paces
 * calls within the limits, retries, repairs, stores each success with its annotations in one
 * transaction, records every failed attempt, and keeps the run's ledger. Stops gracefully on
 * `signal`; a rerun continues where this one stopped.
 */
export async function runTeacher<I, O>(options: RunTeacherOptions<I, O>): Promise<TeacherRunSummary> {
  const { cache, recorder, task, model } = options;
  const limits = { ...defaultTeacherLimits, ...options.limits };
  const params = options.params ?? {};
  const emit = options.onEvent ?? (() => undefined);
  const startedAt = performance.now();
  const price = findPrice(options.prices ?? priceTable, model.provider, model.modelId);
  if (price === undefined) {
    emit({
      type: "warning",
      message: `no price known for ${model.modelId}: its cost is counted as 0 (see --prices)`,
    });
  }

  const seen = new Set<string>();
  const toDo: PlannedItem<I>[] = [];
  let cached = 0;
  for (const input of options.items) {
    const key = teacherCallKey(model, task as TeacherTask<I, unknown>, params, input);
    if (seen.has(key) || cache.has(key)) {
      cached++;
      continue;
    }
    seen.add(key);
    toDo.push({ input, itemId: task.itemId(input), key });
  }
  const estimateTokens = (
    item: PlannedItem<I>,
    messages: readonly ChatMessage[],
  ): { input: number; output: number } => ({
    input: approximateTokens(messages.map((message) => message.content).join("\n")),
    output: task.estimateOutputTokens?.(item.input) ?? params.maxOutputTokens ?? defaultOutputTokens,
  });

  if (options.dryRun) {
    let inputTokens = 0;
    let outputTokens = 0;
    for (const item of toDo) {
      const tokens = estimateTokens(item, task.buildMessages(item.input));
      inputTokens += tokens.input;
      outputTokens += tokens.output;
    }
    const estimate: TeacherRunEstimate = {
      items: options.items.length,
      cached,
      toDo: toDo.length,
      inputTokens,
      outputTokens,
      costUsd: price === undefined ? undefined : estimateCost(price, { inputTokens, outputTokens }),
    };
    return {
      runId: 0,
      total: options.items.length,
      done: 0,
      skipped: cached,
      failed: 0,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      durationMs: performance.now() - startedAt,
      interrupted: false,
      remaining: toDo.length,
      estimate,
    };
  }

  const { claims } = options;
  recorder.markAbandoned();
  const runId = recorder.start({
    ...(claims ? { holder: claims.holder } : {}),
    kind: options.runKind ?? "label",
    task: task.name,
    provider: model.provider,
    model: model.modelId,
    itemsTotal: options.items.length,
    params: {
      taskVersion: task.version,
      ...params,
      limits,
      ...options.runParams,
    },
  });
  const progress: TeacherProgress = {
    total: options.items.length,
    done: 0,
    skipped: cached,
    failed: 0,
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    elapsedMs: 0,
  };
  recorder.progress(runId, { itemsSkipped: cached });
  emit({ type: "start", runId, total: progress.total, cached, toDo: toDo.length });

  const limiter = new RateLimiter({
    requestsPerMinute: limits.requestsPerMinute,
    tokensPerMinute: limits.tokensPerMinute,
  });
  const retry = { ...defaultRetryPolicy, maxRetries: limits.maxRetries };
  const waitSignal = followSignals([options.signal, options.abortSignal]);
  const hardSignal = followSignals([options.abortSignal]);
  const schemaName = task.name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "answer";
  const costOf = (usage: TokenUsage): number => estimateCost(price, usage);

  // The run row is a view for `jobdistill runs`; the call cache is the truth, so it is written at most twice a second.
  let progressWrittenAt = 0;
  const reportProgress = (force = false): void => {
    const now = performance.now();
    progress.elapsedMs = now - startedAt;
    progress.costUsd = costOf({ inputTokens: progress.tokensIn, outputTokens: progress.tokensOut });
    if (force || now - progressWrittenAt >= 500) {
      progressWrittenAt = now;
      recorder.progress(runId, {
        itemsDone: progress.done,
        itemsSkipped: progress.skipped,
        itemsFailed: progress.failed,
      });
    }
    emit({ type: "progress", progress: { ...progress } });
  };

  const failureRecord = (
    item: PlannedItem<I>,
    error: unknown,
    attempt: number,
    final: boolean,
  ): CallFailureRecord => {
    const record: CallFailureRecord = {
      key: item.key,
      runId,
      task: task.name,
      provider: model.provider,
      model: model.modelId,
      itemId: item.itemId,
      attempt,
      final,
      errorCode: error instanceof JobdistillError ? error.code : "error",
      message: errorMessage(error),
    };
    if (error instanceof NoObjectGeneratedError) {
      record.rawText = error.rawText;
      record.finishReason = error.finishReason;
      record.tokensIn = error.usage.inputTokens;
      record.tokensOut = error.usage.outputTokens;
      record.costUsd = costOf(error.usage);
      record.issues = error.issues;
    }
    return record;
  };

  /** Returns true when the item was given up (failed for good). */
  const processItem = async (item: PlannedItem<I>): Promise<boolean> => {
    const failedUsage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    const callStartedAt = performance.now();
    let attempts = 0;
    let finalFailureRecorded = false;
    try {
      const messages = task.buildMessages(item.input);
      const tokens = estimateTokens(item, messages);
      const { check } = task;
      const estimatedTokens = tokens.input + tokens.output;
      const result = await generateObject({
        model,
        messages,
        schema: task.outputSchema,
        schemaName,
        ...(check ? { check: (output: O) => check(item.input, output) } : {}),
        maxRepairs: limits.maxRepairs,
        callKey: item.key,
        signal: hardSignal.signal,
        waitSignal: waitSignal.signal,
        timeoutMs: limits.timeoutMs,
        retry,
        maxOutputTokens: params.maxOutputTokens,
        temperature: params.temperature,
        ...(params.truncationRetryMaxOutputTokens === 0
          ? {}
          : { truncationRetryMaxOutputTokens: params.truncationRetryMaxOutputTokens ?? "double" }),
        beforeRequest: () => limiter.acquire(estimatedTokens, waitSignal.signal),
        afterRequest: (_request, answer) => {
          limiter.reconcile(estimatedTokens, answer.usage.inputTokens + answer.usage.outputTokens);
          progress.tokensIn += answer.usage.inputTokens;
          progress.tokensOut += answer.usage.outputTokens;
        },
        onAttemptFailure: ({ error, attempt, final }) => {
          attempts = attempt;
          finalFailureRecorded ||= final;
          if (error instanceof NoObjectGeneratedError) {
            failedUsage.inputTokens += error.usage.inputTokens;
            failedUsage.outputTokens += error.usage.outputTokens;
          }
          cache.recordFailure(failureRecord(item, error, attempt, final));
        },
        onRetry: ({ error, delayMs }) => {
          if (error instanceof ApiCallError && error.statusCode === 429) limiter.pauseFor(delayMs);
          emit({ type: "retry", itemId: item.itemId, delayMs, message: errorMessage(error) });
        },
      });
      attempts = result.attempts;
      const usage = {
        inputTokens: result.usage.inputTokens - failedUsage.inputTokens,
        outputTokens: result.usage.outputTokens - failedUsage.outputTokens,
      };
      const source = {
        kind: "teacher" as const,
        name: `${model.provider}/${model.modelId}`,
        version: task.version,
      };
      const annotations: NewAnnotation[] = task.toAnnotations(item.input, result.object).map((draft) => ({
        documentId: draft.documentId,
        task: task.name,
        taskVersion: task.version,
        source,
        payload: draft.payload,
        runId,
      }));
      cache.recordSuccess(
        {
          key: item.key,
          runId,
          task: task.name,
          taskVersion: task.version,
          provider: model.provider,
          model: model.modelId,
          itemId: item.itemId,
          output: result.object,
          rawText: result.rawText,
          finishReason: result.finishReason,
          tokensIn: usage.inputTokens,
          tokensOut: usage.outputTokens,
          costUsd: costOf(usage),
          attempts: result.attempts,
          latencyMs: performance.now() - callStartedAt,
        },
        annotations,
      );
      progress.done++;
    } catch (error) {
      if (error instanceof InterruptedError) return false;
      if (!finalFailureRecorded) {
        // Not from the call itself (a task's toAnnotations, say): record it so it is not silent.
        cache.recordFailure(failureRecord(item, error, attempts, true));
      }
      progress.failed++;
      emit({ type: "item-failed", itemId: item.itemId, message: errorMessage(error) });
      reportProgress();
      return true;
    }
    reportProgress();
    return false;
  };

  let next = 0;
  /** Items another live holder had when this run came to them. */
  const heldElsewhere: PlannedItem<I>[] = [];
  /**
   * Claim first, then look in the cache: an item answered and released meanwhile is not called
   * again. An item a live holder gave up on is not tried twice at once either.
   */
  const take = (itemClaims: ItemClaims, item: PlannedItem<I>): "mine" | "settled" | "held" => {
    if (cache.has(item.key)) return "settled";
    const claim = itemClaims.claim(item.key);
    if (claim !== "claimed") return claim === "held" ? "held" : "settled";
    if (!cache.has(item.key)) return "mine";
    itemClaims.release(item.key);
    return "settled";
  };
  const settledElsewhere = (): void => {
    progress.skipped++;
    reportProgress();
  };
  const nextItem = async (): Promise<PlannedItem<I> | undefined> => {
    for (;;) {
      if (options.signal?.aborted || options.abortSignal?.aborted) return undefined;
      const item = toDo[next++];
      if (claims === undefined) return item;
      if (item !== undefined) {
        const taken = take(claims, item);
        if (taken === "mine") return item;
        if (taken === "held") heldElsewhere.push(item);
        else settledElsewhere();
        continue;
      }
      for (let index = 0; index < heldElsewhere.length; ) {
        const held = heldElsewhere[index] as PlannedItem<I>;
        const taken = take(claims, held);
        if (taken === "held") {
          index++;
          continue;
        }
        heldElsewhere.splice(index, 1);
        if (taken === "mine") return held;
        settledElsewhere();
      }
      if (heldElsewhere.length === 0) return undefined;
      try {
        await sleep(claims.pollEveryMs, waitSignal.signal);
      } catch {
        return undefined;
      }
    }
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = await nextItem();
      if (item === undefined) return;
      let gaveUp = false;
      try {
        gaveUp = await processItem(item);
      } finally {
        if (gaveUp) claims?.giveUp(item.key);
        else claims?.release(item.key);
      }
    }
  };
  const renewal =
    claims === undefined
      ? undefined
      : setInterval(() => {
          try {
            claims.renew();
          } catch (error) {
            emit({ type: "warning", message: `could not renew this run's leases: ${errorMessage(error)}` });
          }
        }, claims.renewEveryMs);
  renewal?.unref();
  try {
    const workers = Math.max(1, Math.min(limits.concurrency, toDo.length));
    await Promise.all(Array.from({ length: workers }, worker));
    // The last report is inside the try too: progress is throttled, so on a short run it can be the
    // first write that fails, and the run must not stay "running" then.
    reportProgress(true);
  } catch (error) {
    try {
      reportProgress(true);
    } catch {
      // Reporting may be what failed (an onEvent that throws, the run row): the run is still marked failed.
    }
    recorder.finish(runId, "failed", { error: errorMessage(error) });
    throw error;
  } finally {
    clearInterval(renewal);
    waitSignal.release();
    hardSignal.release();
  }

  const interrupted = Boolean(options.signal?.aborted || options.abortSignal?.aborted);
  const summary: TeacherRunSummary = {
    runId,
    total: progress.total,
    done: progress.done,
    skipped: progress.skipped,
    failed: progress.failed,
    tokensIn: progress.tokensIn,
    tokensOut: progress.tokensOut,
    costUsd: progress.costUsd,
    durationMs: performance.now() - startedAt,
    interrupted,
    remaining: progress.total - progress.done - progress.skipped - progress.failed,
  };
  recorder.finish(runId, interrupted ? "interrupted" : "done", { report: summary });
  // A holder that died while this run waited for its items left its run "running".
  if (claims) recorder.markAbandoned();
  return summary;
}
