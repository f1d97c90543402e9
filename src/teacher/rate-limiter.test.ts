import { afterEach, describe, expect, it, vi } from "vitest";
import { InterruptedError } from "./errors.ts";
import { RateLimiter } from "./rate-limiter.ts";

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms), set: (ms) => (time = ms) };
}

interface Grant {
  at: number;
  tokens: number;
}

/** The most tokens granted in any closed window [t, t + 60 s], t being any grant's time. */
function busiestMinute(grants: readonly Grant[]): { start: number; tokens: number } {
  let busiest = { start: 0, tokens: 0 };
  let end = 0;
  let sum = 0;
  for (const [index, grant] of grants.entries()) {
    while (end < grants.length && (grants[end] as Grant).at <= grant.at + 60_000) {
      sum += (grants[end] as Grant).tokens;
      end++;
    }
    if (sum > busiest.tokens) busiest = { start: grant.at, tokens: sum };
    sum -= (grants[index] as Grant).tokens;
  }
  return busiest;
}

/** Greedy callers at every millisecond for `durationMs` (both ends included), asking `sizes` in turn. */
function greedyTokens(tokensPerMinute: number, durationMs: number, sizes: readonly number[]): Grant[] {
  const clock = manualClock();
  const limiter = new RateLimiter({ tokensPerMinute }, clock.now);
  const grants: Grant[] = [];
  for (let at = 0; at <= durationMs; at++) {
    clock.set(at);
    for (;;) {
      const tokens = sizes[grants.length % sizes.length] as number;
      if (!limiter.tryAcquire(tokens)) break;
      grants.push({ at, tokens });
    }
  }
  return grants;
}

const sum = (grants: readonly Grant[]): number => grants.reduce((total, grant) => total + grant.tokens, 0);

/** The first time (stepping by 1 ms from `from`) at which `tryAcquire(tokens)` succeeds. */
function firstGrant(limiter: RateLimiter, clock: ReturnType<typeof manualClock>, tokens: number, from = 0) {
  for (let at = from; at < 10_000_000; at++) {
    clock.set(at);
    if (limiter.tryAcquire(tokens)) return at;
  }
  throw new Error("never granted");
}

describe("RateLimiter, requests per minute", () => {
  it("lets a quarter-second burst through, then paces so 60 s never hold more than the limit", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 600 }, clock.now);
    // Greedy callers at every millisecond of a minute (the window's both ends included).
    let admitted = 0;
    for (let step = 0; step <= 60_000; step += 1) {
      while (limiter.tryAcquire(1)) admitted++;
      clock.advance(1);
    }
    // A burst of 2, then (600 - 2 - 1) × 0.99 = 591.03 a minute: 593 in the first 60 s, under the limit.
    expect(admitted).toBe(593);
  });

  it("holds a burst of a quarter second's requests, at least one", () => {
    for (const [requestsPerMinute, burst] of [
      [100, 1],
      [240, 1],
      [600, 2],
      [2_400, 10],
    ] as const) {
      const limiter = new RateLimiter({ requestsPerMinute }, () => 0);
      let admitted = 0;
      while (limiter.tryAcquire(1)) admitted++;
      expect(admitted, `${requestsPerMinute} rpm`).toBe(burst);
    }
  });

  it("spaces requests by the safe rate: (rpm - burst - 1) × 0.99, or half the limit when that is less", () => {
    const clock = manualClock();
    // 60 rpm: burst 1, then 58 × 0.99 = 57.42 a minute, one every 1,044.9 ms.
    const sixty = new RateLimiter({ requestsPerMinute: 60 }, clock.now);
    expect(firstGrant(sixty, clock, 1)).toBe(0);
    expect(firstGrant(sixty, clock, 1)).toBe(1_045);
    expect(firstGrant(sixty, clock, 1, 1_045)).toBe(2_090);
    // 1 rpm: 1 - 1 - 1 < 0.5, so half the limit × 0.99: one every 121,212.1 ms.
    clock.set(0);
    const one = new RateLimiter({ requestsPerMinute: 1 }, clock.now);
    expect(firstGrant(one, clock, 1)).toBe(0);
    expect(firstGrant(one, clock, 1)).toBe(121_213);
  });

  it("books nothing on reconcile when only requests are limited", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 60 }, clock.now);
    expect(limiter.tryAcquire(1_000_000)).toBe(true);
    limiter.reconcile(1_000_000, 5_000_000);
    expect(firstGrant(limiter, clock, 1)).toBe(1_045);
  });
});

describe("RateLimiter, tokens per minute", () => {
  it("never grants more than the limit in any 60 s window, for any window start", () => {
    for (const sizes of [[100], [1, 250, 3_000, 999, 5_000]]) {
      const grants = greedyTokens(60_000, 600_000, sizes);
      const busiest = busiestMinute(grants);
      expect(busiest.tokens, `sizes ${sizes}`).toBeLessThanOrEqual(60_000);
      // The busiest minute is the first: the full bucket (tpm / 12) plus a minute of refill.
      expect(busiest.start, `sizes ${sizes}`).toBe(0);
    }
  });

  it("grants the bucket plus (tpm - bucket) × 0.995 in the first minute, close to the limit", () => {
    const grants = greedyTokens(60_000, 60_000, [100]);
    // 5,000 + 55,000 × 0.995 = 59,725, granted in whole requests of 100.
    expect(sum(grants)).toBe(59_700);
    // The bucket's 5,000 go at once.
    expect(sum(grants.filter((grant) => grant.at === 0))).toBe(5_000);
    expect(grants.filter((grant) => grant.at === 0)).toHaveLength(50);
  });

  it("keeps a long-run rate of (tpm - bucket) × 0.995 a minute, neither over nor far under", () => {
    const grants = greedyTokens(60_000, 600_000, [100]);
    expect(sum(grants)).toBe(552_200);
    for (let minute = 1; minute < 10; minute++) {
      const tokens = sum(grants.filter((g) => g.at > minute * 60_000 && g.at <= (minute + 1) * 60_000));
      expect(tokens, `minute ${minute}`).toBeGreaterThanOrEqual(54_700);
      expect(tokens, `minute ${minute}`).toBeLessThanOrEqual(54_800);
    }
    // The same for a higher limit: 1.2 M tpm refills 1.1 M × 0.995 = 1,094,500 a minute.
    const fast = greedyTokens(1_200_000, 120_000, [1_000]);
    expect(sum(fast.filter((grant) => grant.at > 60_000))).toBe(1_095_000);
  });

  it("fills only to the bucket after a long idle spell", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    clock.set(3_600_000);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(false);
  });

  it("lets one request larger than the bucket through, then waits until the debt is repaid", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(50_000)).toBe(true);
    // 45,010 tokens to refill at 55,000 × 0.995 / 60,000 per ms: 49,348.5 ms.
    clock.set(49_348);
    expect(limiter.tryAcquire(10)).toBe(false);
    clock.set(49_349);
    expect(limiter.tryAcquire(10)).toBe(true);
  });

  it("makes a request larger than the bucket wait only for a full bucket", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    // 5,000 tokens (the bucket) refill in 5,481.96 ms, whatever the request's size.
    expect(firstGrant(limiter, clock, 50_000)).toBe(5_482);
  });

  it("gives back what a call did not use, but never beyond the bucket", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    limiter.reconcile(5_000, 1_000);
    expect(limiter.tryAcquire(4_000)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(false);

    // Taken, then refilled to the full bucket: reporting less now must not lift it above 5,000.
    clock.set(10_000);
    expect(limiter.tryAcquire(1_000)).toBe(true);
    clock.set(20_000);
    limiter.reconcile(1_000, 0);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(false);
  });

  it("puts the bucket in debt when a call used more than estimated, delaying the next caller", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(1_000)).toBe(true);
    limiter.reconcile(1_000, 6_000);
    // The bucket stands at -1,000: 1,001 tokens to refill, 1,097.5 ms.
    expect(firstGrant(limiter, clock, 1)).toBe(1_098);
  });

  it("does not take tokens when tryAcquire says no", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, clock.now);
    expect(limiter.tryAcquire(4_000)).toBe(true);
    for (let i = 0; i < 10; i++) expect(limiter.tryAcquire(1_001)).toBe(false);
    expect(limiter.tryAcquire(1_000)).toBe(true);
  });
});

describe("RateLimiter without limits", () => {
  it("lets everything through when no limit (or a limit of 0 or less) is set", () => {
    for (const limits of [{}, { requestsPerMinute: 0, tokensPerMinute: 0 }, { requestsPerMinute: -5 }]) {
      const limiter = new RateLimiter(limits, () => 0);
      for (let i = 0; i < 100; i++) expect(limiter.tryAcquire(1_000_000)).toBe(true);
      limiter.reconcile(1, 1_000_000);
      expect(limiter.tryAcquire(1_000_000)).toBe(true);
    }
  });
});

describe("RateLimiter.pauseFor", () => {
  it("stops every caller until the pause ends, counted from when it was asked", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({}, clock.now);
    clock.set(500);
    limiter.pauseFor(300);
    clock.set(799);
    expect(limiter.tryAcquire(1)).toBe(false);
    clock.set(800);
    expect(limiter.tryAcquire(1)).toBe(true);
    expect(limiter.tryAcquire(1)).toBe(true);
  });

  it("never shortens a longer pause already in force", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({}, clock.now);
    limiter.pauseFor(1_000);
    clock.set(100);
    limiter.pauseFor(200);
    clock.set(999);
    expect(limiter.tryAcquire(1)).toBe(false);
    clock.set(1_000);
    expect(limiter.tryAcquire(1)).toBe(true);
  });

  it("extends a shorter pause with a longer one", () => {
    const clock = manualClock();
    const limiter = new RateLimiter({}, clock.now);
    limiter.pauseFor(200);
    limiter.pauseFor(1_000);
    clock.set(999);
    expect(limiter.tryAcquire(1)).toBe(false);
    clock.set(1_000);
    expect(limiter.tryAcquire(1)).toBe(true);
  });
});

/** A promise's state, readable without awaiting it. */
function track(promise: Promise<unknown>): {
  state: () => "pending" | "resolved" | "rejected";
  at: () => number;
} {
  let state: "pending" | "resolved" | "rejected" = "pending";
  let at = Number.NaN;
  promise.then(
    () => {
      state = "resolved";
      at = Date.now();
    },
    () => {
      state = "rejected";
      at = Date.now();
    },
  );
  return { state: () => state, at: () => at };
}

describe("RateLimiter.acquire on a fake clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const fakeClock = (): (() => number) => {
    vi.useFakeTimers({ now: 0 });
    return () => Date.now();
  };

  it("sleeps exactly until the bucket holds the request, one caller after another", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, fakeClock());
    const times: number[] = [];
    const callers = Array.from({ length: 8 }, () =>
      limiter.acquire(1_000).then(() => times.push(Date.now())),
    );
    await vi.runAllTimersAsync();
    await Promise.all(callers);
    // Five from the bucket at once, then one per 1,000 / (55,000 × 0.995 / 60,000) = 1,096.4 ms.
    expect(times).toEqual([0, 0, 0, 0, 0, 1_097, 2_193, 3_290]);
  });

  it("keeps every 60 s window under the limit with greedy callers waiting in line", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 12_000 }, fakeClock());
    const grants: Grant[] = [];
    const sizes = [700, 50, 1_000, 333];
    const callers = Array.from({ length: 120 }, (_, index) => {
      const tokens = sizes[index % sizes.length] as number;
      return limiter.acquire(tokens).then(() => grants.push({ at: Date.now(), tokens }));
    });
    await vi.runAllTimersAsync();
    await Promise.all(callers);
    expect(busiestMinute(grants).tokens).toBeLessThanOrEqual(12_000);
    // 1,000 from the bucket, then 61,490 refilled at 11,000 × 0.995 = 10,945 a minute: 337.09 s.
    expect(sum(grants)).toBe(62_490);
    expect(grants.at(-1)?.at).toBe(337_089);
  });

  it("pauses every caller for the time a server asked", async () => {
    const limiter = new RateLimiter({}, fakeClock());
    limiter.pauseFor(200);
    const first = track(limiter.acquire(1));
    const second = track(limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(199);
    expect([first.state(), second.state()]).toEqual(["pending", "pending"]);
    await vi.advanceTimersByTimeAsync(1);
    expect([first.at(), second.at()]).toEqual([200, 200]);
  });

  it("waits out a debt, and a waiting caller leaves the line when its signal aborts", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, fakeClock());
    expect(limiter.tryAcquire(50_000)).toBe(true);
    const next = track(limiter.acquire(10));
    const stop = new AbortController();
    const aborted = limiter.acquire(10, stop.signal);
    const abortedState = track(aborted);
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(abortedState.state()).toBe("rejected");
    await expect(aborted).rejects.toBeInstanceOf(InterruptedError);
    expect(next.state()).toBe("pending");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(next.at()).toBe(49_349);
  });

  it("rejects at once a caller whose signal is already aborted, even behind a waiting caller", async () => {
    const limiter = new RateLimiter({}, fakeClock());
    limiter.pauseFor(10_000);
    const waiting = track(limiter.acquire(1));
    const stop = new AbortController();
    stop.abort();
    const aborted = limiter.acquire(1, stop.signal);
    const abortedState = track(aborted);
    await vi.advanceTimersByTimeAsync(0);
    expect(abortedState.state()).toBe("rejected");
    await expect(aborted).rejects.toBeInstanceOf(InterruptedError);
    expect(waiting.state()).toBe("pending");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(waiting.at()).toBe(10_000);
  });

  it("takes nothing for a caller that left the line, and serves the rest in order", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 60_000 }, fakeClock());
    limiter.pauseFor(10_000);
    const first = track(limiter.acquire(1_000));
    const stop = new AbortController();
    const leaving = limiter.acquire(1_000, stop.signal).catch((error: unknown) => error);
    const last = track(limiter.acquire(4_000));
    await vi.advanceTimersByTimeAsync(5_000);
    stop.abort();
    expect(await leaving).toBeInstanceOf(InterruptedError);
    await vi.advanceTimersByTimeAsync(5_000);
    // When the pause ends the full bucket (5,000) serves the first and the last at once: the one that
    // left took nothing and blocked no one.
    expect([first.state(), last.state()]).toEqual(["resolved", "resolved"]);
    expect([first.at(), last.at()]).toEqual([10_000, 10_000]);
  });

  it("resolves a caller with a signal that never aborts like one without", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60 }, fakeClock());
    const signal = new AbortController().signal;
    const first = track(limiter.acquire(1, signal));
    const second = track(limiter.acquire(1, signal));
    await vi.advanceTimersByTimeAsync(2_000);
    expect([first.at(), second.at()]).toEqual([0, 1_045]);
  });
});
