/**
 * Teacher calls through the job queue. The coordinator's engine (run-teacher, generateObject) sees
 * a LanguageModel whose every request becomes a job; a worker answers it with its own model, rate
 * limits and retries and hands back the raw answer and usage. Parsing, repair, validation,
 * alignment, the store and the ledger stay the coordinator's, the same code as online labelling.
 */
import { z } from "zod";
import { errorMessage, JobdistillError } from "../../core/errors.ts";
import { hashValue } from "../../core/hash.ts";
import { redactUrlsInText } from "../../core/redact-url.ts";
import { ApiCallError, type ApiCallErrorCode, InterruptedError } from "../errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../language-model.ts";
import { RateLimiter } from "../rate-limiter.ts";
import { defaultRetryPolicy, withRetry } from "../retry-policy.ts";
import type { JobClient } from "./job-client.ts";

/** The BullMQ job name of one teacher request. */
export const GENERATE_JOB = "generate";

export const generateJobSchema = z.object({
  provider: z.string(),
  model: z.string(),
  request: z.object({
    messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })),
    jsonSchema: z.record(z.string(), z.unknown()),
    schemaName: z.string(),
    maxOutputTokens: z.number().int().positive().optional(),
    temperature: z.number().optional(),
  }),
});
export type GenerateJob = z.infer<typeof generateJobSchema>;

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number() });
export const generateJobResultSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    text: z.string(),
    finishReason: z.enum(["stop", "length", "content-filter", "other"]),
    usage: usageSchema,
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), statusCode: z.number().optional() }),
  }),
]);
export type GenerateJobResult = z.infer<typeof generateJobResultSchema>;

/**
 * A request's job id: a hash of everything that makes its answer (provider, model, messages, schema,
 * settings), so the same item's request is one job however often a coordinator adds it.
 */
export function generateJobId(job: GenerateJob): string {
  return `${GENERATE_JOB}-${hashValue(job)}`;
}

function jobOf(provider: string, modelId: string, request: GenerateRequest): GenerateJob {
  return {
    provider,
    model: modelId,
    request: {
      messages: request.messages,
      jsonSchema: request.jsonSchema,
      schemaName: request.schemaName,
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    },
  };
}

const apiCallCodes: readonly string[] = ["api-call", "rate-limited", "timeout", "network"];

/**
 * The coordinator's model: each request is a job on the queue, answered by whichever worker takes
 * it. `provider` and `modelId` are the ones the workers call, so the call cache's keys are those of
 * online labelling with the same model. The request's timeout is the worker's business (a job may
 * wait in the queue for long); its signal stops the waiting, not the job.
 */
export function queueLanguageModel(client: JobClient, provider: string, modelId: string): LanguageModel {
  return {
    provider,
    modelId,
    async generate(request) {
      const job = jobOf(provider, modelId, request);
      const raw = await client.run(GENERATE_JOB, generateJobId(job), job, request.signal);
      const parsed = generateJobResultSchema.safeParse(raw);
      if (!parsed.success) {
        throw new JobdistillError("a worker's result could not be read (is it a jobdistill worker?)", {
          code: "queue",
        });
      }
      const result = parsed.data;
      if (result.ok) return { text: result.text, finishReason: result.finishReason, usage: result.usage };
      // The worker has retried already: a retry here would read the same result back.
      throw new ApiCallError(`a worker's call failed: ${result.error.message}`, {
        code: apiCallCodes.includes(result.error.code) ? (result.error.code as ApiCallErrorCode) : "api-call",
        ...(result.error.statusCode === undefined ? {} : { statusCode: result.error.statusCode }),
        isRetryable: false,
      });
    },
  };
}

export interface GenerateJobAnswererOptions {
  /** The model of a job's provider and model id; throws when this worker does not serve it. */
  modelFor(provider: string, modelId: string): Promise<LanguageModel>;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** Per request. */
  timeoutMs: number;
  maxRetries: number;
  onRetry?: ((event: { jobId: string; delayMs: number; message: string }) => void) | undefined;
}

const approximateTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * A worker's answer to a generate job: one request through its own rate limiter and the retry
 * policy, the raw answer and usage back. A failure is a result too (with its code), so the
 * coordinator records it as it records a failed online call.
 */
export function generateJobAnswerer(
  options: GenerateJobAnswererOptions,
): (jobId: string, data: unknown, signal?: AbortSignal) => Promise<GenerateJobResult> {
  const limiter = new RateLimiter({
    requestsPerMinute: options.requestsPerMinute,
    tokensPerMinute: options.tokensPerMinute,
  });
  const retry = { ...defaultRetryPolicy, maxRetries: options.maxRetries };
  return async (jobId, data, signal) => {
    try {
      const job = generateJobSchema.parse(data);
      const model = await options.modelFor(job.provider, job.model);
      const { request } = job;
      const estimated =
        approximateTokens(request.messages.map((message) => message.content).join("\n")) +
        (request.maxOutputTokens ?? 256);
      const answer: GenerateResult = await withRetry(
        retry,
        async () => {
          await limiter.acquire(estimated, signal);
          const result = await model.generate({
            messages: request.messages,
            jsonSchema: request.jsonSchema,
            schemaName: request.schemaName,
            timeoutMs: options.timeoutMs,
            ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...(signal === undefined ? {} : { signal }),
          });
          limiter.reconcile(estimated, result.usage.inputTokens + result.usage.outputTokens);
          return result;
        },
        {
          ...(signal === undefined ? {} : { signal }),
          onRetry: ({ error, delayMs }) => {
            if (error instanceof ApiCallError && error.statusCode === 429) limiter.pauseFor(delayMs);
            options.onRetry?.({ jobId, delayMs, message: redactUrlsInText(errorMessage(error)) });
          },
        },
      );
      return { ok: true, text: answer.text, finishReason: answer.finishReason, usage: answer.usage };
    } catch (error) {
      // An interrupted worker leaves the job to another (BullMQ moves a stalled job back).
      if (error instanceof InterruptedError) throw error;
      return {
        ok: false,
        error: {
          code: error instanceof JobdistillError ? error.code : "internal",
          message: redactUrlsInText(errorMessage(error)),
          ...(error instanceof ApiCallError && error.statusCode !== undefined
            ? { statusCode: error.statusCode }
            : {}),
        },
      };
    }
  };
}
