import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Behaviour,
  type OpenAiTestServer,
  type RecordedRequest,
  startOpenAiTestServer,
} from "../../test/openai-test-server.ts";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { OpenAiLanguageModel } from "./providers/openai-provider.ts";
import { runTeacher, type TeacherEvent, type TeacherGenerationParams } from "./run-teacher.ts";

/** A task whose right answer can be read off the document: the number in it, doubled. */
const doubleTask: TeacherTask<SourceDocument, { value: number }> = {
  name: "double",
  version: "1",
  outputSchema: z.strictObject({ value: z.number() }),
  itemId: (document) => document.id,
  itemFingerprint: (document) => document.text,
  buildMessages: (document) => [
    { role: "system", content: "Double the number." },
    { role: "user", content: document.text },
  ],
  check: (document, output) =>
    output.value === Number(document.text.replace(/\D/g, "")) * 2 ? [] : ["the value is not the double"],
  toAnnotations: (document, output) => [{ documentId: document.id, payload: { data: output.value } }],
};

/** Answers from the document (the first user message; a re-ask adds later ones). */
const correctAnswer = (request: RecordedRequest): Behaviour => {
  const document = request.body.messages?.find((message) => message.role === "user")?.content ?? "";
  return { kind: "json", value: { value: Number(document.replace(/\D/g, "")) * 2 } };
};

let dir: string;
let workspace: Workspace;
let server: OpenAiTestServer;

/** Documents `doc-0`… stored in the workspace (annotations refer to them). */
function documents(count: number): SourceDocument[] {
  const items = Array.from({ length: count }, (_, index) => ({
    id: `doc-${index}`,
    text: `number ${index}`,
  }));
  workspace.documents.insertMany(items);
  return items;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-teacher-"));
  workspace = openWorkspace(dir);
  server = await startOpenAiTestServer({ defaultBehaviour: correctAnswer });
});

afterEach(async () => {
  workspace.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const model = (): OpenAiLanguageModel =>
  new OpenAiLanguageModel({ model: "test-model", apiKey: "sk-test", baseUrl: server.url });

const fastRetries = { maxRetries: 5, timeoutMs: 10_000 };

describe("runTeacher", () => {
  it("labels every item exactly once, through errors, repairs and retries, and a rerun calls nothing", async () => {
    const items = documents(300);
    // Every seventh request fails in one of several ways; the engine must end with all 300 done.
    let served = 0;
    server.setDefault((request) => {
      served++;
      const ways: Behaviour[] = [
        { kind: "error", status: 500 },
        { kind: "error", status: 503 },
        { kind: "text", content: "not json at all" },
        { kind: "json", value: { value: -1 } },
        { kind: "error", status: 429, headers: { "retry-after-ms": "5" } },
      ];
      return served % 7 === 0 ? (ways[(served / 7) % ways.length] as Behaviour) : correctAnswer(request);
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on("warning", onWarning);
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items,
      model: model(),
      limits: { ...fastRetries, concurrency: 8 },
      signal: new AbortController().signal,
      abortSignal: new AbortController().signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off("warning", onWarning);
    // Hundreds of calls on the run's signals must not pile up listeners.
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    const given = workspace.calls.failures({ runId: summary.runId, finalOnly: true });
    expect(
      given,
      JSON.stringify(given.map((failure) => [failure.itemId, failure.errorCode, failure.message])),
    ).toEqual([]);
    expect(summary).toMatchObject({ total: 300, done: 300, skipped: 0, failed: 0, interrupted: false });
    const annotations = workspace.annotations.list({ task: "double" });
    expect(annotations).toHaveLength(300);
    expect(new Set(annotations.map((a) => a.documentId)).size).toBe(300);
    for (const annotation of annotations) {
      expect(annotation.payload.data).toBe(Number(annotation.documentId.replace(/\D/g, "")) * 2);
    }
    expect(workspace.calls.failures({ runId: summary.runId }).length).toBeGreaterThan(0);

    const requestsBefore = server.requests.length;
    const rerun = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items,
      model: model(),
    });
    expect(rerun).toMatchObject({ done: 0, skipped: 300, failed: 0 });
    expect(server.requests.length).toBe(requestsBefore);
    expect(workspace.runs.get(rerun.runId)?.status).toBe("done");
  });

  it("takes the wait from a 429's retry-after header", async () => {
    // The pause itself, on a fake clock with exact times, is in run-teacher-loop.test.ts.
    server.enqueue({ kind: "error", status: 429, headers: { "retry-after": "0.02" } });
    const events: TeacherEvent[] = [];
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(3),
      model: model(),
      limits: { ...fastRetries, concurrency: 1 },
      onEvent: (event) => events.push(event),
    });
    expect(summary).toMatchObject({ done: 3, failed: 0 });
    expect(server.requests[0]?.status).toBe(429);
    expect(events.filter((event) => event.type === "retry")).toEqual([
      { type: "retry", itemId: "doc-0", delayMs: 20, message: expect.stringContaining("HTTP 429") },
    ]);
  });

  it("retries a call that exceeds the timeout", async () => {
    server.enqueue({ kind: "hang" });
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(2),
      model: model(),
      limits: { concurrency: 1, timeoutMs: 300, maxRetries: 2 },
    });
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures.map((failure) => failure.errorCode)).toEqual(["timeout"]);
  });

  it("records a final failure with its evidence when repairs run out, and carries on", async () => {
    server.enqueue(
      { kind: "json", value: { value: 1 } },
      { kind: "text", content: '```json\n{"value": 2}\n```' },
      { kind: "json", value: { wrong: true } },
    );
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(3),
      model: model(),
      limits: { concurrency: 1, maxRepairs: 2 },
    });
    expect(summary).toMatchObject({ done: 2, failed: 1 });
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures).toHaveLength(3);
    const final = failures.find((failure) => failure.final);
    expect(final).toMatchObject({ itemId: "doc-0", errorCode: "no-object", finishReason: "stop" });
    expect(final?.rawText).toBe('{"wrong":true}');
    expect(final?.issues).toEqual(expect.arrayContaining([expect.stringContaining("value")]));
    expect(workspace.runs.get(summary.runId)).toMatchObject({ itemsDone: 2, itemsFailed: 1 });
  });

  /** One item through the test server with these generation settings. */
  const labelOne = (params: TeacherGenerationParams) =>
    runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(1),
      model: model(),
      params,
    });

  it("stores truncated output as its own error", async () => {
    server.enqueue({ kind: "truncated", content: '{"val' }, { kind: "truncated", content: '{"valu' });
    const summary = await labelOne({ maxOutputTokens: 5 });
    expect(summary.failed).toBe(1);
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures.find((failure) => failure.final)).toMatchObject({
      errorCode: "truncated",
      finishReason: "length",
      rawText: '{"valu',
      final: true,
    });
  });

  it("re-asks a truncated answer once with twice the output limit by default", async () => {
    server.enqueue({ kind: "truncated", content: '{"val' });
    const summary = await labelOne({ maxOutputTokens: 5 });
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    expect(server.requests.map((request) => request.body.max_tokens)).toEqual([5, 10]);
    expect(workspace.calls.failures({ runId: summary.runId })).toMatchObject([
      { errorCode: "truncated", final: false },
    ]);
  });

  it("gives a truncated answer up at once when the retry budget is 0", async () => {
    server.enqueue({ kind: "truncated", content: '{"val' });
    const summary = await labelOne({ maxOutputTokens: 5, truncationRetryMaxOutputTokens: 0 });
    expect(summary.failed).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a truncated answer once with more tokens when asked to", async () => {
    server.enqueue({ kind: "truncated", content: '{"val' });
    const summary = await labelOne({ maxOutputTokens: 5, truncationRetryMaxOutputTokens: 50 });
    expect(summary.done).toBe(1);
    expect(server.requests.map((request) => request.body.max_tokens)).toEqual([5, 50]);
  });

  it("falls back from json_schema to json_object to plain prompting, once per run", async () => {
    await server.close();
    server = await startOpenAiTestServer({
      defaultBehaviour: correctAnswer,
      rejectJsonSchema: true,
      rejectJsonObject: true,
    });
    const downgrades: string[] = [];
    const fallbackModel = new OpenAiLanguageModel({
      model: "test-model",
      apiKey: "sk-test",
      baseUrl: server.url,
      onDowngrade: (from, to) => downgrades.push(`${from}->${to}`),
    });
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(5),
      model: fallbackModel,
      limits: { concurrency: 1 },
    });
    expect(summary.done).toBe(5);
    expect(downgrades).toEqual(["json-schema->json-object", "json-object->prompt"]);
    expect(server.requests).toHaveLength(7);
    expect(server.requests.slice(2).every((request) => request.body.response_format === undefined)).toBe(
      true,
    );
    expect(server.requests[2]?.body.messages?.[0]?.content).toContain('"value"');
  });

  it("stops taking work on a graceful stop, keeps what finished, and the rerun completes", async () => {
    await server.close();
    server = await startOpenAiTestServer({ defaultBehaviour: correctAnswer, latencyMs: 20 });
    const items = documents(40);
    const stop = new AbortController();
    const first = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items,
      model: model(),
      limits: { concurrency: 2 },
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type === "progress" && event.progress.done === 5) stop.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.done).toBeGreaterThanOrEqual(5);
    expect(first.done).toBeLessThan(40);
    expect(first.remaining).toBe(40 - first.done);
    expect(workspace.runs.get(first.runId)?.status).toBe("interrupted");
    const second = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items,
      model: model(),
    });
    expect(second).toMatchObject({ done: 40 - first.done, skipped: first.done, interrupted: false });
    expect(workspace.annotations.list({ task: "double" })).toHaveLength(40);
  });

  it("estimates a dry run without calling anything", async () => {
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: doubleTask,
      items: documents(10),
      model: new OpenAiLanguageModel({ model: "gpt-4o-mini", apiKey: "sk-test", baseUrl: server.url }),
      dryRun: true,
      params: { maxOutputTokens: 100 },
    });
    expect(server.requests).toHaveLength(0);
    expect(summary.estimate).toMatchObject({ items: 10, cached: 0, toDo: 10, outputTokens: 1000 });
    expect(summary.estimate?.inputTokens).toBeGreaterThan(0);
    expect(summary.estimate?.costUsd).toBeCloseTo(
      ((summary.estimate?.inputTokens ?? 0) * 0.15 + 1000 * 0.6) / 1e6,
      10,
    );
    expect(workspace.runs.list()).toHaveLength(0);
  });
});

describe("runTeacher with a task that throws", () => {
  it("records the item as failed with the error and finishes the others", async () => {
    const fragile: TeacherTask<SourceDocument, { value: number }> = {
      ...doubleTask,
      name: "fragile",
      buildMessages: (document) => {
        if (document.id === "doc-1") throw new Error("cannot build a prompt for doc-1");
        return doubleTask.buildMessages(document);
      },
    };
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: fragile,
      items: documents(3),
      model: model(),
    });
    expect(summary).toMatchObject({ done: 2, failed: 1, remaining: 0 });
    const [failure] = workspace.calls.failures({ runId: summary.runId });
    expect(failure).toMatchObject({
      itemId: "doc-1",
      final: true,
      message: "cannot build a prompt for doc-1",
    });
  });
});
