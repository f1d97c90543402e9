import OpenAI from "openai";
import { z } from "zod";
import type { ChatMessage } from "../../core/task.ts";
import type { BatchApi } from "../batch-api.ts";
import {
  ApiCallError,
  apiCallErrorFromStatus,
  type FinishReason,
  InterruptedError,
  redactSecrets,
  timeoutError,
} from "../errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../language-model.ts";
import { OpenAiBatchApi } from "./openai-batches.ts";

/** How the endpoint is asked for JSON; downgraded once per model when the endpoint rejects a mode. */
export type StructuredOutputMode = "json-schema" | "json-object" | "prompt";

export interface OpenAiLanguageModelOptions {
  model: string;
  apiKey: string;
  baseUrl?: string | undefined;
  /** Called when the endpoint rejects a structured-output mode and a simpler one is used from then on. */
  onDowngrade?: ((from: StructuredOutputMode, to: StructuredOutputMode, reason: string) => void) | undefined;
}

/** A chat-completions request body, as sent online and written into a batch's input file. */
export type ChatCompletionBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

/** Lenient: endpoints differ in what they fill in; we need only the text, finish reason and usage. */
const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }).loose(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).loose().nullable().optional(),
});

function toFinishReason(reason: string | null | undefined): FinishReason {
  if (reason === "stop") return "stop";
  if (reason === "length") return "length";
  if (reason === "content_filter") return "content-filter";
  return "other";
}

/** OpenAI's strict mode needs every property required and no extra properties, at every depth. */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (schema === null || typeof schema !== "object") return true;
  const node = schema as Record<string, unknown>;
  if (node.type === "object" && node.properties !== undefined) {
    const properties = Object.keys(node.properties as Record<string, unknown>);
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false) return false;
    if (!properties.every((name) => required.includes(name))) return false;
  }
  return Object.values(node).every(isStrictCompatible);
}

function schemaInstruction(request: GenerateRequest): ChatMessage {
  return {
    role: "system",
    content: `Reply with only a JSON object (no prose, no code fence) that conforms to this JSON Schema:\n${JSON.stringify(request.jsonSchema)}`,
  };
}

const rejectsStructuredOutput = /response_format|json_schema|json_object|structured output/i;

/**
 * Any OpenAI-compatible chat-completions endpoint through the official SDK. The SDK's own
 * retries are off (`maxRetries: 0`): the engine's retry policy decides, so retry-after is
 * honoured and logged the same way for every provider. The API key is scrubbed from every
 * message and text that leaves this object.
 */
/**
 * A base URL's query (`?api-key=…`, `?api-version=…`) as the client's default query: the SDK
 * appends paths to the base URL as text, so a query left in it would swallow the path.
 */
function splitQuery(baseUrl: string): { baseURL: string; defaultQuery?: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return { baseURL: baseUrl };
  }
  if (parsed.search === "") return { baseURL: baseUrl };
  const defaultQuery = Object.fromEntries(parsed.searchParams);
  parsed.search = "";
  return { baseURL: parsed.toString(), defaultQuery };
}

export class OpenAiLanguageModel implements LanguageModel {
  readonly provider = "openai";
  readonly modelId: string;
  private readonly client: OpenAI;
  private readonly apiKey: string;
  private readonly officialEndpoint: boolean;
  private mode: StructuredOutputMode = "json-schema";

  constructor(private readonly options: OpenAiLanguageModelOptions) {
    this.modelId = options.model;
    this.apiKey = options.apiKey;
    this.officialEndpoint = options.baseUrl === undefined || /api\.openai\.com/.test(options.baseUrl);
    this.client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseUrl === undefined ? {} : splitQuery(options.baseUrl)),
      maxRetries: 0,
    });
  }

  get structuredOutputMode(): StructuredOutputMode {
    return this.mode;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    for (;;) {
      const mode = this.mode;
      try {
        return await this.call(request, mode);
      } catch (error) {
        const next = mode === "json-schema" ? "json-object" : mode === "json-object" ? "prompt" : undefined;
        if (
          next !== undefined &&
          error instanceof ApiCallError &&
          (error.statusCode === 400 || error.statusCode === 422) &&
          rejectsStructuredOutput.test(error.message)
        ) {
          if (this.mode === mode) {
            this.mode = next;
            this.options.onDowngrade?.(mode, next, error.message);
          }
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The chat-completions body this model sends for `request`, in its current structured-output mode:
   * the online call and a provider batch (src/teacher/providers/openai-batches.ts) send the same.
   */
  requestBody(request: GenerateRequest, mode: StructuredOutputMode = this.mode): ChatCompletionBody {
    const messages =
      mode === "json-schema" ? request.messages : [schemaInstruction(request), ...request.messages];
    const { $schema: _ignored, ...jsonSchema } = request.jsonSchema;
    const responseFormat =
      mode === "json-schema"
        ? {
            type: "json_schema" as const,
            json_schema: {
              name: request.schemaName,
              schema: jsonSchema,
              strict: isStrictCompatible(jsonSchema),
            },
          }
        : mode === "json-object"
          ? { type: "json_object" as const }
          : undefined;
    const tokenLimit =
      request.maxOutputTokens === undefined
        ? {}
        : this.officialEndpoint
          ? { max_completion_tokens: request.maxOutputTokens }
          : { max_tokens: request.maxOutputTokens };
    return {
      model: this.modelId,
      messages,
      ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...tokenLimit,
    };
  }

  /** A chat completion's text, finish reason and usage, the key scrubbed (online answers and batch output lines). */
  resultOf(raw: unknown): GenerateResult {
    const parsed = completionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ApiCallError("the endpoint's answer is not a chat completion", { isRetryable: true });
    }
    const choice = parsed.data.choices[0];
    const text = redactSecrets(choice?.message.content ?? "", [this.apiKey]);
    return {
      text,
      finishReason: toFinishReason(choice?.finish_reason),
      usage: {
        inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
        outputTokens: parsed.data.usage?.completion_tokens ?? 0,
      },
    };
  }

  /** The Files and Batches endpoints of this model's account, through the same client. */
  batchApi(): BatchApi {
    return new OpenAiBatchApi({
      client: this.client,
      apiKey: this.apiKey,
      requestBody: (request) => this.requestBody(request),
      resultOf: (raw) => this.resultOf(raw),
      toError: (error, signal) => openAiCallError(error, { apiKey: this.apiKey, signal }),
    });
  }

  private async call(request: GenerateRequest, mode: StructuredOutputMode): Promise<GenerateResult> {
    // The SDK never removes the listener it adds to a signal: give it one per call, so a run's
    // long-lived signal does not collect a listener per request.
    const callAbort = new AbortController();
    const forwardAbort = (): void => callAbort.abort();
    if (request.signal?.aborted) callAbort.abort();
    request.signal?.addEventListener("abort", forwardAbort, { once: true });
    let raw: unknown;
    try {
      raw = await this.client.chat.completions.create(this.requestBody(request, mode), {
        signal: callAbort.signal,
        ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
      });
    } catch (error) {
      throw this.toError(error, request);
    } finally {
      request.signal?.removeEventListener("abort", forwardAbort);
    }
    return this.resultOf(raw);
  }

  private toError(error: unknown, request: GenerateRequest): Error {
    return openAiCallError(error, {
      apiKey: this.apiKey,
      signal: request.signal,
      timeoutMs: request.timeoutMs,
    });
  }
}

/**
 * The one mapping of what the OpenAI SDK throws to the engine's errors (the chat provider and the
 * `openai:` encoder share it): aborts, timeouts and network errors, then HTTP statuses through
 * apiCallErrorFromStatus. The API key is scrubbed from every message.
 */
export function openAiCallError(
  error: unknown,
  context: { apiKey: string; signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
): Error {
  const scrub = (text: string): string => redactSecrets(text, [context.apiKey]);
  if (error instanceof OpenAI.APIUserAbortError || context.signal?.aborted) return new InterruptedError();
  if (error instanceof OpenAI.APIConnectionTimeoutError) return timeoutError(context.timeoutMs ?? 0);
  if (error instanceof OpenAI.APIConnectionError) {
    return new ApiCallError(scrub(`network error: ${error.message}`), {
      code: "network",
      isRetryable: true,
    });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    return apiCallErrorFromStatus(error.status, scrub(error.message), error.headers);
  }
  return new ApiCallError(scrub(error instanceof Error ? error.message : String(error)), {
    isRetryable: false,
  });
}
