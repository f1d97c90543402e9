import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { ApiCallError, InterruptedError } from "../errors.ts";
import { isStrictCompatible, OpenAiLanguageModel } from "./openai-provider.ts";

const jsonSchema = z.toJSONSchema(z.strictObject({ label: z.enum(["a", "b"]) })) as Record<string, unknown>;
const request = { messages: [{ role: "user" as const, content: "hi" }], jsonSchema, schemaName: "answer" };

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await startOpenAiTestServer({ defaultBehaviour: () => ({ kind: "json", value: { label: "a" } }) });
});
afterEach(async () => {
  await server.close();
});

describe("OpenAiLanguageModel", () => {
  it("asks for strict json_schema output and reads text, finish reason and usage", async () => {
    const model = new OpenAiLanguageModel({ model: "m", apiKey: "sk-x", baseUrl: server.url });
    const result = await model.generate({ ...request, maxOutputTokens: 50, temperature: 0 });
    expect(result).toMatchObject({ text: '{"label":"a"}', finishReason: "stop" });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const body = server.requests[0]?.body;
    expect(body?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "answer", strict: true },
    });
    expect(body?.response_format?.json_schema?.schema).not.toHaveProperty("$schema");
    expect(body).toMatchObject({ model: "m", max_tokens: 50, temperature: 0 });
  });

  it("turns HTTP errors into ApiCallErrors with status, retryability and retry-after", async () => {
    server.enqueue(
      { kind: "error", status: 429, headers: { "retry-after-ms": "321" } },
      { kind: "error", status: 400, message: "bad request" },
    );
    const model = new OpenAiLanguageModel({ model: "m", apiKey: "sk-x", baseUrl: server.url });
    const limited = await model.generate(request).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(ApiCallError);
    expect(limited).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 321,
      code: "rate-limited",
    });
    const bad = await model.generate(request).catch((error: unknown) => error);
    expect(bad).toMatchObject({ statusCode: 400, isRetryable: false });
  });

  it("maps timeouts to a retryable error and a user abort to an interruption", async () => {
    server.enqueue({ kind: "hang" }, { kind: "hang" });
    const model = new OpenAiLanguageModel({ model: "m", apiKey: "sk-x", baseUrl: server.url });
    const timedOut = await model.generate({ ...request, timeoutMs: 100 }).catch((error: unknown) => error);
    expect(timedOut).toMatchObject({ code: "timeout", isRetryable: true });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const aborted = await model
      .generate({ ...request, signal: stop.signal })
      .catch((error: unknown) => error);
    expect(aborted).toBeInstanceOf(InterruptedError);
  });

  it("scrubs the API key from error messages and answers", async () => {
    const secret = "sk-very-secret-key-123";
    server.enqueue(
      (recorded) => ({
        kind: "error",
        status: 401,
        message: `key ${String(recorded.headers.authorization)} is wrong`,
      }),
      (recorded) => ({ kind: "text", content: `echo ${String(recorded.headers.authorization)}` }),
    );
    const model = new OpenAiLanguageModel({ model: "m", apiKey: secret, baseUrl: server.url });
    const error = await model.generate(request).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).toContain("[redacted]");
    expect(String((error as Error).message)).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect((await model.generate(request)).text).toBe("echo Bearer [redacted]");
  });

  it("knows which schemas OpenAI's strict mode accepts", () => {
    expect(isStrictCompatible(jsonSchema)).toBe(true);
    const optional = z.toJSONSchema(z.strictObject({ a: z.string(), b: z.string().optional() }));
    expect(isStrictCompatible(optional)).toBe(false);
    const open = z.toJSONSchema(z.looseObject({ a: z.string() }));
    expect(isStrictCompatible(open)).toBe(false);
  });
});
