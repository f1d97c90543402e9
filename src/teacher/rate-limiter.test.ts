import { describe, expect, it } from "vitest";
import { InterruptedError } from "./errors.ts";
import { RateLimiter } from "./rate-limiter.ts";

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("RateLimiter", () => {
  it("lets a quarter-second burst through, then paces so 60 s never hold more than the limit", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 600 }, clock.now);
    // Greedy callers at every millisecond of a minute (the window's both ends included).
    let admitted = 0;
    for (let step = 0; step <= 60_000; step += 1) {
      while (limiter.tryAcquire(1)) admitted++;
      clock.advance(1);
    }
    expect(admitted).toBeLessThanOrEqual(600);
    expect(admitted).toBeGreaterThanOrEqual(590);
    expect(admitted).toBeLessThanOrEqual(594);
  });

  it("waits for tokens-per-minute, and lets one request larger than the bucket through", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 });
    const start = performance.now();
    await limiter.acquire(50_000);
    expect(performance.now() - start).toBeLessThan(50);
    // The bucket (5,000 tokens) is now in debt: the next call waits until it refills.
    const next = limiter.acquire(10);
    const waited = await Promise.race([
      next.then(() => "ran"),
      new Promise((r) => setTimeout(() => r("waiting"), 100)),
    ]);
    expect(waited).toBe("waiting");
    const stop = new AbortController();
    const aborted = limiter.acquire(10, stop.signal);
    stop.abort();
    await expect(aborted).rejects.toBeInstanceOf(InterruptedError);
  });

  it("reconciles estimates with real usage", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 120_000 });
    await limiter.acquire(10_000);
    limiter.reconcile(10_000, 100);
    const start = performance.now();
    await limiter.acquire(9_000);
    expect(performance.now() - start).toBeLessThan(50);
  });

  it("pauses every caller for the time a server asked", async () => {
    const limiter = new RateLimiter({});
    limiter.pauseFor(200);
    const start = performance.now();
    await Promise.all([limiter.acquire(1), limiter.acquire(1)]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(195);
  });
});
