import { JobdistillError } from "../core/errors.ts";
import { hashValue } from "../core/hash.ts";
import type { HighlightResult, TextFormat } from "../student/predictors.ts";
import { highlightWithTeacher } from "../tasks/requirements/index.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import { estimateCost, findPrice, type PriceTable, priceTable } from "../teacher/prices.ts";
import { HttpError } from "./http-errors.ts";

/**
 * Labels an advert with the teacher LLM; called only when a request asks for it explicitly.
 * `meter` is told the cost (USD) of every billed call it makes, so the server can cap spend.
 */
export type TeacherHighlighter = (
  input: { text: string; format: TextFormat },
  meter?: (costUsd: number) => void,
) => Promise<HighlightResult>;

/** What `"teacher": true` requests may cost a server (`serve --teacher-*` options). */
export interface TeacherGuardLimits {
  /** Teacher requests answered at once; one more is refused with 429 (not queued). */
  maxConcurrent: number;
  /** Teacher requests started in any 60 seconds; more get 429 with retry-after. */
  requestsPerMinute: number;
  /** Dollars billed by teacher calls in any 60 seconds; past it, 429 with retry-after. */
  spendPerMinuteUsd: number;
  /** Answers kept (most recently used first); an identical request is answered from here. */
  cacheEntries: number;
}

export const defaultTeacherGuardLimits: TeacherGuardLimits = {
  maxConcurrent: 2,
  requestsPerMinute: 30,
  spendPerMinuteUsd: 0.25,
  cacheEntries: 256,
};

const windowMs = 60_000;

/**
 * The server's teacher, made safe to expose: identical requests share one call (while it is in
 * flight) and one cached answer (after), concurrency and per-minute requests and spend are capped
 * (over a cap: 429 with retry-after, never a queue, so a flood cannot build up a bill), and a
 * failed call is a 502 whose message names the failure's kind, not the provider's text.
 */
export class TeacherGuard {
  private readonly limits: TeacherGuardLimits;
  private readonly inFlight = new Map<string, Promise<HighlightResult>>();
  private readonly cache = new Map<string, HighlightResult>();
  private readonly started: number[] = [];
  private readonly spent: { at: number; usd: number }[] = [];
  private active = 0;
  /** Teacher calls made (not answered from the cache or a shared call). */
  calls = 0;

  constructor(
    private readonly highlighter: TeacherHighlighter,
    limits: Partial<TeacherGuardLimits> = {},
    private readonly options: { now?: () => number } = {},
  ) {
    this.limits = { ...defaultTeacherGuardLimits, ...limits };
  }

  highlight(input: { text: string; format: TextFormat }): Promise<HighlightResult> {
    const key = hashValue({ text: input.text, format: input.format });
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Promise.resolve(cached);
    }
    const shared = this.inFlight.get(key);
    if (shared !== undefined) return shared;
    this.admit();
    const call = this.call(key, input);
    this.inFlight.set(key, call);
    return call;
  }

  /** Throws 429 when a new call would pass a cap; records the call's start otherwise. */
  private admit(): void {
    const now = this.now();
    while (this.started.length > 0 && (this.started[0] ?? 0) <= now - windowMs) this.started.shift();
    while (this.spent.length > 0 && (this.spent[0]?.at ?? 0) <= now - windowMs) this.spent.shift();
    const { maxConcurrent, requestsPerMinute, spendPerMinuteUsd } = this.limits;
    if (this.active >= maxConcurrent) {
      throw busy(`${maxConcurrent} teacher request(s) are being answered already; try again shortly`, 1);
    }
    if (this.started.length >= requestsPerMinute) {
      throw busy(
        `this server answers at most ${requestsPerMinute} teacher requests a minute`,
        secondsUntil(now, this.started[0] ?? now),
      );
    }
    const spend = this.spent.reduce((sum, entry) => sum + entry.usd, 0);
    if (spend >= spendPerMinuteUsd) {
      throw busy(
        `teacher calls have cost $${spend.toFixed(4)} in the last minute; this server spends at most $${spendPerMinuteUsd} a minute`,
        secondsUntil(now, this.spent[0]?.at ?? now),
      );
    }
    this.started.push(now);
  }

  private async call(key: string, input: { text: string; format: TextFormat }): Promise<HighlightResult> {
    this.active++;
    this.calls++;
    try {
      const result = await this.highlighter(input, (usd) => {
        if (usd > 0) this.spent.push({ at: this.now(), usd });
      });
      this.remember(key, result);
      return result;
    } catch (error) {
      throw this.teacherFailed(error);
    } finally {
      this.active--;
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, result: HighlightResult): void {
    if (this.limits.cacheEntries <= 0) return;
    this.cache.set(key, result);
    while (this.cache.size > this.limits.cacheEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  /**
   * A 502 that says what kind of failure it was; the provider's own message stays in its cause,
   * which the server logs (errorToResponse reports every 5xx) and never sends.
   */
  private teacherFailed(error: unknown): JobdistillError {
    const kind = error instanceof JobdistillError ? error.code : "error";
    const status =
      error instanceof JobdistillError && typeof error.data.statusCode === "number"
        ? `, HTTP ${error.data.statusCode}`
        : "";
    return new JobdistillError(
      `the teacher LLM could not answer (${kind}${status}); leave out "teacher" to use the trained student, or try again later`,
      { code: "teacher", cause: error },
    );
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function busy(message: string, retryAfterSeconds: number): HttpError {
  return new HttpError("teacher_busy", message, { retryAfterSeconds });
}

function secondsUntil(now: number, oldest: number): number {
  return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
}

/**
 * The requirements highlighter over a language model (what `serve --teacher-model` answers with),
 * metering the cost of every billed call with the model's price.
 */
export function modelHighlighter(
  model: LanguageModel,
  options: { prices?: PriceTable | undefined; timeoutMs?: number | undefined } = {},
): TeacherHighlighter {
  const price = findPrice(options.prices ?? priceTable, model.provider, model.modelId);
  return (input, meter) => {
    const metered: LanguageModel = {
      provider: model.provider,
      modelId: model.modelId,
      generate: async (request) => {
        const result = await model.generate(request);
        meter?.(estimateCost(price, result.usage));
        return result;
      },
    };
    return highlightWithTeacher(metered, input, { timeoutMs: options.timeoutMs ?? 120_000 });
  };
}
