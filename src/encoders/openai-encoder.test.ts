import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itBehavesAsAnEncoder } from "../../test/encoder-contract.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../test/openai-test-server.ts";
import type { RetryPolicy } from "../teacher/retry-policy.ts";
import { createEncoder, type EmbeddingUsage, type OpenAiEncoder } from "./index.ts";

const apiKey = "sk-test-secret-key-1234";
const quickRetry: RetryPolicy = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1_000 };

describe("openai: encoder against the local test server", () => {
  let server: OpenAiTestServer;
  let encoder: OpenAiEncoder;
  const usages: EmbeddingUsage[] = [];

  const open = async (extra: { retry?: RetryPolicy } = {}): Promise<OpenAiEncoder> =>
    (await createEncoder("openai:test-embedder", {
      batchSize: 2,
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      openai: { retry: extra.retry ?? quickRetry, prices: { "test-embedder": { input: 1, output: 0 } } },
    })) as OpenAiEncoder;

  beforeAll(async () => {
    server = await startOpenAiTestServer({ embeddingDimensions: 12 });
    encoder = (await createEncoder("openai:test-embedder", {
      batchSize: 2,
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      openai: {
        retry: quickRetry,
        prices: { "test-embedder": { input: 1, output: 0 } },
        onUsage: (usage) => usages.push(usage),
      },
    })) as OpenAiEncoder;
  });
  afterAll(async () => {
    await encoder.close();
    await server.close();
  });

  itBehavesAsAnEncoder(() => encoder);

  it("learns its width with one probe, sends the key, batches, and normalises what the server does not", async () => {
    expect(encoder.id).toBe("openai:test-embedder");
    expect(encoder.dimensions).toBe(12);
    expect(encoder.version).toMatch(/^endpoint@[0-9a-f]{12}\+model@test-embedder$/);
    const before = server.requests.length;
    await encoder.embed(["one", "two", "three"]);
    const sent = server.requests.slice(before);
    expect(sent.map((request) => request.body.input)).toEqual([["one", "two"], ["three"]]);
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent[0]?.body.encoding_format).toBe("float");
  });

  it("counts tokens and, with a price, cost", () => {
    const last = usages[usages.length - 1];
    expect(last?.requests).toBeGreaterThan(1);
    expect(last?.inputTokens).toBeGreaterThan(0);
    expect(last?.costUsd).toBeCloseTo((last?.inputTokens ?? 0) / 1e6, 12);
    expect(encoder.usage).toEqual(last);
  });

  it("waits as a 429 asks, then succeeds", async () => {
    server.enqueue({ kind: "error", status: 429, headers: { "retry-after-ms": "5" } });
    const before = server.requests.length;
    const [vector] = await encoder.embed(["after a rate limit"]);
    expect(vector).toHaveLength(12);
    expect(server.requests.slice(before).map((request) => request.status)).toEqual([429, 200]);
  });

  it("retries a 500", async () => {
    server.enqueue({ kind: "error", status: 500 }, { kind: "error", status: 503 });
    const before = server.requests.length;
    expect(await encoder.embed(["after two server errors"])).toHaveLength(1);
    expect(server.requests.slice(before).map((request) => request.status)).toEqual([500, 503, 200]);
  });

  it("gives up after the policy's tries with encoder-failed, naming the status but never the key", async () => {
    server.enqueue(
      { kind: "error", status: 500, message: `upstream saw ${apiKey}` },
      { kind: "error", status: 500, message: `upstream saw ${apiKey}` },
      { kind: "error", status: 500, message: `upstream saw ${apiKey}` },
    );
    const error = await encoder.embed(["doomed"]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "encoder-failed", data: { statusCode: 500 } });
    expect((error as Error).message).toMatch(/^encoder openai:test-embedder: the endpoint failed: HTTP 500/);
    expect(
      JSON.stringify({ message: (error as Error).message, data: (error as { data: unknown }).data }),
    ).not.toContain(apiKey);
  });

  it("does not retry a 401", async () => {
    server.enqueue({ kind: "error", status: 401, message: "bad key" });
    const before = server.requests.length;
    const error = await encoder.embed(["unauthorised"]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "encoder-failed", data: { statusCode: 401 } });
    expect(server.requests.length - before).toBe(1);
  });

  it.each([
    ["not a list", { object: "list", data: "nope" }, /not an embeddings list \(data:/],
    ["a row short", { data: [{ index: 0, embedding: new Array(12).fill(1) }] }, /has no row 1 of 2/],
    [
      "a row too narrow",
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 1, embedding: [1] },
        ],
      },
      /1-d vector, expected 12/,
    ],
    [
      "a stray row",
      {
        data: [
          { index: 0, embedding: new Array(12).fill(1) },
          { index: 5, embedding: new Array(12).fill(1) },
        ],
      },
      /stray or repeated row 5/,
    ],
  ])("fails clearly on an answer with %s", async (_name, body, message) => {
    server.enqueue({ kind: "body", value: body });
    const error = await encoder.embed(["x", "y"]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "encoder-failed" });
    expect((error as Error).message).toMatch(message);
  });

  it("puts rows back in order when the server sends them shuffled", async () => {
    const [x, y] = await encoder.embed(["x", "y"]);
    server.enqueue({
      kind: "body",
      value: {
        data: [
          { index: 1, embedding: Array.from(y ?? []) },
          { index: 0, embedding: Array.from(x ?? []) },
        ],
      },
    });
    const [first, second] = await encoder.embed(["x", "y"]);
    expect(Array.from(first ?? [])).toEqual(Array.from(x ?? []));
    expect(Array.from(second ?? [])).toEqual(Array.from(y ?? []));
  });

  it("fails at creation, not later, when the endpoint cannot embed", async () => {
    server.enqueue({ kind: "error", status: 404, message: "model not found" });
    const error = await open({ retry: { ...quickRetry, maxRetries: 0 } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "encoder-failed", data: { statusCode: 404 } });
  });

  it("asks for a key it does not have, naming where it looked", async () => {
    const error = await createEncoder("openai:test-embedder", { env: { OPENAI_BASE_URL: server.url } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "usage" });
    expect((error as Error).message).toMatch(/OPENAI_API_KEY/);
  });

  it("leaves the cost unknown when the model has no price", async () => {
    const unpriced = (await createEncoder("openai:test-embedder", {
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: server.url },
      openai: { retry: quickRetry, prices: {} },
    })) as OpenAiEncoder;
    expect(unpriced.usage).toMatchObject({ requests: 1, costUsd: undefined });
    expect(unpriced.usage.inputTokens).toBeGreaterThan(0);
  });
});
