import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ItemClaims } from "../core/ports.ts";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { InterruptedError } from "./errors.ts";
import { FakeLanguageModel } from "./fake-language-model.ts";
import { InMemoryCallCache, InMemoryRunRecorder } from "./in-memory-ports.ts";
import type { GenerateRequest } from "./language-model.ts";
import { runTeacher, teacherCallKey } from "./run-teacher.ts";

/** Several processes' leases in one map: a holder's lease counts while the holder is alive. */
class SharedLeases {
  readonly leases = new Map<string, string>();
  readonly givenUp = new Set<string>();
  readonly alive = new Set<string>();
  renewals = 0;

  holder(name: string, beforeClaim?: (key: string) => void): ItemClaims {
    this.alive.add(name);
    return {
      holder: name,
      renewEveryMs: 1,
      pollEveryMs: 2,
      claim: (key) => {
        beforeClaim?.(key);
        const current = this.leases.get(key);
        if (current !== undefined && current !== name && this.alive.has(current)) {
          return this.givenUp.has(key) ? "given-up" : "held";
        }
        this.leases.set(key, name);
        this.givenUp.delete(key);
        return "claimed";
      },
      release: (key) => {
        if (this.leases.get(key) === name) this.leases.delete(key);
      },
      giveUp: (key) => {
        if (this.leases.get(key) === name) this.givenUp.add(key);
      },
      renew: () => {
        this.renewals++;
      },
    };
  }
}

const echoTask: TeacherTask<SourceDocument, { text: string }> = {
  name: "echo",
  version: "1",
  outputSchema: z.strictObject({ text: z.string() }),
  itemId: (document) => document.id,
  itemFingerprint: (document) => document.text,
  buildMessages: (document) => [{ role: "user", content: document.text }],
  toAnnotations: (document, output) => [{ documentId: document.id, payload: { data: output.text } }],
};

const items: SourceDocument[] = Array.from({ length: 20 }, (_, n) => ({ id: `doc-${n}`, text: `text ${n}` }));

/** Answers each request after a short wait, so two runs overlap. */
const slowModel = (onCall?: (callIndex: number) => void): FakeLanguageModel =>
  new FakeLanguageModel({
    modelId: "m",
    fallback: async (request, callIndex) => {
      onCall?.(callIndex);
      await delay(3);
      return JSON.stringify({ text: request.messages[0]?.content ?? "" });
    },
  });

const keyOf = (document: SourceDocument): string =>
  teacherCallKey({ provider: "fake", modelId: "m" }, echoTask, {}, document);

describe("runTeacher with claims", () => {
  it("two runs on one cache split the items: each item is called for once, and both do some", async () => {
    const cache = new InMemoryCallCache();
    const recorder = new InMemoryRunRecorder();
    const leases = new SharedLeases();
    const [first, second] = [slowModel(), slowModel()];
    const run = (model: FakeLanguageModel, holder: string) =>
      runTeacher({
        cache,
        recorder,
        task: echoTask,
        items,
        model,
        limits: { concurrency: 2 },
        claims: leases.holder(holder),
      });
    const [a, b] = await Promise.all([run(first, "a"), run(second, "b")]);
    expect(first.calls.length + second.calls.length).toBe(items.length);
    expect(first.calls.length).toBeGreaterThan(0);
    expect(second.calls.length).toBeGreaterThan(0);
    expect(cache.successes.size).toBe(items.length);
    expect(a).toMatchObject({ done: first.calls.length, skipped: second.calls.length, remaining: 0 });
    expect(b).toMatchObject({ done: second.calls.length, skipped: first.calls.length, remaining: 0 });
    expect(leases.leases.size).toBe(0);
    expect(leases.renewals).toBeGreaterThan(0);
    expect(recorder.runs.map((recorded) => [recorded.holder, recorded.status])).toEqual([
      ["a", "done"],
      ["b", "done"],
    ]);
  });

  it("releases an item whose call a hard stop cut short, so another run still does it", async () => {
    const cache = new InMemoryCallCache();
    const leases = new SharedLeases();
    const hard = new AbortController();
    const stopped = new FakeLanguageModel({
      modelId: "m",
      fallback: (request) =>
        new Promise<string>((_, reject) => {
          request.signal?.addEventListener("abort", () => reject(new InterruptedError()));
          hard.abort();
        }),
    });
    const one = items.slice(0, 1);
    const base = { cache, recorder: new InMemoryRunRecorder(), task: echoTask, items: one };
    const cut = await runTeacher({
      ...base,
      model: stopped,
      claims: leases.holder("a"),
      signal: hard.signal,
      abortSignal: hard.signal,
    });
    expect(cut).toMatchObject({ interrupted: true, done: 0 });
    // "a" is still alive: had it given the item up, "b" would leave it alone.
    const other = slowModel();
    const finished = await runTeacher({ ...base, model: other, claims: leases.holder("b") });
    expect(other.calls).toHaveLength(1);
    expect(finished).toMatchObject({ done: 1, remaining: 0 });
  });

  it("warns, naming the cause, when its leases cannot be renewed, and still finishes", async () => {
    const leases = new SharedLeases();
    const claims = {
      ...leases.holder("a"),
      renew: () => {
        throw new Error("database is locked");
      },
    };
    const warnings: string[] = [];
    const summary = await runTeacher({
      cache: new InMemoryCallCache(),
      recorder: new InMemoryRunRecorder(),
      task: echoTask,
      items,
      model: slowModel(),
      limits: { concurrency: 2 },
      claims,
      onEvent: (event) => {
        if (event.type === "warning" && event.message.includes("leases")) warnings.push(event.message);
      },
    });
    expect(summary).toMatchObject({ done: items.length, remaining: 0 });
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings)).toEqual(new Set(["could not renew this run's leases: database is locked"]));
  });

  it("an item one run gives up on is not tried again by the other while the first is running", async () => {
    const cache = new InMemoryCallCache();
    const leases = new SharedLeases();
    const answer = async (request: GenerateRequest): Promise<string> => {
      await delay(3);
      const text = request.messages[0]?.content ?? "";
      return text === "text 7" ? "no idea" : JSON.stringify({ text });
    };
    const [first, second] = [answer, answer].map(
      (fallback) => new FakeLanguageModel({ modelId: "m", fallback }),
    ) as [FakeLanguageModel, FakeLanguageModel];
    const run = (model: FakeLanguageModel, holder: string) =>
      runTeacher({
        cache,
        recorder: new InMemoryRunRecorder(),
        task: echoTask,
        items,
        model,
        limits: { concurrency: 2, maxRepairs: 0 },
        claims: leases.holder(holder),
      });
    const summaries = await Promise.all([run(first, "a"), run(second, "b")]);
    const asked = [...first.calls, ...second.calls].map((request) => request.messages[0]?.content);
    expect(asked.filter((text) => text === "text 7")).toHaveLength(1);
    expect(asked).toHaveLength(items.length);
    expect(summaries.map((summary) => summary.failed).sort()).toEqual([0, 1]);
    expect(summaries.map((summary) => summary.remaining)).toEqual([0, 0]);
    expect([...leases.givenUp]).toEqual([keyOf(items[7] as SourceDocument)]);
  });

  it("leaves the items of a live holder, and does them once that holder dies", async () => {
    const cache = new InMemoryCallCache();
    const leases = new SharedLeases();
    const ghost = leases.holder("ghost");
    for (const document of items.slice(0, 3)) ghost.claim(keyOf(document));
    const model = slowModel((callIndex) => {
      if (callIndex === items.length - 4) leases.alive.delete("ghost");
    });
    const summary = await runTeacher({
      cache,
      recorder: new InMemoryRunRecorder(),
      task: echoTask,
      items,
      model,
      limits: { concurrency: 1 },
      claims: leases.holder("survivor"),
    });
    expect(summary).toMatchObject({ done: items.length, skipped: 0, remaining: 0 });
    const asked = model.calls.map((request) => request.messages[0]?.content);
    expect(asked.slice(-3)).toEqual(["text 0", "text 1", "text 2"]);
  });

  it("leaves a live holder's run running at its start, and marks it interrupted at its end once that holder died", async () => {
    const leases = new SharedLeases();
    /** Abandoned means: its holder is not alive (as the store's runs do). */
    class LivenessRecorder extends InMemoryRunRecorder {
      override markAbandoned(): void {
        for (const run of this.runs) {
          if (run.status === "running" && !(run.holder && leases.alive.has(run.holder)))
            run.status = "interrupted";
        }
      }
    }
    const recorder = new LivenessRecorder();
    const ghost = leases.holder("ghost");
    recorder.start({ kind: "label", holder: "ghost" });
    ghost.claim(keyOf(items[0] as SourceDocument));
    let statusWhileRunning: string | undefined;
    const model = slowModel((callIndex) => {
      if (callIndex === 0) statusWhileRunning = recorder.runs[0]?.status;
      if (callIndex === 5) leases.alive.delete("ghost");
    });
    await runTeacher({
      cache: new InMemoryCallCache(),
      recorder,
      task: echoTask,
      items,
      model,
      limits: { concurrency: 1 },
      claims: leases.holder("survivor"),
    });
    expect(statusWhileRunning).toBe("running");
    expect(recorder.runs.map((run) => run.status)).toEqual(["interrupted", "done"]);
    expect(model.calls).toHaveLength(items.length);
  });

  it("does not call for an item answered elsewhere between planning and claiming", async () => {
    const cache = new InMemoryCallCache();
    const answered = keyOf(items[5] as SourceDocument);
    const leases = new SharedLeases();
    const claims = leases.holder("late", (key) => {
      if (key !== answered || cache.has(key)) return;
      cache.recordSuccess(
        {
          key,
          task: "echo",
          taskVersion: "1",
          provider: "fake",
          model: "m",
          itemId: "doc-5",
          output: { text: "text 5" },
          tokensIn: 1,
          tokensOut: 1,
          costUsd: 0,
          attempts: 1,
        },
        [],
      );
    });
    const model = slowModel();
    const summary = await runTeacher({
      cache,
      recorder: new InMemoryRunRecorder(),
      task: echoTask,
      items,
      model,
      claims,
    });
    expect(summary).toMatchObject({ done: items.length - 1, skipped: 1, remaining: 0 });
    expect(model.calls.map((request) => request.messages[0]?.content)).not.toContain("text 5");
    expect(leases.leases.size).toBe(0);
  });

  it("a graceful stop while waiting for another holder's items leaves them to do", async () => {
    const cache = new InMemoryCallCache();
    const leases = new SharedLeases();
    const other = leases.holder("other");
    for (const document of items) other.claim(keyOf(document));
    const stop = new AbortController();
    const model = slowModel();
    const running = runTeacher({
      cache,
      recorder: new InMemoryRunRecorder(),
      task: echoTask,
      items,
      model,
      signal: stop.signal,
      claims: leases.holder("waiting"),
    });
    await delay(10);
    stop.abort();
    expect(await running).toMatchObject({ done: 0, interrupted: true, remaining: items.length });
    expect(model.calls).toHaveLength(0);
  });
});
