import { describe, expect, it } from "vitest";
import { ApiCallError, apiCallErrorFromStatus, InterruptedError, parseRetryAfterMs } from "./errors.ts";
import { defaultRetryPolicy, retryDelayMs, withRetry } from "./retry-policy.ts";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("retry policy", () => {
  it("maps HTTP statuses to retryable or not in one place", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504])
      expect(apiCallErrorFromStatus(status, "x").isRetryable).toBe(true);
    for (const status of [400, 401, 403, 404, 422])
      expect(apiCallErrorFromStatus(status, "x").isRetryable).toBe(false);
    expect(apiCallErrorFromStatus(429, "429 slow down").message).toBe("HTTP 429: slow down");
  });

  it("reads retry-after-ms first, then retry-after in seconds or as a date", () => {
    expect(parseRetryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(parseRetryAfterMs(headers({ "retry-after": "1.5" }))).toBe(1500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfterMs(headers({}))).toBeUndefined();
    expect(apiCallErrorFromStatus(429, "x", headers({ "retry-after": "2" })).retryAfterMs).toBe(2000);
  });

  it("uses the server's wait when sane, else capped exponential backoff with full jitter", () => {
    const policy = defaultRetryPolicy;
    const limited = new ApiCallError("x", { isRetryable: true, retryAfterMs: 1234 });
    expect(retryDelayMs(policy, 0, limited)).toBe(1234);
    const absurd = new ApiCallError("x", { isRetryable: true, retryAfterMs: 3_600_000 });
    expect(retryDelayMs(policy, 0, absurd, () => 1)).toBe(policy.initialDelayMs);
    const plain = new ApiCallError("x", { isRetryable: true });
    expect(retryDelayMs(policy, 2, plain, () => 1)).toBe(policy.initialDelayMs * 4);
    expect(retryDelayMs(policy, 2, plain, () => 0.5)).toBe(policy.initialDelayMs * 2);
    expect(retryDelayMs(policy, 30, plain, () => 1)).toBe(policy.maxDelayMs);
  });

  it("retries until success, reporting each wait", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      { ...defaultRetryPolicy, initialDelayMs: 1 },
      async () => {
        calls++;
        if (calls < 3) throw new ApiCallError("busy", { isRetryable: true, retryAfterMs: 5 });
        return "ok";
      },
      { onRetry: (event) => waits.push(event.delayMs) },
    );
    expect(result).toBe("ok");
    expect(waits).toEqual([5, 5]);
  });

  it("stops waiting when the signal aborts", async () => {
    const stop = new AbortController();
    const pending = withRetry(
      defaultRetryPolicy,
      async () => {
        throw new ApiCallError("busy", { isRetryable: true, retryAfterMs: 10_000 });
      },
      { signal: stop.signal },
    );
    setTimeout(() => stop.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
  });
});
