import OpenAI from "openai";
import { z } from "zod";
import { errorMessage, UsageError } from "../core/errors.ts";
import { sha256Hex } from "../core/hash.ts";
import { ApiCallError } from "../teacher/errors.ts";
import { estimateCost, findPrice, type PriceTable, priceTable } from "../teacher/prices.ts";
import { openAiCallError } from "../teacher/providers/openai-provider.ts";
import { RateLimiter, type RateLimits } from "../teacher/rate-limiter.ts";
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../teacher/retry-policy.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { encoderFailed } from "./errors.ts";
import { chunks, normalizeInPlace } from "./vectors.ts";

/** What the endpoint has cost so far: requests that answered, tokens it counted, and USD when its price is known. */
export interface EmbeddingUsage {
  requests: number;
  inputTokens: number;
  /** Undefined when the price table has no entry for the model (local endpoints cost 0, but say so with a price). */
  costUsd: number | undefined;
}

export interface OpenAiEncoderOptions {
  model: string;
  /** Else OPENAI_API_KEY (a local endpoint that checks none takes any value). Never logged or stored. */
  apiKey?: string | undefined;
  /** Else OPENAI_BASE_URL, else OpenAI's. */
  baseUrl?: string | undefined;
  /** @default process.env */
  env?: Record<string, string | undefined> | undefined;
  /** Texts per request. @default 64 */
  batchSize?: number | undefined;
  /** @default the teacher's defaultRetryPolicy */
  retry?: RetryPolicy | undefined;
  /** The client's own pacing; a limiter shared with other callers wins over `rateLimits`. */
  rateLimits?: RateLimits | undefined;
  limiter?: RateLimiter | undefined;
  /** Per request. @default 60,000 */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** USD per million input tokens by model. @default the teacher's price table */
  prices?: PriceTable | undefined;
  /** Called after every answered request with the running totals (for a run's ledger report). */
  onUsage?: ((usage: EmbeddingUsage) => void) | undefined;
}

/** Lenient where it can be: endpoints differ in what else they send; rows may come in any order. */
const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) }).loose()),
  model: z.string().optional(),
  usage: z.object({ prompt_tokens: z.number() }).loose().nullable().optional(),
});

const approximateTokens = (texts: readonly string[]): number =>
  texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);

/** The SDK refuses an empty input string, and some servers too: a lone space is the nearest text. */
const sendable = (text: string): string => (text === "" ? " " : text);

/**
 * An OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, vLLM, Ollama, TEI) with the teacher's
 * retry policy, rate limiter and error mapping. Vectors are L2-normalised here (not every server
 * does it). The version is the endpoint (hashed) and the model name the server reports: a remote
 * model changed behind its name cannot be seen from here.
 */
export async function createOpenAiEncoder(options: OpenAiEncoderOptions): Promise<OpenAiEncoder> {
  const environment = options.env ?? process.env;
  const apiKey = options.apiKey || environment.OPENAI_API_KEY;
  if (!apiKey) {
    throw new UsageError(
      "an API key is missing for the openai: encoder: set the apiKey option or the OPENAI_API_KEY environment variable (a local endpoint that checks none takes any value)",
    );
  }
  const baseUrl = options.baseUrl || environment.OPENAI_BASE_URL || undefined;
  const encoder = new OpenAiEncoder(options, apiKey, baseUrl);
  await encoder.probe();
  return encoder;
}

export class OpenAiEncoder implements SentenceEncoder {
  readonly id: string;
  readonly normalized = true;
  private width = 0;
  private modelVersion = "";
  private closed = false;
  private readonly client: OpenAI;
  private readonly limiter: RateLimiter;
  private readonly totals: EmbeddingUsage = { requests: 0, inputTokens: 0, costUsd: 0 };

  constructor(
    private readonly options: OpenAiEncoderOptions,
    private readonly apiKey: string,
    private readonly baseUrl: string | undefined,
  ) {
    this.id = `openai:${options.model}`;
    this.limiter = options.limiter ?? new RateLimiter(options.rateLimits ?? {});
    // The SDK's own retries are off: the teacher's policy decides, as for chat calls.
    this.client = new OpenAI({
      apiKey,
      ...(baseUrl === undefined ? {} : { baseURL: baseUrl }),
      maxRetries: 0,
    });
    const price = findPrice(options.prices ?? priceTable, "openai", options.model);
    if (price === undefined) this.totals.costUsd = undefined;
  }

  get dimensions(): number {
    return this.width;
  }

  get version(): string {
    const endpoint = sha256Hex(this.baseUrl ?? "https://api.openai.com/v1").slice(0, 12);
    return `endpoint@${endpoint}+model@${this.modelVersion}`;
  }

  /** Running totals of this encoder's requests. */
  get usage(): EmbeddingUsage {
    return { ...this.totals };
  }

  /** One tiny request: learns the width and the model's reported name, and fails early on a bad key or URL. */
  async probe(): Promise<void> {
    const [vector] = await this.request(["a"]);
    this.width = vector?.length ?? 0;
    if (this.width === 0) throw encoderFailed(this.id, "the endpoint answered an empty vector");
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.closed) throw encoderFailed(this.id, "embed was called after close");
    const vectors: Float32Array[] = [];
    for (const batch of chunks(texts, this.options.batchSize ?? 64))
      vectors.push(...(await this.request(batch)));
    return vectors;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async request(texts: readonly string[]): Promise<Float32Array[]> {
    const estimatedTokens = approximateTokens(texts);
    const signal = this.options.signal;
    let raw: unknown;
    try {
      raw = await withRetry(
        this.options.retry ?? defaultRetryPolicy,
        async () => {
          await this.limiter.acquire(estimatedTokens, signal);
          try {
            return await this.client.embeddings.create(
              { model: this.options.model, input: texts.map(sendable), encoding_format: "float" },
              { ...(signal === undefined ? {} : { signal }), timeout: this.options.timeoutMs ?? 60_000 },
            );
          } catch (error) {
            throw openAiCallError(error, {
              apiKey: this.apiKey,
              signal,
              timeoutMs: this.options.timeoutMs ?? 60_000,
            });
          }
        },
        {
          signal,
          onRetry: ({ error, delayMs }) => {
            if (error instanceof ApiCallError && error.statusCode === 429) this.limiter.pauseFor(delayMs);
          },
        },
      );
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      throw encoderFailed(this.id, `the endpoint failed: ${errorMessage(error)}`, {
        cause: error,
        data: { statusCode: error.statusCode, code: error.code },
      });
    }
    return this.readAnswer(raw, texts.length, estimatedTokens);
  }

  private readAnswer(raw: unknown, count: number, estimatedTokens: number): Float32Array[] {
    const parsed = embeddingsResponseSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw encoderFailed(
        this.id,
        `the endpoint's answer is not an embeddings list (${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""})`,
      );
    }
    const tokens = parsed.data.usage?.prompt_tokens ?? estimatedTokens;
    this.limiter.reconcile(estimatedTokens, tokens);
    this.totals.requests++;
    this.totals.inputTokens += tokens;
    const price = findPrice(this.options.prices ?? priceTable, "openai", this.options.model);
    if (price !== undefined && this.totals.costUsd !== undefined) {
      this.totals.costUsd += estimateCost(price, { inputTokens: tokens, outputTokens: 0 });
    }
    this.options.onUsage?.(this.usage);
    this.modelVersion ||= parsed.data.model ?? this.options.model;
    const rows = new Array<Float32Array | undefined>(count);
    for (const row of parsed.data.data) {
      if (row.index >= count || rows[row.index] !== undefined) {
        throw encoderFailed(
          this.id,
          `the endpoint's answer has a stray or repeated row ${row.index} for ${count} texts`,
        );
      }
      const width = this.width || row.embedding.length;
      if (row.embedding.length !== width || width === 0) {
        throw encoderFailed(
          this.id,
          `the endpoint answered a ${row.embedding.length}-d vector, expected ${width}`,
        );
      }
      rows[row.index] = normalizeInPlace(Float32Array.from(row.embedding));
    }
    return Array.from(rows, (row, index) => {
      if (row === undefined)
        throw encoderFailed(this.id, `the endpoint's answer has no row ${index} of ${count}`);
      return row;
    });
  }
}
