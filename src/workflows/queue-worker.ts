/**
 * `jobdistill worker --queue redis://…`: takes jobs off the queue that `label --queue` and
 * `predict --queue` fill, on any machine. Teacher requests are answered with this worker's own
 * endpoint, key, rate limits and retries; predict jobs with the model bytes the coordinator put in
 * Redis. A worker that dies mid-job loses nothing: BullMQ sees its lock expire and hands the job to
 * another worker.
 */
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { errorMessage, UsageError } from "../core/errors.ts";
import { redactUrlsInText } from "../core/redact-url.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import {
  checkQueueReachable,
  GENERATE_JOB,
  generateJobAnswerer,
  type QueueConnection,
} from "../teacher/queue/index.ts";
import { defaultTeacherLimits, type TeacherLimits } from "../teacher/run-teacher.ts";
import { PREDICT_JOB, predictJobAnswerer } from "./predict-queue.ts";
import { createTeacher, type TeacherChoice } from "./teacher.ts";

export interface QueueWorkerOptions {
  connection: QueueConnection;
  /** How to reach the LLM. Without a model, a job's own model is called. */
  teacher: TeacherChoice;
  /** `concurrency`: jobs at once; the rest are this worker's per-request limits. */
  limits?: Partial<TeacherLimits> | undefined;
  /**
   * How long a job stays this worker's without a renewal of its lock: a worker that died is
   * noticed after this long and its jobs go to another. @default 30000
   */
  lockDurationMs?: number | undefined;
  /** How often this worker looks for jobs whose holder died. @default 30000 */
  stalledIntervalMs?: number | undefined;
  /** Graceful stop: no new job is taken; jobs in flight finish. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: QueueWorkerEvent) => void) | undefined;
}

export type QueueWorkerEvent =
  | { type: "ready"; concurrency: number }
  | { type: "job"; name: string; jobId: string; ok: boolean; message?: string | undefined }
  | { type: "retry"; jobId: string; delayMs: number; message: string }
  | { type: "warning"; message: string };

export interface QueueWorkerSummary {
  jobs: number;
  /** Jobs answered with a failure (the coordinator records it). */
  failed: number;
}

/** A job whose holder died is handed on at most this many times before it fails. */
const maxStalledCount = 3;

/** Runs until `signal` aborts, then finishes the jobs in flight and closes. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const { connection, teacher } = options;
  const limits = { ...defaultTeacherLimits, ...options.limits };
  const emit = options.onEvent ?? (() => undefined);
  const provider = teacher.provider ?? "openai";
  if (provider !== "openai") {
    throw new UsageError(`a worker calls OpenAI-compatible endpoints (--provider openai), not ${provider}`);
  }
  await checkQueueReachable(connection);
  const models = new Map<string, Promise<LanguageModel>>();
  const modelFor = (jobProvider: string, modelId: string): Promise<LanguageModel> => {
    if (jobProvider !== provider) {
      return Promise.reject(
        new UsageError(`this worker calls ${provider} models; the job asks for ${jobProvider}`),
      );
    }
    if (teacher.model !== undefined && teacher.model !== modelId) {
      return Promise.reject(
        new UsageError(`this worker serves --model ${teacher.model}; the job asks for ${modelId}`),
      );
    }
    let model = models.get(modelId);
    if (!model) {
      model = createTeacher({ ...teacher, model: modelId });
      model.catch(() => models.delete(modelId));
      models.set(modelId, model);
    }
    return model;
  };
  const generate = generateJobAnswerer({
    modelFor,
    requestsPerMinute: limits.requestsPerMinute,
    tokensPerMinute: limits.tokensPerMinute,
    timeoutMs: limits.timeoutMs,
    maxRetries: limits.maxRetries,
    onRetry: (event) => emit({ type: "retry", ...event }),
  });
  const predict = predictJobAnswerer(connection);
  const summary: QueueWorkerSummary = { jobs: 0, failed: 0 };

  const answer = async (job: Job): Promise<unknown> => {
    const jobId = job.id ?? "";
    const result =
      job.name === GENERATE_JOB
        ? await generate(jobId, job.data)
        : job.name === PREDICT_JOB
          ? await predict.answer(job.data)
          : undefined;
    if (result === undefined) throw new UnrecoverableError(`unknown job kind "${job.name}"`);
    summary.jobs++;
    if (!result.ok) summary.failed++;
    emit({
      type: "job",
      name: job.name,
      jobId,
      ok: result.ok,
      message: result.ok ? undefined : result.error.message,
    });
    return result;
  };
  const worker = new Worker(connection.queueName, answer, {
    connection: { url: connection.url, maxRetriesPerRequest: null },
    concurrency: limits.concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount,
    autorun: false,
  });
  worker.on("error", (error) =>
    emit({
      type: "warning",
      message: `job queue ${connection.shown}: ${redactUrlsInText(errorMessage(error))}`,
    }),
  );
  const stopped = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  const running = worker.run();
  await worker.waitUntilReady();
  emit({ type: "ready", concurrency: limits.concurrency });
  try {
    await Promise.race([stopped, running]);
  } finally {
    await worker.close();
    await running.catch(() => undefined);
    predict.close();
    for (const model of models.values()) await (await model.catch(() => undefined))?.close?.();
  }
  return summary;
}
