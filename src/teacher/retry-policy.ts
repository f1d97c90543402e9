import { JobdistillError } from "../core/errors.ts";
import { ApiCallError, InterruptedError } from "./errors.ts";
import { sleep } from "./sleep.ts";

/**
 * When and how long to wait before trying a failed call again (after openai-node's client):
 * only retryable errors (408/409/429/5xx, network errors, timeouts); the server's `retry-after`
 * when it gave one and it is sane; otherwise exponential backoff with full jitter, capped.
 */
export interface RetryPolicy {
  /** Tries after the first one. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A `retry-after` longer than this is distrusted and the backoff is used instead. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export function isRetryableError(error: unknown): boolean {
  return error instanceof JobdistillError && error.isRetryable;
}

/** The wait before retry number `retryIndex` (0 for the first retry). */
export function retryDelayMs(
  policy: RetryPolicy,
  retryIndex: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  if (error instanceof ApiCallError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs <= policy.maxRetryAfterMs) return error.retryAfterMs;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retryIndex);
  return random() * ceiling;
}

export interface RetryHooks {
  signal?: AbortSignal | undefined;
  /** Called before each wait, with the error that caused it. */
  onRetry?: (event: { error: unknown; retryIndex: number; delayMs: number }) => void;
  random?: () => number;
}

/** Calls `call` until it succeeds, fails with a non-retryable error, or the tries run out. */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: (tryIndex: number) => Promise<T>,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let tryIndex = 0; ; tryIndex++) {
    if (hooks.signal?.aborted) throw new InterruptedError();
    try {
      return await call(tryIndex);
    } catch (error) {
      if (!isRetryableError(error) || tryIndex >= policy.maxRetries) throw error;
      const delayMs = retryDelayMs(policy, tryIndex, error, hooks.random);
      hooks.onRetry?.({ error, retryIndex: tryIndex, delayMs });
      await sleep(delayMs, hooks.signal);
    }
  }
}
