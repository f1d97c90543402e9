import { type ErrorCode, JobdistillError } from "../core/errors.ts";

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export type FinishReason = "stop" | "length" | "content-filter" | "other";

/** Statuses worth another try: timeouts, lock conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The codes a failed provider call carries. */
export type ApiCallErrorCode = Extract<ErrorCode, "api-call" | "rate-limited" | "timeout" | "network">;

/** A provider call failed before producing text (HTTP error, network error, timeout). */
export class ApiCallError extends JobdistillError {
  readonly statusCode: number | undefined;
  /** What the server asked us to wait before trying again, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: {
      code?: ApiCallErrorCode;
      statusCode?: number;
      isRetryable: boolean;
      retryAfterMs?: number | undefined;
      data?: Record<string, unknown>;
    },
  ) {
    super(message, {
      code: options.code ?? "api-call",
      isRetryable: options.isRetryable,
      data: { ...options.data, statusCode: options.statusCode, retryAfterMs: options.retryAfterMs },
    });
    this.name = "ApiCallError";
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The one place an HTTP status becomes an error: whether to retry and how long the server asked us to wait. */
export function apiCallErrorFromStatus(
  status: number,
  message: string,
  headers?: { get(name: string): string | null },
): ApiCallError {
  const retryAfterMs = headers ? parseRetryAfterMs(headers) : undefined;
  return new ApiCallError(`HTTP ${status}: ${message.replace(/^\d{3}\s+/, "")}`, {
    code: status === 429 ? "rate-limited" : "api-call",
    statusCode: status,
    isRetryable: isRetryableStatus(status),
    retryAfterMs,
  });
}

/** A call that took longer than its timeout. Retryable: the next try may be luckier. */
export function timeoutError(timeoutMs: number): ApiCallError {
  return new ApiCallError(`the call timed out after ${timeoutMs} ms`, { code: "timeout", isRetryable: true });
}

/** `retry-after-ms` (milliseconds), then `retry-after` (seconds or an HTTP date), as openai-node reads them. */
export function parseRetryAfterMs(
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null) return undefined;
  const seconds = Number.parseFloat(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

export interface OutputEvidence {
  rawText: string;
  usage: TokenUsage;
  finishReason: FinishReason;
  issues: string[];
}

/** The codes of an answer no object could be made of. */
export type NoObjectErrorCode = Extract<ErrorCode, "no-object" | "truncated" | "content-filter">;

/** The model answered, but no valid object could be made of it. Carries the evidence. */
export class NoObjectGeneratedError extends JobdistillError {
  readonly rawText: string;
  readonly usage: TokenUsage;
  readonly finishReason: FinishReason;
  readonly issues: string[];

  constructor(message: string, evidence: OutputEvidence, code: NoObjectErrorCode = "no-object") {
    super(message, { code, isRetryable: false, data: { ...evidence } });
    this.name = "NoObjectGeneratedError";
    this.rawText = evidence.rawText;
    this.usage = evidence.usage;
    this.finishReason = evidence.finishReason;
    this.issues = evidence.issues;
  }
}

/** The answer hit the output-token limit (finish reason `length`): its own error, not a parse failure. */
export class TruncatedOutputError extends NoObjectGeneratedError {
  constructor(
    evidence: Omit<OutputEvidence, "finishReason" | "issues">,
    maxOutputTokens: number | undefined,
  ) {
    super(
      `the answer was cut off at the output limit${maxOutputTokens === undefined ? "" : ` (${maxOutputTokens} tokens)`}`,
      { ...evidence, finishReason: "length", issues: ["output truncated (finish reason: length)"] },
      "truncated",
    );
    this.name = "TruncatedOutputError";
  }
}

/**
 * The provider withheld the answer (finish reason `content_filter`): its own error, never re-asked
 * or retried, since asking the same again gets the same refusal.
 */
export class ContentFilteredError extends NoObjectGeneratedError {
  constructor(evidence: Omit<OutputEvidence, "finishReason" | "issues">) {
    super(
      "the provider's content filter withheld the answer (finish reason: content_filter)",
      { ...evidence, finishReason: "content-filter", issues: ["answer withheld by the content filter"] },
      "content-filter",
    );
    this.name = "ContentFilteredError";
  }
}

/** The run (or one call) was stopped by the user. */
export class InterruptedError extends JobdistillError {
  constructor(message = "interrupted") {
    super(message, { code: "interrupted" });
    this.name = "InterruptedError";
  }
}

/** Replaces every occurrence of each secret, so no key reaches a message, log or database row. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}
