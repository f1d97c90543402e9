import { hashValue } from "../core/hash.ts";

export interface AdviceGateOptions {
  /** Questions the advisor works on at once; one more is refused (429), not queued. */
  maxConcurrent: number;
  /** Answers kept for identical questions (least recently used dropped first). */
  cacheEntries: number;
}

export type GateOutcome<T> =
  | { kind: "answered"; value: T; shared: "no" | "in-flight" | "cache" }
  | { kind: "busy"; active: number };

/**
 * Keeps an LLM-backed route within its budget: at most `maxConcurrent` different questions in
 * flight (a caller beyond it is told to come back, so a burst cannot pile up paid calls), an
 * identical question asked while the first is in flight waits for that one, and recent answers
 * are replayed from memory. Refusing rather than queueing keeps every wait bounded by one call.
 */
export class AdviceGate<T> {
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly answers = new Map<string, T>();

  constructor(private readonly options: AdviceGateOptions) {}

  get active(): number {
    return this.inFlight.size;
  }

  async run(question: unknown, answer: () => Promise<T>): Promise<GateOutcome<T>> {
    const key = hashValue(question);
    const cached = this.answers.get(key);
    if (cached !== undefined) {
      this.answers.delete(key);
      this.answers.set(key, cached);
      return { kind: "answered", value: cached, shared: "cache" };
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return { kind: "answered", value: await pending, shared: "in-flight" };
    if (this.inFlight.size >= this.options.maxConcurrent) return { kind: "busy", active: this.inFlight.size };
    const promise = answer();
    this.inFlight.set(key, promise);
    try {
      const value = await promise;
      this.remember(key, value);
      return { kind: "answered", value, shared: "no" };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, value: T): void {
    if (this.options.cacheEntries <= 0) return;
    this.answers.set(key, value);
    while (this.answers.size > this.options.cacheEntries) {
      const oldest = this.answers.keys().next().value;
      if (oldest === undefined) break;
      this.answers.delete(oldest);
    }
  }
}
