import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { FakeLanguageModel } from "./fake-language-model.ts";
import type { GenerateRequest } from "./language-model.ts";
import {
  type RunTeacherOptions,
  runTeacher,
  type TeacherEvent,
  type TeacherGenerationParams,
  teacherCallKey,
} from "./run-teacher.ts";

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

const answer = (request: GenerateRequest): string => {
  const text = request.messages.find((message) => message.role === "user")?.content ?? "";
  return JSON.stringify({ value: Number(text.replace(/\D/g, "")) * 2 });
};

const teacher = (options: { provider?: string; modelId?: string } = {}): FakeLanguageModel =>
  new FakeLanguageModel({ provider: "fake", modelId: "fake-model", ...options, fallback: answer });

const baseParams: TeacherGenerationParams = { temperature: 0, maxOutputTokens: 100 };

let dir: string;
let workspace: Workspace;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-teacher-cache-"));
  workspace = openWorkspace(dir);
});

afterEach(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Documents stored in the workspace (annotations refer to them). */
function store(items: SourceDocument[]): SourceDocument[] {
  workspace.documents.insertMany(items);
  return items;
}

const numbered = (count: number): SourceDocument[] =>
  store(Array.from({ length: count }, (_, index) => ({ id: `doc-${index}`, text: `number ${index}` })));

type Run = Partial<RunTeacherOptions<SourceDocument, { value: number }>> & { model: FakeLanguageModel };

const label = (items: SourceDocument[], run: Run) =>
  runTeacher({
    cache: workspace.calls,
    recorder: workspace.runs,
    task: doubleTask,
    items,
    params: baseParams,
    ...run,
  });

describe("teacherCallKey", () => {
  const model = { provider: "fake", modelId: "fake-model" };
  const item: SourceDocument = { id: "doc-0", text: "number 0" };
  const key = teacherCallKey(model, doubleTask, baseParams, item);

  it("is the same for the same inputs, whatever objects carry them", () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(
      teacherCallKey(
        { modelId: "fake-model", provider: "fake" },
        { ...doubleTask },
        { maxOutputTokens: 100, temperature: 0 },
        { id: "doc-0", text: "number 0" },
      ),
    ).toBe(key);
    // An unset setting is the same as one that is absent.
    expect(teacherCallKey(model, doubleTask, {}, item)).toBe(
      teacherCallKey(model, doubleTask, { temperature: undefined, maxOutputTokens: undefined }, item),
    );
  });

  it("changes with every part that can change the answer, each on its own", () => {
    const variants = {
      provider: teacherCallKey({ ...model, provider: "other" }, doubleTask, baseParams, item),
      model: teacherCallKey({ ...model, modelId: "other-model" }, doubleTask, baseParams, item),
      taskName: teacherCallKey(model, { ...doubleTask, name: "double-2" }, baseParams, item),
      taskVersion: teacherCallKey(model, { ...doubleTask, version: "2" }, baseParams, item),
      temperature: teacherCallKey(model, doubleTask, { ...baseParams, temperature: 0.7 }, item),
      maxOutputTokens: teacherCallKey(model, doubleTask, { ...baseParams, maxOutputTokens: 101 }, item),
      content: teacherCallKey(model, doubleTask, baseParams, { ...item, text: "number 1" }),
    };
    for (const [part, variant] of Object.entries(variants)) expect(variant, part).not.toBe(key);
    expect(new Set(Object.values(variants)).size).toBe(Object.keys(variants).length);
    // A setting left unset is not the same as one set to a value.
    expect(teacherCallKey(model, doubleTask, { maxOutputTokens: 100 }, item)).not.toBe(key);
    expect(teacherCallKey(model, doubleTask, { temperature: 0 }, item)).not.toBe(key);
  });

  it("keys an item by its content (the task's fingerprint), not by its id", () => {
    // Same id, different content: a different question, so a different key.
    expect(teacherCallKey(model, doubleTask, baseParams, { id: "doc-0", text: "number 9" })).not.toBe(key);
    // Same content under another id: the same question, so the same key (asked once, see TeacherCounts.skipped).
    expect(teacherCallKey(model, doubleTask, baseParams, { id: "doc-9", text: "number 0" })).toBe(key);
  });

  it("leaves out what cannot change a stored answer: the truncation retry budget", () => {
    // A truncated answer is never stored, so the retry budget only decides whether there is an answer at all.
    expect(
      teacherCallKey(model, doubleTask, { ...baseParams, truncationRetryMaxOutputTokens: 500 }, item),
    ).toBe(key);
  });
});

describe("runTeacher's call cache", () => {
  const changes: [string, (items: SourceDocument[]) => Run][] = [
    ["the task version", () => ({ model: teacher(), task: { ...doubleTask, version: "2" } })],
    ["the task name", () => ({ model: teacher(), task: { ...doubleTask, name: "double-again" } })],
    ["the model", () => ({ model: teacher({ modelId: "other-model" }) })],
    ["the provider", () => ({ model: teacher({ provider: "other-provider" }) })],
    ["the temperature", () => ({ model: teacher(), params: { ...baseParams, temperature: 0.7 } })],
    ["maxOutputTokens", () => ({ model: teacher(), params: { ...baseParams, maxOutputTokens: 200 } })],
  ];

  for (const [part, change] of changes) {
    it(`calls the model afresh when only ${part} changes, and not again after that`, async () => {
      const items = numbered(3);
      const first = teacher();
      expect(await label(items, { model: first })).toMatchObject({ done: 3, skipped: 0 });
      expect(first.calls).toHaveLength(3);

      const changed = change(items);
      const fresh = await label(items, changed);
      expect(fresh).toMatchObject({ done: 3, skipped: 0, failed: 0 });
      expect(changed.model.calls).toHaveLength(3);

      const again = change(items);
      expect(await label(items, again)).toMatchObject({ done: 0, skipped: 3 });
      expect(again.model.calls).toHaveLength(0);
    });
  }

  it("calls nothing on a rerun with everything the same, whatever the limits and recorded settings", async () => {
    const items = numbered(4);
    const first = teacher();
    await label(items, { model: first });
    expect(first.calls).toHaveLength(4);
    const rerun = teacher();
    const summary = await label(items, {
      model: rerun,
      limits: { concurrency: 1, maxRetries: 0, maxRepairs: 0 },
      runParams: { note: "a different run" },
      runKind: "judge",
      params: { ...baseParams, truncationRetryMaxOutputTokens: 300 },
    });
    expect(rerun.calls).toHaveLength(0);
    expect(summary).toMatchObject({ total: 4, done: 0, skipped: 4, failed: 0, remaining: 0 });
  });

  it("calls again for an item whose content changed, but not for the same content under a new id", async () => {
    const items = numbered(2);
    await label(items, { model: teacher() });

    const edited = teacher();
    const afterEdit = await label([{ id: "doc-0", text: "number 7" }, items[1] as SourceDocument], {
      model: edited,
    });
    expect(afterEdit).toMatchObject({ done: 1, skipped: 1 });
    expect(edited.calls.map((call) => call.messages[1]?.content)).toEqual(["number 7"]);

    const renamed = teacher();
    const afterRename = await label(store([{ id: "doc-renamed", text: "number 1" }]), { model: renamed });
    expect(afterRename).toMatchObject({ done: 0, skipped: 1 });
    expect(renamed.calls).toHaveLength(0);
  });

  it("asks once for identical inputs within one run and counts the repeats as skipped", async () => {
    const items = store([
      { id: "doc-a", text: "number 1" },
      { id: "doc-b", text: "number 2" },
      { id: "doc-c", text: "number 1" },
      { id: "doc-d", text: "number 1" },
    ]);
    const model = teacher();
    const events: TeacherEvent[] = [];
    const summary = await label(items, { model, onEvent: (event) => events.push(event) });
    expect(model.calls.map((call) => call.messages[1]?.content)).toEqual(["number 1", "number 2"]);
    expect(summary).toMatchObject({ total: 4, done: 2, skipped: 2, failed: 0, remaining: 0 });
    expect(events.find((event) => event.type === "start")).toMatchObject({
      type: "start",
      total: 4,
      cached: 2,
      toDo: 2,
    });
    expect(workspace.runs.get(summary.runId)).toMatchObject({
      itemsDone: 2,
      itemsSkipped: 2,
      itemsFailed: 0,
    });
  });

  it("asks for two items with the same id but different content, each once", async () => {
    const items: SourceDocument[] = [
      { id: "doc-0", text: "number 3" },
      { id: "doc-0", text: "number 4" },
    ];
    store([{ id: "doc-0", text: "number 3" }]);
    const model = teacher();
    const summary = await label(items, { model });
    expect(model.calls.map((call) => call.messages[1]?.content)).toEqual(["number 3", "number 4"]);
    expect(summary).toMatchObject({ done: 2, skipped: 0 });
  });

  it("counts cached items and repeats together in the start event, the summary and the run row", async () => {
    const items = numbered(5);
    await label(items.slice(0, 2), { model: teacher() });
    const repeat = store([{ id: "doc-repeat", text: "number 4" }]);
    const model = teacher();
    const events: TeacherEvent[] = [];
    let skippedAtStart: number | undefined;
    const summary = await label([...items, ...repeat], {
      model,
      onEvent: (event) => {
        events.push(event);
        if (event.type === "start") skippedAtStart = workspace.runs.get(event.runId)?.itemsSkipped;
      },
    });
    // The run row shows what was skipped before any call is made.
    expect(skippedAtStart).toBe(3);
    expect(model.calls).toHaveLength(3);
    expect(events.find((event) => event.type === "start")).toMatchObject({
      type: "start",
      total: 6,
      cached: 3,
      toDo: 3,
    });
    expect(summary).toMatchObject({ total: 6, done: 3, skipped: 3, failed: 0, remaining: 0 });
    expect(workspace.runs.get(summary.runId)).toMatchObject({
      itemsTotal: 6,
      itemsDone: 3,
      itemsSkipped: 3,
      itemsFailed: 0,
    });
  });
});
