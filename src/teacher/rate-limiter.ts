import { InterruptedError } from "./errors.ts";
import { sleep } from "./sleep.ts";

export interface RateLimits {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** A bucket that refills continuously; it may go into debt so one large request never waits forever. */
class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    private readonly now: () => number,
  ) {
    this.level = capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const time = this.now();
    this.level = Math.min(this.capacity, this.level + (time - this.updatedAt) * this.refillPerMs);
    this.updatedAt = time;
  }

  /** Milliseconds until `amount` may be taken (0 when it may be taken now). */
  waitFor(amount: number): number {
    this.refill();
    const needed = Math.min(amount, this.capacity);
    if (this.level >= needed) return 0;
    return Math.ceil((needed - this.level) / this.refillPerMs);
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }

  /** Corrects an estimate once the real figure is known. */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level - delta);
  }
}

/**
 * Paces calls so the client itself never exceeds a server's per-minute limits. The request
 * bucket holds a small burst (a quarter second's worth, so a late timer loses nothing) and refills
 * at a rate chosen so that no 60-second window, even one shifted by network jitter, can hold
 * more than the limit: burst + rate × 60 s < limit.
 * Callers go through one FIFO line, so waits are fair and only the head of the line sleeps.
 * A 429 from the server pauses everyone for the time it asked.
 */
export class RateLimiter {
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;
  private pausedUntil = 0;
  private line: Promise<void> = Promise.resolve();

  constructor(
    limits: RateLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    const rpm = limits.requestsPerMinute;
    if (rpm !== undefined && rpm > 0) {
      const burst = Math.max(1, Math.floor(rpm / 240));
      // 1% under the limit: room for a few hundred milliseconds of jitter between our clock and the server's.
      const safeRate = Math.max(rpm - burst - 1, rpm / 2) * 0.99;
      this.requests = new TokenBucket(burst, safeRate / 60_000, now);
    }
    const tpm = limits.tokensPerMinute;
    if (tpm !== undefined && tpm > 0) {
      const capacity = tpm / 12;
      this.tokens = new TokenBucket(capacity, ((tpm - capacity) * 0.995) / 60_000, now);
    }
  }

  /** Waits for a turn that costs one request and `estimatedTokens` tokens. */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<void> {
    const turn = this.line.then(() => this.waitAndTake(estimatedTokens, signal));
    this.line = turn.catch(() => undefined);
    if (signal === undefined) return turn;
    // A caller still in line leaves it at once when its signal aborts.
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new InterruptedError());
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      turn.then(
        () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  /** Takes a turn if one is free right now, without waiting. */
  tryAcquire(estimatedTokens: number): boolean {
    if (this.waitMs(estimatedTokens) > 0) return false;
    this.take(estimatedTokens);
    return true;
  }

  private waitMs(estimatedTokens: number): number {
    return Math.max(
      this.pausedUntil - this.now(),
      this.requests?.waitFor(1) ?? 0,
      this.tokens?.waitFor(estimatedTokens) ?? 0,
    );
  }

  private take(estimatedTokens: number): void {
    this.requests?.take(1);
    this.tokens?.take(estimatedTokens);
  }

  private async waitAndTake(estimatedTokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new InterruptedError();
      const wait = this.waitMs(estimatedTokens);
      if (wait <= 0) break;
      await sleep(wait, signal);
    }
    this.take(estimatedTokens);
  }

  /** Books the difference between the estimate and the tokens the call really used. */
  reconcile(estimatedTokens: number, actualTokens: number): void {
    this.tokens?.adjust(actualTokens - estimatedTokens);
  }

  /** Stops every caller for `ms` (the server said it was over its limit). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
