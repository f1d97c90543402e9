import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { ApiCallError, InterruptedError } from "./errors.ts";
import { FakeLanguageModel, type FakeResponse } from "./fake-language-model.ts";
import type { GenerateRequest } from "./language-model.ts";
import { type RunTeacherOptions, runTeacher, type TeacherEvent, teacherCallKey } from "./run-teacher.ts";

/** The number in the document, doubled: the right answer can be read off the request. */
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
  toAnnotations: (document, output) => [{ documentId: document.id, payload: { data: output.value } }],
};

const documentOf = (request: GenerateRequest): string =>
  request.messages.find((message) => message.role === "user")?.content ?? "";
const answer = (request: GenerateRequest): string =>
  JSON.stringify({ value: Number(documentOf(request).replace(/\D/g, "")) * 2 });

/** A model that answers right, except where `special` (given the document's text) says otherwise. */
function teacher(
  special: (text: string, request: GenerateRequest) => FakeResponse | undefined = () => undefined,
) {
  return new FakeLanguageModel({
    fallback: (request) => special(documentOf(request), request) ?? answer(request),
  });
}

const textsOf = (model: FakeLanguageModel): string[] => model.calls.map(documentOf);

let dir: string;
let workspace: Workspace;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-teacher-loop-"));
  workspace = openWorkspace(dir);
});

afterEach(() => {
  vi.useRealTimers();
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

function documents(count: number): SourceDocument[] {
  const items = Array.from({ length: count }, (_, index) => ({
    id: `doc-${index}`,
    text: `number ${index}`,
  }));
  workspace.documents.insertMany(items);
  return items;
}

type Options = Partial<RunTeacherOptions<SourceDocument, { value: number }>>;

const label = (items: SourceDocument[], model: FakeLanguageModel, options: Options = {}) =>
  runTeacher({
    cache: workspace.calls,
    recorder: workspace.runs,
    task: doubleTask,
    items,
    model,
    ...options,
  });

/** Runs to the end on vitest's fake clock (timers and performance.now), which starts at 0. */
async function onFakeClock<T>(start: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ now: 0 });
  const run = start();
  let settled = false;
  run.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) await vi.runAllTimersAsync();
  return run;
}

/** When (on the fake clock) each request was sent, per document text. */
function timedTeacher(special?: (text: string, request: GenerateRequest) => FakeResponse | undefined) {
  const sent: { text: string; at: number }[] = [];
  const model = teacher((text, request) => {
    sent.push({ text, at: performance.now() });
    return special?.(text, request);
  });
  return { model, sent };
}

describe("runTeacher's loop", () => {
  it("labels every item exactly once, and keeps no more calls in flight than the concurrency", async () => {
    for (const [concurrency, count, expected] of [
      [3, 10, 3],
      [8, 2, 2],
      [0, 3, 1],
    ] as const) {
      const items = Array.from({ length: count }, (_, index) => ({
        id: `doc-${concurrency}-${index}`,
        text: `number ${index} of ${concurrency}`,
      }));
      workspace.documents.insertMany(items);
      let inFlight = 0;
      let mostInFlight = 0;
      const model = teacher(() => async (request: GenerateRequest) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return answer(request);
      });
      const summary = await label(items, model, { limits: { concurrency } });
      expect(mostInFlight, `concurrency ${concurrency}`).toBe(expected);
      expect(summary).toMatchObject({ total: count, done: count, skipped: 0, failed: 0, remaining: 0 });
      expect(textsOf(model).sort()).toEqual(items.map((item) => item.text).sort());
    }
  });

  it("records a failed item once, with its error, goes on with the others, and tries it again next run", async () => {
    const items = documents(4);
    const events: TeacherEvent[] = [];
    const refusing = teacher((text) =>
      text === "number 2"
        ? new ApiCallError("HTTP 400: bad request", { isRetryable: false, statusCode: 400 })
        : undefined,
    );
    const summary = await label(items, refusing, { onEvent: (event) => events.push(event) });
    expect(summary).toMatchObject({
      total: 4,
      done: 3,
      skipped: 0,
      failed: 1,
      remaining: 0,
      interrupted: false,
    });
    expect(refusing.calls).toHaveLength(4);
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      itemId: "doc-2",
      attempt: 1,
      final: true,
      errorCode: "api-call",
      message: "HTTP 400: bad request",
      task: "double",
      provider: "fake",
      model: "fake-model",
    });
    expect(events.filter((event) => event.type === "item-failed")).toEqual([
      { type: "item-failed", itemId: "doc-2", message: "HTTP 400: bad request" },
    ]);
    expect(workspace.runs.get(summary.runId)).toMatchObject({ status: "done", itemsDone: 3, itemsFailed: 1 });
    expect(workspace.annotations.list({ task: "double" }).map((a) => a.documentId)).not.toContain("doc-2");

    // A failure is not cached: the next run asks for that item, and only that one.
    const rerun = teacher();
    expect(await label(items, rerun)).toMatchObject({ done: 1, skipped: 3, failed: 0 });
    expect(textsOf(rerun)).toEqual(["number 2"]);
  });

  it("records a task's own error after the call with the attempts made, once, as final", async () => {
    const items = documents(3);
    const fragile = {
      ...doubleTask,
      toAnnotations: (document: SourceDocument, output: { value: number }) => {
        if (document.id === "doc-1") throw new Error("no annotation for doc-1");
        return doubleTask.toAnnotations(document, output);
      },
    };
    let retried = false;
    const flaky = teacher((text, request) => {
      if (text === "number 1" && !retried) {
        retried = true;
        return new ApiCallError("busy", retryable(0));
      }
      return answer(request);
    });
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: fragile,
      items,
      model: flaky,
      limits: { maxRetries: 2 },
    });
    expect(summary).toMatchObject({ done: 2, failed: 1, remaining: 0 });
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(
      failures.map((failure) => [failure.itemId, failure.attempt, failure.final, failure.message]),
    ).toEqual([
      ["doc-1", 2, true, "no annotation for doc-1"],
      ["doc-1", 1, false, "busy"],
    ]);
  });

  it("retries a retryable error with the server's wait, reporting each retry and failed attempt", async () => {
    const items = documents(2);
    let busyAnswers = 0;
    const events: TeacherEvent[] = [];
    const model = teacher((text) => {
      if (text === "number 1" && busyAnswers < 2) {
        busyAnswers++;
        return new ApiCallError("HTTP 503: busy", retryable(250));
      }
      return undefined;
    });
    const summary = await onFakeClock(() =>
      label(items, model, { limits: { concurrency: 1 }, onEvent: (event) => events.push(event) }),
    );
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    expect(textsOf(model)).toEqual(["number 0", "number 1", "number 1", "number 1"]);
    expect(events.filter((event) => event.type === "retry")).toEqual([
      { type: "retry", itemId: "doc-1", delayMs: 250, message: "HTTP 503: busy" },
      { type: "retry", itemId: "doc-1", delayMs: 250, message: "HTTP 503: busy" },
    ]);
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures.map((failure) => [failure.itemId, failure.attempt, failure.final])).toEqual([
      ["doc-1", 2, false],
      ["doc-1", 1, false],
    ]);
  });

  it("gives up after maxRetries retries and records the last as final", async () => {
    const items = documents(1);
    const model = teacher(() => new ApiCallError("HTTP 503: busy", retryable(0)));
    const summary = await label(items, model, { limits: { maxRetries: 2 } });
    expect(model.calls).toHaveLength(3);
    expect(summary).toMatchObject({ done: 0, failed: 1 });
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures.map((failure) => [failure.attempt, failure.final])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  it("records a content-filtered answer as a failure with its finish reason, without re-asking", async () => {
    const items = documents(1);
    const model = teacher(() => ({ text: "", finishReason: "content-filter" }));
    const summary = await label(items, model, { limits: { maxRepairs: 1 } });
    // A provider that filtered the answer would filter the repair prompt too: one call, no repair.
    expect(model.calls).toHaveLength(1);
    expect(summary).toMatchObject({ done: 0, failed: 1 });
    const [last] = workspace.calls.failures({ runId: summary.runId, finalOnly: true });
    expect(last).toMatchObject({
      itemId: "doc-0",
      finishReason: "content-filter",
      errorCode: "content-filter",
    });
  });

  it("counts every answer's tokens once: failed attempts on their failure, the rest on the call", async () => {
    const items = documents(2);
    let first = true;
    const model = new FakeLanguageModel({
      fallback: (request) => {
        if (documentOf(request) === "number 1" && first) {
          first = false;
          return { text: '{"value": "two"}', usage: { inputTokens: 100, outputTokens: 10 } };
        }
        return { text: answer(request), usage: { inputTokens: 1_000, outputTokens: 50 } };
      },
    });
    const prices = { "fake-model": { input: 2, output: 10 } };
    const summary = await label(items, model, { prices });
    expect(summary).toMatchObject({ done: 2, tokensIn: 2_100, tokensOut: 110 });
    expect(summary.costUsd).toBeCloseTo((2_100 * 2 + 110 * 10) / 1e6, 12);
    const [spend] = workspace.calls.spend(summary.runId);
    expect(spend).toMatchObject({ tokensIn: 2_100, tokensOut: 110, calls: 2 });
    expect(spend?.costUsd).toBeCloseTo(summary.costUsd, 12);
    const [failure] = workspace.calls.failures({ runId: summary.runId });
    expect(failure).toMatchObject({ itemId: "doc-1", tokensIn: 100, tokensOut: 10, final: false });
    expect(failure?.costUsd).toBeCloseTo((100 * 2 + 10 * 10) / 1e6, 12);
  });

  it("stops at once on a hard stop: the call in flight is cancelled and its item stays to do", async () => {
    const items = documents(5);
    const stop = new AbortController();
    const model = teacher((text, request) => {
      if (text !== "number 2") return undefined;
      // The call hangs until it is cancelled, as a provider's does on its request's signal.
      setTimeout(() => stop.abort(), 5);
      return () =>
        new Promise<FakeResponse>((_, reject) => {
          request.signal?.addEventListener("abort", () => reject(new InterruptedError()));
        });
    });
    const summary = await label(items, model, { limits: { concurrency: 1 }, abortSignal: stop.signal });
    expect(textsOf(model)).toEqual(["number 0", "number 1", "number 2"]);
    expect(summary).toMatchObject({ done: 2, failed: 0, remaining: 3, interrupted: true });
    expect(workspace.calls.failures({ runId: summary.runId })).toEqual([]);
    expect(workspace.runs.get(summary.runId)?.status).toBe("interrupted");
  });

  it("calls nothing when stopped before it starts", async () => {
    const items = documents(3);
    for (const stopped of [{ signal: AbortSignal.abort() }, { abortSignal: AbortSignal.abort() }]) {
      const model = teacher();
      const summary = await label(items, model, stopped);
      expect(model.calls).toHaveLength(0);
      expect(summary).toMatchObject({ done: 0, failed: 0, remaining: 3, interrupted: true });
    }
  });

  it("reports progress after every item, and the totals at the end", async () => {
    const items = documents(3);
    const events: TeacherEvent[] = [];
    const model = teacher((text) =>
      text === "number 1"
        ? new ApiCallError("HTTP 400: no", { isRetryable: false, statusCode: 400 })
        : undefined,
    );
    const summary = await label(items, model, { limits: { concurrency: 1 }, onEvent: (e) => events.push(e) });
    const progress = events.flatMap((event) => (event.type === "progress" ? [event.progress] : []));
    expect(progress.map((p) => [p.done, p.failed, p.skipped])).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [2, 1, 0],
      [2, 1, 0],
    ]);
    expect(progress.at(-1)?.total).toBe(3);
    expect(summary.durationMs).toBeGreaterThanOrEqual(progress.at(-1)?.elapsedMs ?? Number.NaN);
  });

  it("marks the run failed, with the error, when reporting progress throws", async () => {
    const items = documents(2);
    const failing = label(items, teacher(), {
      onEvent: (event) => {
        if (event.type === "progress") throw new Error("the terminal went away");
      },
    });
    await expect(failing).rejects.toThrow("the terminal went away");
    const [run] = workspace.runs.list();
    expect(run).toMatchObject({ status: "failed", error: "the terminal went away" });
    expect(run?.endedAt).toBeDefined();
  });

  it("records the run: kind, task, model, settings with the task version, and marks a dead run interrupted", async () => {
    const items = documents(1);
    const dead = workspace.runs.start({ kind: "label", task: "double", itemsTotal: 1 });
    const summary = await label(items, teacher(), {
      runKind: "judge",
      params: { temperature: 0.2, maxOutputTokens: 64 },
      limits: { concurrency: 2 },
      runParams: { sample: 1 },
    });
    expect(workspace.runs.get(dead)?.status).toBe("interrupted");
    const run = workspace.runs.get(summary.runId);
    expect(run).toMatchObject({
      kind: "judge",
      task: "double",
      provider: "fake",
      model: "fake-model",
      status: "done",
      itemsTotal: 1,
      itemsDone: 1,
    });
    expect(run?.params).toMatchObject({
      taskVersion: "1",
      temperature: 0.2,
      maxOutputTokens: 64,
      limits: { concurrency: 2, timeoutMs: 60_000, maxRetries: 5, maxRepairs: 2 },
      sample: 1,
    });
    expect(summary.runId).not.toBe(dead);
    expect((await label(items, teacher())).runId).toBeGreaterThan(summary.runId);
    expect(workspace.runs.get(summary.runId + 1)?.kind).toBe("label");
  });

  it("sends the generation settings and a schema name made from the task name", async () => {
    const items = documents(1);
    const model = teacher();
    const task = { ...doubleTask, name: "skills: v2/extract" };
    await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task,
      items,
      model,
      params: { temperature: 0.3, maxOutputTokens: 77 },
    });
    expect(model.calls[0]).toMatchObject({
      schemaName: "skills__v2_extract",
      temperature: 0.3,
      maxOutputTokens: 77,
    });
    expect(model.calls[0]?.timeoutMs).toBe(60_000);

    const bare = teacher();
    await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: { ...doubleTask, name: "" },
      items,
      model: bare,
    });
    expect(bare.calls[0]?.schemaName).toBe("answer");
    expect(bare.calls[0]).not.toHaveProperty("temperature");
    expect(bare.calls[0]).not.toHaveProperty("maxOutputTokens");

    const long = teacher();
    await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: { ...doubleTask, name: "x".repeat(80) },
      items,
      model: long,
    });
    expect(long.calls[0]?.schemaName).toBe("x".repeat(64));
  });

  it("warns once when the model has no known price, and not when it has", async () => {
    const items = documents(2);
    const unpriced: TeacherEvent[] = [];
    await label(items, teacher(), { onEvent: (event) => unpriced.push(event) });
    expect(unpriced.filter((event) => event.type === "warning")).toEqual([
      { type: "warning", message: "no price known for fake-model: its cost is counted as 0 (see --prices)" },
    ]);
    const priced: TeacherEvent[] = [];
    await label(items, teacher(), {
      task: { ...doubleTask, version: "2" },
      prices: { "fake-model": { input: 1, output: 1 } },
      onEvent: (event) => priced.push(event),
    });
    expect(priced.filter((event) => event.type === "warning")).toEqual([]);
  });
});

describe("runTeacher's records, on a fake clock", () => {
  it("stores each success with its evidence, timings and annotations, under the call's key", async () => {
    const items = documents(2);
    let repaired = false;
    const model = new FakeLanguageModel({
      fallback: () => async (request: GenerateRequest) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (documentOf(request) === "number 1" && !repaired) {
          repaired = true;
          return { text: '{"value": "two"}', usage: { inputTokens: 30, outputTokens: 3 } };
        }
        return { text: answer(request), usage: { inputTokens: 20, outputTokens: 4 } };
      },
    });
    const events: TeacherEvent[] = [];
    const prices = { "fake-model": { input: 1_000, output: 2_000 } };
    const summary = await onFakeClock(async () => {
      vi.advanceTimersByTime(1_000);
      return label(items, model, {
        limits: { concurrency: 1 },
        prices,
        onEvent: (event) => events.push(event),
      });
    });
    const elapsed = events.flatMap((event) => (event.type === "progress" ? [event.progress.elapsedMs] : []));
    expect(elapsed).toEqual([100, 300, 300]);
    expect(summary).toMatchObject({ durationMs: 300, tokensIn: 70, tokensOut: 11 });
    expect(summary.costUsd).toBeCloseTo((70 * 1_000 + 11 * 2_000) / 1e6, 12);

    const rows = workspace.db
      .prepare(
        `SELECT key, run_id AS runId, task, task_version AS taskVersion, provider, model, item_id AS itemId, output,
         raw_text AS rawText, finish_reason AS finishReason, tokens_in AS tokensIn, tokens_out AS tokensOut,
         cost_usd AS costUsd, attempts, latency_ms AS latencyMs FROM calls ORDER BY item_id`,
      )
      .all();
    const common = {
      runId: summary.runId,
      task: "double",
      taskVersion: "1",
      provider: "fake",
      model: "fake-model",
    };
    expect(rows).toEqual([
      {
        ...common,
        key: teacherCallKey(model, doubleTask, {}, items[0] as SourceDocument),
        itemId: "doc-0",
        output: '{"value":0}',
        rawText: '{"value":0}',
        finishReason: "stop",
        tokensIn: 20,
        tokensOut: 4,
        costUsd: expect.closeTo((20 * 1_000 + 4 * 2_000) / 1e6, 12),
        attempts: 1,
        latencyMs: 100,
      },
      {
        ...common,
        key: teacherCallKey(model, doubleTask, {}, items[1] as SourceDocument),
        itemId: "doc-1",
        output: '{"value":2}',
        rawText: '{"value":2}',
        finishReason: "stop",
        tokensIn: 20,
        tokensOut: 4,
        costUsd: expect.closeTo((20 * 1_000 + 4 * 2_000) / 1e6, 12),
        attempts: 2,
        latencyMs: 200,
      },
    ]);
    const annotations = workspace.annotations.list({ task: "double" });
    expect(
      annotations.map(({ documentId, task, taskVersion, source, payload, runId, callKey }) => ({
        documentId,
        task,
        taskVersion,
        source,
        payload,
        runId,
        callKey,
      })),
    ).toEqual(
      [0, 1].map((index) => ({
        documentId: `doc-${index}`,
        task: "double",
        taskVersion: "1",
        source: { kind: "teacher", name: "fake/fake-model", version: "1" },
        payload: { data: index * 2 },
        runId: summary.runId,
        callKey: teacherCallKey(model, doubleTask, {}, items[index] as SourceDocument),
      })),
    );
  });
});

describe("runTeacher's dry run", () => {
  it("estimates what is left to do, from the prompt's length and the expected answer, and stores nothing", async () => {
    const items = documents(3);
    await label(items.slice(0, 1), teacher());
    const runsBefore = workspace.runs.list().length;
    const model = teacher();
    // "Double the number.\nnumber N": 27 characters, 7 tokens; an answer of 256 tokens by default.
    const plain = await label(items, model, { dryRun: true });
    expect(model.calls).toHaveLength(0);
    expect(plain).toMatchObject({ runId: 0, total: 3, done: 0, skipped: 1, failed: 0, remaining: 2 });
    expect(plain.estimate).toEqual({
      items: 3,
      cached: 1,
      toDo: 2,
      inputTokens: 14,
      outputTokens: 512,
      costUsd: undefined,
    });
    const capped = await label(items, model, {
      dryRun: true,
      params: { maxOutputTokens: 40 },
      prices: { "fake-model": { input: 3, output: 5 } },
    });
    // maxOutputTokens changes the key: nothing is cached under it.
    expect(capped.estimate).toMatchObject({ cached: 0, toDo: 3, inputTokens: 21, outputTokens: 120 });
    expect(capped.estimate?.costUsd).toBeCloseTo((21 * 3 + 120 * 5) / 1e6, 12);
    const taskEstimate = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: { ...doubleTask, estimateOutputTokens: (document) => document.text.length },
      items,
      model,
      dryRun: true,
      params: { maxOutputTokens: 40 },
    });
    expect(taskEstimate.estimate).toMatchObject({ outputTokens: 24 });
    // The messages are counted joined by newlines: "Double the number.\nnumber 100" is 29 characters, 8 tokens.
    const joined = await label([{ id: "doc-100", text: "number 100" }], model, { dryRun: true });
    expect(joined.estimate?.inputTokens).toBe(8);
    expect(workspace.runs.list()).toHaveLength(runsBefore);
  });
});

const retryable = (retryAfterMs: number, statusCode = 503) => ({
  isRetryable: true,
  statusCode,
  retryAfterMs,
});

describe("runTeacher's pacing on a fake clock", () => {
  /** Answers after 10 ms, except as `special` says. */
  const slowly = (special: (text: string) => FakeResponse | undefined) =>
    timedTeacher(
      (text, request) =>
        special(text) ??
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          return answer(request);
        }),
    );

  it("pauses every caller for a 429's retry-after; the calls already in flight finish", async () => {
    let limited = false;
    const { model, sent } = slowly((text) => {
      if (text !== "number 0" || limited) return undefined;
      limited = true;
      return new ApiCallError("HTTP 429: slow down", { ...retryable(1_000, 429), code: "rate-limited" });
    });
    const summary = await onFakeClock(() => label(documents(6), model, { limits: { concurrency: 3 } }));
    expect(summary.done).toBe(6);
    expect(sent).toEqual([
      { text: "number 0", at: 0 },
      { text: "number 1", at: 0 },
      { text: "number 2", at: 0 },
      { text: "number 3", at: 1_000 },
      { text: "number 4", at: 1_000 },
      { text: "number 0", at: 1_000 },
      { text: "number 5", at: 1_010 },
    ]);
  });

  it("does not pause the others for a retry-after on another status", async () => {
    let failed = false;
    const { model, sent } = slowly((text) => {
      if (text !== "number 0" || failed) return undefined;
      failed = true;
      return new ApiCallError("HTTP 503: busy", retryable(1_000));
    });
    const summary = await onFakeClock(() => label(documents(4), model, { limits: { concurrency: 2 } }));
    expect(summary.done).toBe(4);
    expect(sent).toEqual([
      { text: "number 0", at: 0 },
      { text: "number 1", at: 0 },
      { text: "number 2", at: 10 },
      { text: "number 3", at: 20 },
      { text: "number 0", at: 1_000 },
    ]);
  });

  it("on a graceful stop, lets the calls in flight finish but cancels the waits and takes no new work", async () => {
    const stop = new AbortController();
    const { model, sent } = timedTeacher((text, request) => {
      if (text === "number 0") return new ApiCallError("HTTP 503: busy", retryable(10_000));
      // A call that a hard stop would cancel: it must still finish here.
      return () =>
        new Promise<FakeResponse>((resolve, reject) => {
          const timer = setTimeout(() => resolve(answer(request)), 50);
          request.signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(new InterruptedError());
          });
        });
    });
    const summary = await onFakeClock(() => {
      setTimeout(() => stop.abort(), 20);
      return label(documents(4), model, { limits: { concurrency: 2 }, signal: stop.signal });
    });
    expect(sent).toEqual([
      { text: "number 0", at: 0 },
      { text: "number 1", at: 0 },
    ]);
    expect(summary).toMatchObject({ done: 1, failed: 0, remaining: 3, interrupted: true, durationMs: 50 });
    expect(workspace.annotations.list({ task: "double" }).map((a) => a.documentId)).toEqual(["doc-1"]);
    expect(workspace.calls.failures({ runId: summary.runId, finalOnly: true })).toEqual([]);
  });

  it("on a graceful stop, lets the callers waiting for the rate limiter go", async () => {
    const stop = new AbortController();
    const { model, sent } = timedTeacher();
    const summary = await onFakeClock(() => {
      setTimeout(() => stop.abort(), 150);
      return label(documents(10), model, {
        limits: { concurrency: 10, requestsPerMinute: 600 },
        signal: stop.signal,
      });
    });
    expect(sent.map((request) => request.at)).toEqual([0, 0, 102]);
    expect(summary).toMatchObject({ done: 3, failed: 0, remaining: 7, interrupted: true, durationMs: 150 });
  });

  it("paces requests within a requests-per-minute limit", async () => {
    const { model, sent } = timedTeacher();
    const summary = await onFakeClock(() =>
      label(documents(10), model, { limits: { concurrency: 10, requestsPerMinute: 600 } }),
    );
    expect(summary.done).toBe(10);
    // A burst of two (a quarter second's worth), then one per 60,000 / (597 × 0.99) = 101.5 ms.
    expect(sent.map((request) => request.at)).toEqual([0, 0, 102, 204, 305, 407, 508, 610, 711, 813]);
  });

  it("paces by tokens, booking each call's real usage against its estimate", async () => {
    // Each request is estimated at 7 input + 2,000 output tokens; the bucket holds 5,000 (60,000 tpm).
    const task = { ...doubleTask, estimateOutputTokens: () => 2_000 };
    const run = (usage: { inputTokens: number; outputTokens: number }) => {
      const sent: number[] = [];
      const model = new FakeLanguageModel({
        fallback: (request) => {
          sent.push(performance.now());
          return { text: answer(request), usage };
        },
      });
      return { sent, model };
    };
    const items = documents(3);
    const light = run({ inputTokens: 10, outputTokens: 5 });
    await onFakeClock(() =>
      runTeacher({
        cache: workspace.calls,
        recorder: workspace.runs,
        task,
        items,
        model: light.model,
        limits: { concurrency: 1, tokensPerMinute: 60_000 },
      }),
    );
    // Each call gives back the 1,992 tokens it did not use: no one waits.
    expect(light.sent).toEqual([0, 0, 0]);

    vi.useRealTimers();
    const heavy = run({ inputTokens: 3_000, outputTokens: 1_000 });
    await onFakeClock(() =>
      runTeacher({
        cache: workspace.calls,
        recorder: workspace.runs,
        task: { ...task, version: "2" },
        items,
        model: heavy.model,
        limits: { concurrency: 1, tokensPerMinute: 60_000 },
      }),
    );
    // The first used 4,000, not 2,007: the bucket stands at 1,000 and the next needs 2,007, 1,105 ms
    // of refill at 55,000 × 0.995 a minute; the second too uses 1,993 more than estimated, so the third
    // finds the bucket at -1,992 and waits 4,385 ms more.
    expect(heavy.sent).toEqual([0, 1_105, 5_490]);
  });

  it("writes progress to the run row at most twice a second, and at the end", async () => {
    const { model } = timedTeacher();
    const written: [number, number][] = [];
    let runId = 0;
    const summary = await onFakeClock(() =>
      label(documents(10), model, {
        limits: { concurrency: 10, requestsPerMinute: 600 },
        onEvent: (event) => {
          if (event.type === "start") runId = event.runId;
          if (event.type === "progress")
            written.push([event.progress.done, workspace.runs.get(runId)?.itemsDone ?? Number.NaN]);
        },
      }),
    );
    // Items finish at 0, 0, 102, 204, … 813 ms: the row is written at 508 ms (the seventh) and at the end.
    expect(written).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, 7],
      [8, 7],
      [9, 7],
      [10, 7],
      [10, 10],
    ]);
    expect(workspace.runs.get(summary.runId)?.itemsDone).toBe(10);
  });
});
