/**
 * A local server that speaks the OpenAI chat-completions wire protocol, scriptable per request,
 * for tests and benchmarks of the teacher engine. It listens on 127.0.0.1 on a random port.
 * It also answers `/v1/embeddings` (for the `openai:` encoder): by default with a vector derived
 * from each input's hash, so equal texts get equal vectors; queued `error`, `slow`, `hang` and
 * `body` behaviours apply there as on chat completions.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  /** The embeddings route's fields. */
  input?: string | string[];
  encoding_format?: string;
}

export interface RecordedRequest {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequestBody;
  /** performance.now() when the request arrived and when the answer was sent. */
  receivedAt: number;
  answeredAt?: number;
  status?: number;
}

/** What the server does with one request. */
export type Behaviour =
  /** A valid answer: the value serialised as JSON. */
  | { kind: "json"; value: unknown }
  /** Any text as the message content (fenced JSON, malformed JSON, prose). */
  | { kind: "text"; content: string; finishReason?: string }
  /** Output cut off at the token limit: finish_reason "length". */
  | { kind: "truncated"; content: string }
  /** An HTTP error with an OpenAI-style body, optionally with headers (retry-after, retry-after-ms). */
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string> }
  /** Waits, then behaves as `then`. */
  | { kind: "slow"; delayMs: number; next: Behaviour }
  /** Waits until `until` settles, then behaves as `next` (a gate the test opens). */
  | { kind: "held"; until: Promise<void>; next: Behaviour }
  /** Never answers (until the client gives up). */
  | { kind: "hang" }
  /** Any JSON as the whole response body, status 200 (a malformed answer on any route). */
  | { kind: "body"; value: unknown };

export type BehaviourFunction = (request: RecordedRequest) => Behaviour;

export interface OpenAiTestServerOptions {
  /** Added before every answer. */
  latencyMs?: number;
  /** Server-side limit: a request beyond it within any 60-second window gets a 429. */
  requestsPerMinute?: number;
  /** What requests get when the queue is empty (default: an empty JSON object). */
  defaultBehaviour?: BehaviourFunction;
  /** Answer 400 to every request that asks for `response_format: json_schema`. */
  rejectJsonSchema?: boolean;
  /** Answer 400 to every request that asks for `response_format: json_object`. */
  rejectJsonObject?: boolean;
  /** Length of the vectors `/v1/embeddings` answers by default. @default 8 */
  embeddingDimensions?: number;
}

export interface OpenAiTestServer {
  /** Base URL for the SDK, ending in /v1. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** 429s sent because the server-side per-minute limit was exceeded. */
  readonly rateLimitedCount: number;
  /** Behaviours for the next requests, in order. */
  enqueue(...behaviours: (Behaviour | BehaviourFunction)[]): void;
  setDefault(behaviour: BehaviourFunction): void;
  close(): Promise<void>;
}

const approximateTokens = (text: string): number => Math.ceil(text.length / 4);

/** A chat completion answering `request` with `content` (the batch test server writes these into output files). */
export function completion(
  request: Pick<RecordedRequest, "index" | "body">,
  content: string,
  finishReason: string,
): unknown {
  const prompt = (request.body.messages ?? []).map((message) => message.content).join("\n");
  const promptTokens = approximateTokens(prompt);
  const completionTokens = approximateTokens(content);
  return {
    id: `chatcmpl-test-${request.index}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.body.model ?? "test-model",
    choices: [
      { index: 0, message: { role: "assistant", content }, finish_reason: finishReason, logprobs: null },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** A fixed, text-determined vector (not unit length, so a client's normalisation shows). */
function hashEmbedding(text: string, dimensions: number): number[] {
  const bytes = createHash("sha256").update(text).digest();
  return Array.from({ length: dimensions }, (_, index) => ((bytes[index % bytes.length] ?? 0) - 127.5) / 64);
}

function embeddingsAnswer(request: RecordedRequest, dimensions: number): unknown {
  const input = request.body.input ?? [];
  const texts = typeof input === "string" ? [input] : input;
  const promptTokens = texts.reduce((sum, text) => sum + approximateTokens(text), 0);
  return {
    object: "list",
    model: request.body.model ?? "test-embedding-model",
    data: texts.map((text, index) => ({
      object: "embedding",
      index,
      embedding: hashEmbedding(text, dimensions),
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export async function startOpenAiTestServer(
  options: OpenAiTestServerOptions = {},
): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  const queue: (Behaviour | BehaviourFunction)[] = [];
  let defaultBehaviour: BehaviourFunction = options.defaultBehaviour ?? (() => ({ kind: "json", value: {} }));
  const acceptedAt: number[] = [];
  let rateLimitedCount = 0;
  const hanging = new Set<ServerResponse>();

  const send = (
    request: RecordedRequest,
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    if (response.destroyed) return;
    request.answeredAt = performance.now();
    request.status = status;
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  };

  const perform = async (
    behaviour: Behaviour,
    request: RecordedRequest,
    response: ServerResponse,
  ): Promise<void> => {
    switch (behaviour.kind) {
      case "json":
        return send(request, response, 200, completion(request, JSON.stringify(behaviour.value), "stop"));
      case "text":
        return send(
          request,
          response,
          200,
          completion(request, behaviour.content, behaviour.finishReason ?? "stop"),
        );
      case "truncated":
        return send(request, response, 200, completion(request, behaviour.content, "length"));
      case "error":
        return send(
          request,
          response,
          behaviour.status,
          {
            error: {
              message: behaviour.message ?? `test error ${behaviour.status}`,
              type: "test_error",
              code: null,
            },
          },
          behaviour.headers,
        );
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        return perform(behaviour.next, request, response);
      case "held":
        await behaviour.until;
        return perform(behaviour.next, request, response);
      case "hang":
        hanging.add(response);
        return;
      case "body":
        return send(request, response, 200, behaviour.value);
    }
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      let body: ChatRequestBody = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
      } catch {
        body = {};
      }
      const request: RecordedRequest = {
        index: requests.length,
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        headers: incoming.headers,
        body,
        receivedAt: performance.now(),
      };
      requests.push(request);
      void handle(request, response);
    });
  });

  const handle = async (request: RecordedRequest, response: ServerResponse): Promise<void> => {
    // Routed by path alone: a client may add a query (`?api-key=…`), as Azure-style endpoints expect.
    const pathname = request.path.split("?")[0] ?? "";
    const embeddings = request.method === "POST" && pathname.endsWith("/embeddings");
    if (!embeddings && (request.method !== "POST" || !pathname.endsWith("/chat/completions"))) {
      return send(request, response, 404, {
        error: { message: "not found", type: "invalid_request_error", code: null },
      });
    }
    if (options.requestsPerMinute !== undefined) {
      const windowStart = request.receivedAt - 60_000;
      while (acceptedAt.length > 0 && (acceptedAt[0] ?? 0) <= windowStart) acceptedAt.shift();
      if (acceptedAt.length >= options.requestsPerMinute) {
        rateLimitedCount++;
        const waitMs = Math.max(1, Math.ceil((acceptedAt[0] ?? 0) + 60_000 - request.receivedAt));
        return send(
          request,
          response,
          429,
          {
            error: {
              message: "Rate limit reached for requests",
              type: "requests",
              code: "rate_limit_exceeded",
            },
          },
          { "retry-after-ms": String(waitMs) },
        );
      }
      acceptedAt.push(request.receivedAt);
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    if (embeddings) {
      const queued = queue.shift();
      const behaviour = typeof queued === "function" ? queued(request) : queued;
      if (
        behaviour === undefined ||
        behaviour.kind === "json" ||
        behaviour.kind === "text" ||
        behaviour.kind === "truncated"
      ) {
        return send(request, response, 200, embeddingsAnswer(request, options.embeddingDimensions ?? 8));
      }
      return perform(behaviour, request, response);
    }
    const format = request.body.response_format?.type;
    if (
      (options.rejectJsonSchema && format === "json_schema") ||
      (options.rejectJsonObject && format === "json_object")
    ) {
      return send(request, response, 400, {
        error: {
          message: `response_format ${format} is not supported by this model`,
          type: "invalid_request_error",
          code: null,
        },
      });
    }
    const next = queue.shift() ?? defaultBehaviour;
    const behaviour = typeof next === "function" ? next(request) : next;
    await perform(behaviour, request, response);
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get rateLimitedCount() {
      return rateLimitedCount;
    },
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The last user message of a recorded request: what a default behaviour usually answers from. */
export function lastUserMessage(request: RecordedRequest): string {
  const messages = request.body.messages ?? [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role === "user") return message.content;
  }
  return "";
}
