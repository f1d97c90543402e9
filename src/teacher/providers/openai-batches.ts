import type OpenAI from "openai";
import { toFile } from "openai";
import { z } from "zod";
import { errorMessage } from "../../core/errors.ts";
import {
  type BatchApi,
  type BatchOutputLine,
  type ProviderBatch,
  type ProviderBatchStatus,
  providerBatchStatuses,
} from "../batch-api.ts";
import { ApiCallError, redactSecrets } from "../errors.ts";
import type { GenerateRequest, GenerateResult } from "../language-model.ts";

export interface OpenAiBatchApiOptions {
  client: OpenAI;
  apiKey: string;
  /** The online model's request body (OpenAiLanguageModel.requestBody). */
  requestBody: (request: GenerateRequest) => object;
  /** The online model's reading of a chat completion (OpenAiLanguageModel.resultOf). */
  resultOf: (raw: unknown) => GenerateResult;
  /** What the SDK throws, as the engine's errors (openAiCallError). */
  toError: (error: unknown, signal: AbortSignal | undefined) => Error;
}

/** Lenient, as every provider answer is read: only the fields the workflow uses. */
const batchSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    input_file_id: z.string(),
    output_file_id: z.string().nullable().optional(),
    error_file_id: z.string().nullable().optional(),
    request_counts: z
      .object({ total: z.number(), completed: z.number(), failed: z.number() })
      .loose()
      .nullable()
      .optional(),
    metadata: z.record(z.string(), z.string()).nullable().optional(),
  })
  .loose();

const outputLineSchema = z
  .object({
    custom_id: z.string(),
    response: z.object({ status_code: z.number(), body: z.unknown() }).loose().nullable().optional(),
    error: z
      .object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

const errorBodySchema = z.object({ error: z.object({ message: z.string() }).loose() }).loose();

const knownStatuses: ReadonlySet<string> = new Set(providerBatchStatuses);

function toProviderBatch(raw: unknown): ProviderBatch {
  const parsed = batchSchema.safeParse(raw);
  if (!parsed.success || !knownStatuses.has(parsed.data.status)) {
    throw new ApiCallError("the endpoint's answer is not a batch", { isRetryable: true });
  }
  const batch = parsed.data;
  return {
    id: batch.id,
    status: batch.status as ProviderBatchStatus,
    inputFileId: batch.input_file_id,
    outputFileId: batch.output_file_id ?? undefined,
    errorFileId: batch.error_file_id ?? undefined,
    counts: {
      total: batch.request_counts?.total ?? 0,
      completed: batch.request_counts?.completed ?? 0,
      failed: batch.request_counts?.failed ?? 0,
    },
    metadata: batch.metadata ?? {},
  };
}

/**
 * OpenAI's Files and Batches endpoints through the official SDK (the same client as the online
 * model, so the same base URL, query and key). Every line of an output file is read by the online
 * model's own reader, so a batch answer is the same GenerateResult an online call returns.
 */
export class OpenAiBatchApi implements BatchApi {
  readonly endpoint = "/v1/chat/completions";

  constructor(private readonly options: OpenAiBatchApiOptions) {}

  requestBody(request: GenerateRequest): object {
    return this.options.requestBody(request);
  }

  async uploadFile(name: string, content: Buffer, signal?: AbortSignal): Promise<string> {
    const file = await this.call(signal, async (client, callSignal) =>
      client.files.create(
        { file: await toFile(content, name, { type: "application/jsonl" }), purpose: "batch" },
        { signal: callSignal },
      ),
    );
    return file.id;
  }

  async findFile(name: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.call(signal, async (client, callSignal) => {
      for await (const file of client.files.list({ purpose: "batch" }, { signal: callSignal })) {
        if (file.filename === name) return file.id;
      }
      return undefined;
    });
  }

  async createBatch(
    inputFileId: string,
    metadata: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<ProviderBatch> {
    const batch = await this.call(signal, (client, callSignal) =>
      client.batches.create(
        { input_file_id: inputFileId, endpoint: "/v1/chat/completions", completion_window: "24h", metadata },
        { signal: callSignal },
      ),
    );
    return toProviderBatch(batch);
  }

  async findBatch(key: string, value: string, signal?: AbortSignal): Promise<ProviderBatch | undefined> {
    return this.call(signal, async (client, callSignal) => {
      for await (const batch of client.batches.list({}, { signal: callSignal })) {
        if (batch.metadata?.[key] === value) return toProviderBatch(batch);
      }
      return undefined;
    });
  }

  async getBatch(id: string, signal?: AbortSignal): Promise<ProviderBatch> {
    return toProviderBatch(
      await this.call(signal, (client, callSignal) => client.batches.retrieve(id, { signal: callSignal })),
    );
  }

  async cancelBatch(id: string, signal?: AbortSignal): Promise<ProviderBatch> {
    return toProviderBatch(
      await this.call(signal, (client, callSignal) => client.batches.cancel(id, { signal: callSignal })),
    );
  }

  async fileLines(fileId: string, signal?: AbortSignal): Promise<BatchOutputLine[]> {
    const text = await this.call(signal, async (client, callSignal) => {
      const response = await client.files.content(fileId, { signal: callSignal });
      return response.text();
    });
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line): BatchOutputLine[] => this.readLine(line));
  }

  private readLine(line: string): BatchOutputLine[] {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return [];
    }
    const parsed = outputLineSchema.safeParse(raw);
    if (!parsed.success) return [];
    const { custom_id: customId, response, error } = parsed.data;
    if (response?.status_code === 200) {
      try {
        return [{ customId, ok: true, result: this.options.resultOf(response.body) }];
      } catch (cause) {
        return [{ customId, ok: false, error: errorMessage(cause) }];
      }
    }
    const bodyError = errorBodySchema.safeParse(response?.body);
    const message =
      error?.message ??
      (bodyError.success ? bodyError.data.error.message : undefined) ??
      "the batch answered this request with an error";
    const status = response ? `HTTP ${response.status_code}: ` : error?.code ? `${error.code}: ` : "";
    return [{ customId, ok: false, error: redactSecrets(`${status}${message}`, [this.options.apiKey]) }];
  }

  /**
   * The SDK never removes the listener it adds to a signal: each call gets a signal of its own that
   * follows the caller's, so a long run's signal does not collect a listener per call.
   */
  private async call<T>(
    signal: AbortSignal | undefined,
    work: (client: OpenAI, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const callAbort = new AbortController();
    const forwardAbort = (): void => callAbort.abort();
    if (signal?.aborted) callAbort.abort();
    signal?.addEventListener("abort", forwardAbort, { once: true });
    try {
      return await work(this.options.client, callAbort.signal);
    } catch (error) {
      throw this.options.toError(error, signal);
    } finally {
      signal?.removeEventListener("abort", forwardAbort);
    }
  }
}
