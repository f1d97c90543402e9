import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { FakeLanguageModel } from "./fake-language-model.ts";
import { InMemoryCallCache, InMemoryRunRecorder } from "./in-memory-ports.ts";
import type { GenerateRequest } from "./language-model.ts";
import { runTeacher, teacherCallKey } from "./run-teacher.ts";

/** The engine on its two ports alone: no database, no workspace. */
const doubleTask: TeacherTask<SourceDocument, { value: number }> = {
  name: "double",
  version: "7",
  outputSchema: z.strictObject({ value: z.number() }),
  itemId: (document) => document.id,
  itemFingerprint: (document) => document.text,
  buildMessages: (document) => [{ role: "user", content: document.text }],
  toAnnotations: (document, output) => [{ documentId: document.id, payload: { data: output.value } }],
};

const items: SourceDocument[] = [1, 2, 3].map((n) => ({ id: `doc-${n}`, text: `number ${n}` }));
const textOf = (request: GenerateRequest): string => request.messages[0]?.content ?? "";

/** Doubles the number, but answers "number 2" with prose every time. */
const model = (): FakeLanguageModel =>
  new FakeLanguageModel({
    modelId: "m",
    fallback: (request) =>
      textOf(request) === "number 2"
        ? "no idea"
        : JSON.stringify({ value: Number(textOf(request).replace(/\D/g, "")) * 2 }),
  });

describe("runTeacher on in-memory ports", () => {
  it("records the run, each success with its annotations, and each failed attempt", async () => {
    const cache = new InMemoryCallCache();
    const recorder = new InMemoryRunRecorder();
    recorder.start({ kind: "label" }); // left running by a process that died
    const summary = await runTeacher({
      cache,
      recorder,
      task: doubleTask,
      items,
      model: model(),
      limits: { concurrency: 1, maxRepairs: 1 },
      runParams: { note: "x" },
    });
    expect(summary).toMatchObject({ runId: 2, total: 3, done: 2, failed: 1, skipped: 0, interrupted: false });
    expect(recorder.runs[0]?.status).toBe("interrupted");
    const run = recorder.runs[1];
    expect(run).toMatchObject({
      kind: "label",
      task: "double",
      provider: "fake",
      model: "m",
      itemsTotal: 3,
      status: "done",
      progress: { itemsDone: 2, itemsSkipped: 0, itemsFailed: 1 },
      params: { taskVersion: "7", note: "x", limits: { concurrency: 1, maxRepairs: 1 } },
    });
    expect(run?.report).toMatchObject({ runId: 2, done: 2, failed: 1 });

    const stored = [...cache.successes.values()];
    expect(stored.map(({ call }) => call.itemId)).toEqual(["doc-1", "doc-3"]);
    expect(stored[1]).toMatchObject({
      call: {
        runId: 2,
        task: "double",
        taskVersion: "7",
        provider: "fake",
        model: "m",
        output: { value: 6 },
      },
      annotations: [
        {
          documentId: "doc-3",
          task: "double",
          taskVersion: "7",
          source: { kind: "teacher", name: "fake/m", version: "7" },
          payload: { data: 6 },
          runId: 2,
        },
      ],
    });
    expect(
      cache.failures.map(({ itemId, attempt, final, errorCode }) => [itemId, attempt, final, errorCode]),
    ).toEqual([
      ["doc-2", 1, false, "no-object"],
      ["doc-2", 2, true, "no-object"],
    ]);
  });

  it("asks nothing the cache already holds", async () => {
    const cache = new InMemoryCallCache();
    const recorder = new InMemoryRunRecorder();
    const teacher = model();
    const known = items[0] as SourceDocument;
    cache.recordSuccess(
      {
        key: teacherCallKey(teacher, doubleTask, {}, known),
        task: "double",
        taskVersion: "7",
        provider: "fake",
        model: "m",
        itemId: known.id,
        output: { value: 2 },
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        attempts: 1,
      },
      [],
    );
    const summary = await runTeacher({ cache, recorder, task: doubleTask, items: [known], model: teacher });
    expect(summary).toMatchObject({ done: 0, skipped: 1, remaining: 0 });
    expect(teacher.calls).toHaveLength(0);
    expect(recorder.runs[0]?.progress.itemsSkipped).toBe(1);
  });

  it("a cache that cannot store an answer fails that item, recorded, and the run goes on", async () => {
    const cache = new InMemoryCallCache();
    const refusing = Object.assign(Object.create(cache) as InMemoryCallCache, {
      recordSuccess: (call: { itemId: string }) => {
        if (call.itemId === "doc-1") throw new Error("disk full");
        return true;
      },
    });
    const recorder = new InMemoryRunRecorder();
    const summary = await runTeacher({
      cache: refusing,
      recorder,
      task: doubleTask,
      items: [items[0] as SourceDocument, items[2] as SourceDocument],
      model: model(),
    });
    expect(summary).toMatchObject({ done: 1, failed: 1 });
    expect(cache.failures).toMatchObject([
      { itemId: "doc-1", final: true, errorCode: "error", message: "disk full" },
    ]);
  });

  it("a recorder that fails mid-run marks the run failed and rethrows", async () => {
    const recorder = new InMemoryRunRecorder();
    const failing = Object.assign(Object.create(recorder) as InMemoryRunRecorder, {
      progress: (_id: number, progress: { itemsDone?: number }) => {
        if (progress.itemsDone !== undefined) throw new Error("ledger locked");
      },
    });
    await expect(
      runTeacher({
        cache: new InMemoryCallCache(),
        recorder: failing,
        task: doubleTask,
        items,
        model: model(),
      }),
    ).rejects.toThrow("ledger locked");
    expect(recorder.runs[0]).toMatchObject({ status: "failed", error: "ledger locked" });
  });

  it("a run that fails on an unexpected error still records the progress it made", async () => {
    const recorder = new InMemoryRunRecorder();
    // doc-1 and doc-3 succeed within one progress interval; then the listener fails on doc-2's failure.
    await expect(
      runTeacher({
        cache: new InMemoryCallCache(),
        recorder,
        task: doubleTask,
        items: [items[0], items[2], items[1]] as SourceDocument[],
        model: model(),
        limits: { concurrency: 1, maxRepairs: 0 },
        onEvent: (event) => {
          if (event.type === "item-failed") throw new Error("listener broke");
        },
      }),
    ).rejects.toThrow("listener broke");
    // The throttled progress wrote one item at most; the forced last report writes both.
    expect(recorder.runs[0]).toMatchObject({ status: "failed", progress: { itemsDone: 2 } });
  });

  it("a dry run touches neither port", async () => {
    const cache = new InMemoryCallCache();
    const recorder = new InMemoryRunRecorder();
    const before = performance.now();
    const summary = await runTeacher({
      cache,
      recorder,
      task: doubleTask,
      items,
      model: model(),
      dryRun: true,
    });
    // Its duration is the time the call took, no more.
    expect(summary.durationMs).toBeGreaterThanOrEqual(0);
    expect(summary.durationMs).toBeLessThanOrEqual(performance.now() - before);
    expect(summary.estimate).toMatchObject({ items: 3, toDo: 3 });
    expect(summary).toMatchObject({ runId: 0, done: 0, interrupted: false, remaining: 3 });
    expect(recorder.runs).toEqual([]);
    expect(cache.successes.size + cache.failures.length).toBe(0);
  });
});
