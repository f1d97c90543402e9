import { afterEach, describe, expect, it } from "vitest";
import { lastUserMessage, type OpenAiTestServer, startOpenAiTestServer } from "./openai-test-server.ts";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test" },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "m",
  messages: [{ role: "user", content }],
  ...extra,
});

describe("OpenAI test server", () => {
  it("answers in the chat-completions format, from a queue and then a default, and records requests", async () => {
    server = await startOpenAiTestServer({
      defaultBehaviour: (request) => ({ kind: "json", value: { echo: lastUserMessage(request) } }),
    });
    server.enqueue({ kind: "text", content: "```json\n{}\n```" }, { kind: "truncated", content: '{"a' });
    const fenced = await post(server.url, chat("one"));
    expect(fenced.json).toMatchObject({
      object: "chat.completion",
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "```json\n{}\n```" }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 },
    });
    expect((await post(server.url, chat("two"))).json).toMatchObject({
      choices: [{ finish_reason: "length" }],
    });
    expect((await post(server.url, chat("three"))).json).toMatchObject({
      choices: [{ message: { content: '{"echo":"three"}' } }],
    });
    expect(server.requests.map((request) => request.status)).toEqual([200, 200, 200]);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test");
  });

  it("sends errors with OpenAI's body and the given headers", async () => {
    server = await startOpenAiTestServer();
    server.enqueue(
      { kind: "error", status: 429, headers: { "retry-after": "2" } },
      { kind: "error", status: 503 },
    );
    const limited = await post(server.url, chat("x"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.json).toMatchObject({ error: { message: expect.any(String), type: "test_error" } });
    expect((await post(server.url, chat("x"))).status).toBe(503);
  });

  it("rejects json_schema response formats when told to", async () => {
    server = await startOpenAiTestServer({ rejectJsonSchema: true });
    const rejected = await post(
      server.url,
      chat("x", { response_format: { type: "json_schema", json_schema: {} } }),
    );
    expect(rejected.status).toBe(400);
    expect(JSON.stringify(rejected.json)).toContain("response_format");
    expect((await post(server.url, chat("x", { response_format: { type: "json_object" } }))).status).toBe(
      200,
    );
  });

  it("enforces a per-minute limit with 429 and retry-after-ms, and adds latency", async () => {
    server = await startOpenAiTestServer({ requestsPerMinute: 3, latencyMs: 30 });
    const start = performance.now();
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await post(server.url, chat("x"))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    expect(server.rateLimitedCount).toBe(1);
    expect(Number(server.requests[3]?.status)).toBe(429);
  });

  it("delays slow answers", async () => {
    server = await startOpenAiTestServer();
    server.enqueue({ kind: "slow", delayMs: 120, next: { kind: "json", value: {} } });
    const start = performance.now();
    await post(server.url, chat("x"));
    expect(performance.now() - start).toBeGreaterThanOrEqual(115);
  });
});
