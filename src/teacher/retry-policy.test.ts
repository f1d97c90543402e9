import { afterEach, describe, expect, it, vi } from "vitest";
import { JobdistillError } from "../core/errors.ts";
import { ApiCallError, apiCallErrorFromStatus, InterruptedError, parseRetryAfterMs } from "./errors.ts";
import {
  defaultRetryPolicy,
  isRetryableError,
  type RetryPolicy,
  retryDelayMs,
  withRetry,
} from "./retry-policy.ts";

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
});

const busy = (retryAfterMs?: number): ApiCallError =>
  new ApiCallError("busy", { isRetryable: true, retryAfterMs });

describe("retryDelayMs", () => {
  const policy: RetryPolicy = {
    maxRetries: 5,
    initialDelayMs: 500,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
  };

  it("honours a retry-after exactly at the cap, and distrusts one a millisecond over it", () => {
    expect(retryDelayMs(policy, 0, busy(60_000), () => 1)).toBe(60_000);
    expect(retryDelayMs(policy, 0, busy(60_001), () => 1)).toBe(500);
    expect(retryDelayMs(policy, 3, busy(60_001), () => 1)).toBe(4_000);
    expect(retryDelayMs({ ...policy, maxRetryAfterMs: 100 }, 0, busy(100), () => 1)).toBe(100);
    expect(retryDelayMs({ ...policy, maxRetryAfterMs: 100 }, 0, busy(101), () => 1)).toBe(500);
  });

  it("honours a retry-after of 0 (retry at once) rather than backing off", () => {
    expect(retryDelayMs(policy, 4, busy(0), () => 1)).toBe(0);
  });

  it("doubles the backoff ceiling per retry up to maxDelayMs, with full jitter", () => {
    const ceilings = Array.from({ length: 8 }, (_, index) => retryDelayMs(policy, index, busy(), () => 1));
    expect(ceilings).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000]);
    const small = { ...policy, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3, 4].map((index) => retryDelayMs(small, index, busy(), () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    // Full jitter: anywhere from 0 to the ceiling.
    for (const index of [0, 3, 9]) expect(retryDelayMs(policy, index, busy(), () => 0)).toBe(0);
    expect(retryDelayMs(policy, 3, busy(), () => 0.25)).toBe(1_000);
    expect(retryDelayMs(policy, 9, busy(), () => 0.5)).toBe(4_000);
  });

  it("backs off for errors that carry no retry-after, ApiCallError or not", () => {
    const timeout = new JobdistillError("slow", { code: "timeout", isRetryable: true });
    expect(retryDelayMs(policy, 1, timeout, () => 1)).toBe(1_000);
    expect(retryDelayMs(policy, 1, new Error("network"), () => 1)).toBe(1_000);
  });

  it("draws the jitter from Math.random by default", () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    try {
      expect(retryDelayMs(policy, 1, busy())).toBe(500);
    } finally {
      random.mockRestore();
    }
  });
});

describe("isRetryableError", () => {
  it("retries only project errors that say they are retryable", () => {
    expect(isRetryableError(busy())).toBe(true);
    expect(isRetryableError(new JobdistillError("x", { code: "timeout", isRetryable: true }))).toBe(true);
    expect(isRetryableError(new ApiCallError("bad request", { isRetryable: false }))).toBe(false);
    expect(isRetryableError(new JobdistillError("x", { code: "usage" }))).toBe(false);
    expect(isRetryableError(new Error("plain"))).toBe(false);
    expect(isRetryableError("busy")).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
  });
});

describe("withRetry", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const instant: RetryPolicy = {
    maxRetries: 3,
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 1_000,
  };

  it("makes exactly maxRetries retries, then throws the last error", async () => {
    const tries: number[] = [];
    const retries: number[] = [];
    const errors: ApiCallError[] = [];
    const failure = await withRetry(
      instant,
      async (tryIndex) => {
        tries.push(tryIndex);
        const error = busy();
        errors.push(error);
        throw error;
      },
      { random: () => 0, onRetry: (event) => retries.push(event.retryIndex) },
    ).catch((error: unknown) => error);
    expect(tries).toEqual([0, 1, 2, 3]);
    expect(retries).toEqual([0, 1, 2]);
    expect(failure).toBe(errors[3]);
  });

  it("succeeds on the last try allowed", async () => {
    let calls = 0;
    const result = await withRetry(
      instant,
      async () => {
        calls++;
        if (calls <= 3) throw busy();
        return "ok";
      },
      { random: () => 0 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(4);
  });

  it("tries once when maxRetries is 0", async () => {
    let calls = 0;
    const error = busy();
    await expect(
      withRetry({ ...instant, maxRetries: 0 }, async () => {
        calls++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it("does not retry an error that is not retryable", async () => {
    for (const error of [
      new ApiCallError("bad request", { isRetryable: false, statusCode: 400 }),
      new Error("x"),
    ]) {
      let calls = 0;
      const retries: unknown[] = [];
      await expect(
        withRetry(
          instant,
          async () => {
            calls++;
            throw error;
          },
          { onRetry: (event) => retries.push(event) },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
      expect(retries).toEqual([]);
    }
  });

  it("waits each reported delay on the clock before the next try", async () => {
    vi.useFakeTimers({ now: 0 });
    const triedAt: number[] = [];
    const delays: number[] = [];
    const pending = withRetry(
      { ...instant, maxRetries: 4 },
      async (tryIndex) => {
        triedAt.push(Date.now());
        if (tryIndex === 2) throw busy(250);
        if (tryIndex < 4) throw busy();
        return tryIndex;
      },
      { random: () => 1, onRetry: (event) => delays.push(event.delayMs) },
    );
    await vi.runAllTimersAsync();
    expect(await pending).toBe(4);
    // Backoff 100, 200, then the server's 250, then backoff 800.
    expect(delays).toEqual([100, 200, 250, 800]);
    expect(triedAt).toEqual([0, 100, 300, 550, 1_350]);
  });

  it("does not call at all when the signal is already aborted", async () => {
    const stop = new AbortController();
    stop.abort();
    let calls = 0;
    await expect(
      withRetry(
        instant,
        async () => {
          calls++;
          return "ok";
        },
        { signal: stop.signal },
      ),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(calls).toBe(0);
  });

  it("stops waiting when the signal aborts, without another try", async () => {
    vi.useFakeTimers({ now: 0 });
    const stop = new AbortController();
    let calls = 0;
    const pending = withRetry(
      defaultRetryPolicy,
      async () => {
        calls++;
        throw busy(10_000);
      },
      { signal: stop.signal },
    ).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(20);
    stop.abort();
    expect(await pending).toBeInstanceOf(InterruptedError);
    await vi.runAllTimersAsync();
    expect(calls).toBe(1);
  });
});

describe("parseRetryAfterMs", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const now = Date.parse("2026-01-01T00:00:00Z");
  const parse = (entries: Record<string, string>) => parseRetryAfterMs(headers(entries), now);

  it("reads retry-after-ms as milliseconds, decimals and 0 included", () => {
    expect(parse({ "retry-after-ms": "250" })).toBe(250);
    expect(parse({ "retry-after-ms": "12.5" })).toBe(12.5);
    expect(parse({ "retry-after-ms": "0" })).toBe(0);
  });

  it("falls back to retry-after when retry-after-ms is negative or garbage", () => {
    expect(parse({ "retry-after-ms": "-5", "retry-after": "2" })).toBe(2_000);
    expect(parse({ "retry-after-ms": "soon", "retry-after": "2" })).toBe(2_000);
    expect(parse({ "retry-after-ms": "", "retry-after": "2" })).toBe(2_000);
    expect(parse({ "retry-after-ms": "-5" })).toBeUndefined();
    expect(parse({ "retry-after-ms": "Infinity" })).toBeUndefined();
  });

  it("reads retry-after as seconds, decimals and 0 included", () => {
    expect(parse({ "retry-after": "1.5" })).toBe(1_500);
    expect(parse({ "retry-after": "0.25" })).toBe(250);
    expect(parse({ "retry-after": "0" })).toBe(0);
    expect(parse({ "retry-after": "120" })).toBe(120_000);
  });

  it("reads an HTTP date as the time left until it, and a date in the past as 0, never negative", () => {
    expect(parse({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" })).toBe(3_000);
    expect(parse({ "retry-after": "Thu, 01 Jan 2026 00:00:00 GMT" })).toBe(0);
    expect(parse({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" })).toBe(0);
    expect(parse({ "retry-after": "Mon, 01 Jan 2001 00:00:00 GMT" })).toBe(0);
  });

  it("never gives a negative wait for a negative number of seconds", () => {
    for (const value of ["-1", "-0.5", "-3600"]) {
      const wait = parse({ "retry-after": value });
      expect(wait === undefined || wait >= 0, `${value} gave ${wait}`).toBe(true);
    }
  });

  it("gives undefined for garbage or no header", () => {
    expect(parse({ "retry-after": "soon" })).toBeUndefined();
    expect(parse({ "retry-after": "" })).toBeUndefined();
    expect(parse({ "retry-after": "Infinity" })).toBeUndefined();
    expect(parse({})).toBeUndefined();
  });

  it("measures a date against the current time by default", () => {
    vi.useFakeTimers({ now });
    expect(parseRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }))).toBe(3_000);
  });

  it("puts the parsed wait on the error made from an HTTP status, and none without headers", () => {
    const limited = apiCallErrorFromStatus(429, "slow down", headers({ "retry-after-ms": "321" }));
    expect(limited).toMatchObject({
      statusCode: 429,
      code: "rate-limited",
      isRetryable: true,
      retryAfterMs: 321,
    });
    expect(apiCallErrorFromStatus(503, "x", headers({}))).toMatchObject({
      code: "api-call",
      retryAfterMs: undefined,
    });
    expect(apiCallErrorFromStatus(503, "x").retryAfterMs).toBeUndefined();
    expect(apiCallErrorFromStatus(500, "x").message).toBe("HTTP 500: x");
  });
});
