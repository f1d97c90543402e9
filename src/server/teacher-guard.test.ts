import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../test/openai-test-server.ts";
import type { HighlightResult } from "../student/predictors.ts";
import { OpenAiLanguageModel } from "../teacher/providers/openai-provider.ts";
import { createApp } from "./app.ts";
import { createKeywordPredictors } from "./keyword-predictors.ts";
import { startServer } from "./start-server.ts";
import { modelHighlighter, TeacherGuard, type TeacherHighlighter } from "./teacher-guard.ts";

const advert = "We need Python and a valid driving licence.";
const quiet = () => {};

function postJson(app: ReturnType<typeof createApp>, body: unknown, headers: Record<string, string> = {}) {
  return app.request("/v1/highlight", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A highlighter whose calls wait until the test releases them. */
function heldHighlighter(): TeacherHighlighter & { calls: string[]; release(): void } {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const highlighter = async ({ text }: { text: string }, meter?: (usd: number) => void) => {
    calls.push(text);
    await new Promise<void>((resolve) => waiting.push(resolve));
    meter?.(0.1);
    return { text, spans: [] } satisfies HighlightResult;
  };
  return Object.assign(highlighter, {
    calls,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  });
}

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('"teacher": true requests', () => {
  it("30 identical concurrent requests make 1 billed call, and a later one is answered from the cache", async () => {
    server = await startOpenAiTestServer({
      latencyMs: 50,
      defaultBehaviour: () => ({
        kind: "json",
        value: { spans: [{ category: "hard_skills", quote: "Python" }] },
      }),
    });
    const model = new OpenAiLanguageModel({ model: "gpt-4o-mini", apiKey: "sk-test", baseUrl: server.url });
    const app = createApp({
      predictors: createKeywordPredictors(),
      llm: modelHighlighter(model),
      logError: quiet,
    });
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => postJson(app, { text: advert, teacher: true })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 30 }, () => 200));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(bodies[0]).toMatchObject({
      source: "teacher",
      spans: [expect.objectContaining({ text: "Python" })],
    });
    expect(server.requests).toHaveLength(1);

    expect((await postJson(app, { text: advert, teacher: true })).status).toBe(200);
    expect(server.requests).toHaveLength(1);
    // Another text, or another format, is another question.
    expect((await postJson(app, { text: advert, format: "html", teacher: true })).status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it("refuses a request past the concurrency cap with 429 and retry-after, without calling", async () => {
    const highlighter = heldHighlighter();
    const app = createApp({
      predictors: createKeywordPredictors(),
      llm: highlighter,
      teacherLimits: { maxConcurrent: 2 },
      logError: quiet,
    });
    const first = postJson(app, { text: "advert one", teacher: true });
    const second = postJson(app, { text: "advert two", teacher: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const third = await postJson(app, { text: "advert three", teacher: true });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe("teacher_busy");
    expect(highlighter.calls).toEqual(["advert one", "advert two"]);
    highlighter.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // The student still answers while the teacher is busy.
    expect((await postJson(app, { text: "advert three" })).status).toBe(200);
  });

  it("answers a teacher failure with 502 and a clear JSON error that does not repeat the provider's text", async () => {
    server = await startOpenAiTestServer();
    server.setDefault(() => ({
      kind: "error",
      status: 401,
      message: "Incorrect API key provided: sk-live-abcdef123456",
    }));
    const model = new OpenAiLanguageModel({
      model: "gpt-4o-mini",
      apiKey: "sk-live-abcdef123456",
      baseUrl: server.url,
    });
    const logged: unknown[] = [];
    const app = createApp({
      predictors: createKeywordPredictors(),
      llm: modelHighlighter(model),
      logError: (error) => logged.push(error),
    });
    const response = await postJson(app, { text: advert, teacher: true });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).not.toContain("sk-live");
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "teacher",
        message: expect.stringMatching(/teacher LLM could not answer \(api-call, HTTP 401\)/),
      },
    });
    expect(logged.length).toBeGreaterThan(0);
    // A failure is not cached: the next identical request asks again.
    const again = await postJson(app, { text: advert, teacher: true });
    expect(again.status).toBe(502);
    expect(server.requests).toHaveLength(2);
  });
});

describe("TeacherGuard's per-minute caps", () => {
  it("caps requests a minute and spend a minute, with retry-after until the window frees", async () => {
    let now = 1_000_000;
    const highlighter = heldHighlighter();
    const byRequests = new TeacherGuard(
      highlighter,
      { requestsPerMinute: 2, maxConcurrent: 10 },
      { now: () => now },
    );
    const calls = [
      byRequests.highlight({ text: "a", format: "text" }),
      byRequests.highlight({ text: "b", format: "text" }),
    ];
    now += 20_000;
    expect(() => byRequests.highlight({ text: "c", format: "text" })).toThrow(
      expect.objectContaining({ code: "teacher_busy", data: { retryAfterSeconds: 40 } }),
    );
    highlighter.release();
    await Promise.all(calls);
    now += 40_000;
    const later = byRequests.highlight({ text: "c", format: "text" });
    highlighter.release();
    await later;

    // Each call costs $0.10 (heldHighlighter's meter): past $0.15 a minute, new calls wait.
    const bySpend = new TeacherGuard(
      highlighter,
      { spendPerMinuteUsd: 0.15, maxConcurrent: 10 },
      { now: () => now },
    );
    for (const text of ["d", "e"]) {
      const call = bySpend.highlight({ text, format: "text" });
      highlighter.release();
      await call;
    }
    expect(() => bySpend.highlight({ text: "f", format: "text" })).toThrow(/spends at most \$0.15 a minute/);
    // Cached answers cost nothing and are still served.
    await expect(bySpend.highlight({ text: "d", format: "text" })).resolves.toEqual({ text: "d", spans: [] });
    now += 60_000;
    const freed = bySpend.highlight({ text: "f", format: "text" });
    highlighter.release();
    await expect(freed).resolves.toEqual({ text: "f", spans: [] });
  });
});

describe("requests the server must not answer", () => {
  it("refuses a Host that is not the bound host or loopback with 421 (DNS rebinding)", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), host: "127.0.0.1", logError: quiet });
    const status = async (host: string) => (await app.request("/v1/health", { headers: { host } })).status;
    expect(await status("evil.example:8787")).toBe(421);
    expect(await status("127.0.0.1.nip.io")).toBe(421);
    for (const host of ["127.0.0.1:8787", "localhost:8787", "[::1]:8787", "LOCALHOST"])
      expect(await status(host)).toBe(200);
    const refused = await app.request("/", { headers: { host: "evil.example" } });
    expect(refused.status).toBe(421);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("misdirected_host");

    const everywhere = createApp({ predictors: createKeywordPredictors(), host: "0.0.0.0", logError: quiet });
    expect((await everywhere.request("/v1/health", { headers: { host: "192.168.1.5:8787" } })).status).toBe(
      200,
    );
    expect((await everywhere.request("/v1/health", { headers: { host: "evil.example" } })).status).toBe(421);
    const named = createApp({
      predictors: createKeywordPredictors(),
      host: "0.0.0.0",
      allowedHosts: ["jobs.internal"],
      logError: quiet,
    });
    expect((await named.request("/v1/health", { headers: { host: "jobs.internal:8787" } })).status).toBe(200);
  });

  it("checks the Host over a real socket too", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), host: "127.0.0.1", logError: quiet });
    const running = await startServer({ app, port: 0 });
    const statusFor = (host: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(
          { host: "127.0.0.1", port: running.port, path: "/v1/health", headers: { host } },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        );
        request.on("error", reject);
        request.end();
      });
    try {
      expect(await statusFor(`127.0.0.1:${running.port}`)).toBe(200);
      expect(await statusFor(`evil.example:${running.port}`)).toBe(421);
    } finally {
      await running.close();
    }
  });

  it("answers GET or OPTIONS on a POST route with 405 and Allow", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quiet });
    for (const path of ["/v1/highlight", "/v1/skills/type", "/v1/skills/extract"]) {
      for (const method of ["GET", "OPTIONS", "PUT"]) {
        const response = await app.request(path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
          "method_not_allowed",
        );
      }
    }
    const onGetRoute = await app.request("/v1/health", { method: "POST" });
    expect(onGetRoute.status).toBe(405);
    expect(onGetRoute.headers.get("allow")).toBe("GET, HEAD");
    expect((await app.request("/v1/nothing-here")).status).toBe(404);
  });
});
