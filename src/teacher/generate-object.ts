import { z } from "zod";
import type { ChatMessage } from "../core/task.ts";
import {
  ContentFilteredError,
  type FinishReason,
  InterruptedError,
  NoObjectGeneratedError,
  type TokenUsage,
  TruncatedOutputError,
} from "./errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
import { parseJsonOutput } from "./parse-json-output.ts";
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "./retry-policy.ts";

export interface GenerateObjectResult<O> {
  object: O;
  rawText: string;
  /** Tokens of every attempt together (repairs and retries included). */
  usage: TokenUsage;
  finishReason: FinishReason;
  /** Answers received (1 when the first was valid). */
  attempts: number;
}

/** Hooks the engine uses for pacing and bookkeeping; generateObject works without them. */
export interface GenerateObjectHooks {
  /** Awaited before every request (rate limiting). */
  beforeRequest?: (request: GenerateRequest) => Promise<void>;
  /** Called after every request that returned, with its real usage. */
  afterRequest?: (request: GenerateRequest, result: GenerateResult) => void;
  /** Called for every failed attempt; `final` is true for the one that ends the call. */
  onAttemptFailure?: (failure: { error: unknown; attempt: number; final: boolean }) => void;
  /** Called before a retry wait. */
  onRetry?: (event: { error: unknown; retryIndex: number; delayMs: number }) => void;
}

export interface GenerateObjectOptions<O> extends GenerateObjectHooks {
  model: LanguageModel;
  messages: ChatMessage[];
  schema: z.ZodType<O>;
  schemaName: string;
  /** Checks beyond the schema; any issue triggers a re-ask. */
  check?: ((object: O) => string[]) | undefined;
  /** Re-asks after an invalid answer (default 2). */
  maxRepairs?: number | undefined;
  /** Cancels requests in flight (and retry waits). */
  signal?: AbortSignal | undefined;
  /** Cancels only retry waits (default: `signal`), so a graceful stop need not kill a running request. */
  waitSignal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  retry?: RetryPolicy | undefined;
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  /**
   * After a truncated answer, try once more with this many output tokens, or with twice the limit
   * that was hit (`"double"`: twice `maxOutputTokens`, or twice the truncated answer's output tokens
   * when no limit was set). Default: fail at once.
   */
  truncationRetryMaxOutputTokens?: number | "double" | undefined;
  /** Passed on with every request (GenerateRequest.callKey). */
  callKey?: string | undefined;
}

function validationIssues<O>(schema: z.ZodType<O>, value: unknown): { object: O } | { issues: string[] } {
  const result = schema.safeParse(value);
  if (result.success) return { object: result.data };
  return {
    issues: result.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
    ),
  };
}

function repairMessage(issues: readonly string[]): ChatMessage {
  return {
    role: "user",
    content:
      "Your answer could not be used:\n" +
      issues.map((issue) => `- ${issue}`).join("\n") +
      "\nReply again with only the corrected JSON object, matching the schema exactly.",
  };
}

/** The output limit of the one re-ask after a truncated answer; undefined when there is none to make. */
function largerOutputLimit(
  setting: number | "double" | undefined,
  limit: number | undefined,
  truncatedOutputTokens: number,
): number | undefined {
  if (setting === undefined) return undefined;
  if (setting !== "double") return setting;
  const reached = limit ?? truncatedOutputTokens;
  return reached > 0 ? reached * 2 : undefined;
}

function addUsage(total: TokenUsage, usage: TokenUsage): TokenUsage {
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
  };
}

/**
 * Asks the model for an object that satisfies `schema` (after vercel/ai's generateObject):
 * strip fences → parse → jsonrepair → validate → check; on failure re-ask with the issues, at
 * most `maxRepairs` times. Transport failures are retried by the retry policy; a truncated
 * answer is a TruncatedOutputError. Every failed attempt is reported to `onAttemptFailure`.
 */
export async function generateObject<O>(options: GenerateObjectOptions<O>): Promise<GenerateObjectResult<O>> {
  const jsonSchema = z.toJSONSchema(options.schema, { io: "output" }) as Record<string, unknown>;
  const maxRepairs = options.maxRepairs ?? 2;
  const policy = options.retry ?? defaultRetryPolicy;
  const waitSignal = options.waitSignal ?? options.signal;
  let messages = options.messages;
  let maxOutputTokens = options.maxOutputTokens;
  let truncationRetried = false;
  let repairs = 0;
  let attempt = 0;
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const reportFailure = (error: unknown, final: boolean): void =>
    options.onAttemptFailure?.({ error, attempt, final });

  for (;;) {
    const request: GenerateRequest = {
      messages,
      jsonSchema,
      schemaName: options.schemaName,
      // A LanguageModel sees only the settings that are set (adapters forward the request as is).
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.callKey === undefined ? {} : { callKey: options.callKey }),
    };
    let result: GenerateResult;
    try {
      result = await withRetry(
        policy,
        async () => {
          attempt++;
          await options.beforeRequest?.(request);
          const answer = await options.model.generate(request);
          options.afterRequest?.(request, answer);
          return answer;
        },
        {
          signal: waitSignal,
          onRetry: (event) => {
            reportFailure(event.error, false);
            options.onRetry?.(event);
          },
        },
      );
    } catch (error) {
      if (!(error instanceof InterruptedError)) reportFailure(error, true);
      throw error;
    }
    usage = addUsage(usage, result.usage);
    const evidence = { rawText: result.text, usage: result.usage };

    if (result.finishReason === "content-filter") {
      const error = new ContentFilteredError(evidence);
      reportFailure(error, true);
      throw error;
    }

    if (result.finishReason === "length") {
      const error = new TruncatedOutputError(evidence, maxOutputTokens);
      const larger = truncationRetried
        ? undefined
        : largerOutputLimit(
            options.truncationRetryMaxOutputTokens,
            maxOutputTokens,
            result.usage.outputTokens,
          );
      reportFailure(error, larger === undefined);
      if (larger === undefined) throw error;
      truncationRetried = true;
      maxOutputTokens = larger;
      continue;
    }

    const parsed = parseJsonOutput(result.text);
    let issues: string[];
    if (!parsed.ok) {
      issues = [parsed.issue];
    } else {
      const validated = validationIssues(options.schema, parsed.value);
      if ("object" in validated) {
        issues = options.check?.(validated.object) ?? [];
        if (issues.length === 0) {
          return {
            object: validated.object,
            rawText: result.text,
            usage,
            finishReason: result.finishReason,
            attempts: attempt,
          };
        }
      } else {
        issues = validated.issues;
      }
    }
    const final = repairs >= maxRepairs;
    const error = new NoObjectGeneratedError(
      `no valid object after ${repairs + 1} answer(s): ${issues.slice(0, 3).join("; ")}`,
      { ...evidence, finishReason: result.finishReason, issues },
    );
    reportFailure(error, final);
    if (final) throw error;
    repairs++;
    messages = [...messages, { role: "assistant", content: result.text }, repairMessage(issues)];
  }
}
