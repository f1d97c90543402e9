import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrations } from "./migrations.ts";
import { openWorkspace } from "./workspace.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "jobdistill-ws-"));
}

describe("openWorkspace", () => {
  it("creates a WAL database at the current schema version and reopens it", () => {
    const dir = tempDir();
    const workspace = openWorkspace(dir);
    expect(workspace.db.pragma("journal_mode", { simple: true })).toBe("wal");
    workspace.close();
    const raw = new Database(join(dir, "jobdistill.db"));
    expect(raw.pragma("user_version", { simple: true })).toBe(migrations.length);
    raw.close();
    openWorkspace(dir).close();
  });

  it("opens an existing workspace without creating one, and refuses a missing folder", () => {
    const dir = tempDir();
    const typo = join(dir, "typo");
    expect(() => openWorkspace(typo, { create: false })).toThrow(
      /^no workspace at .*typo \(no jobdistill\.db in /,
    );
    expect(existsSync(typo)).toBe(false);
    openWorkspace(dir).close();
    const reopened = openWorkspace(dir, { create: false });
    expect(reopened.documents.count()).toBe(0);
    reopened.close();
  });

  it("runs work in one transaction: every write of it lands, or none when it throws", () => {
    const workspace = openWorkspace(tempDir());
    expect(workspace.transaction(() => workspace.documents.insert({ id: "a", text: "Nurse." }).status)).toBe(
      "inserted",
    );
    expect(() =>
      workspace.transaction(() => {
        workspace.documents.insert({ id: "b", text: "Chef." });
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect([...workspace.documents.iterate()].map((document) => document.id)).toEqual(["a"]);
    workspace.close();
  });

  it("deduplicates documents by content and reports id conflicts", () => {
    const workspace = openWorkspace(tempDir());
    const results = workspace.documents.insertMany([
      { id: "a", text: "Nurse wanted." },
      { id: "b", text: "Nurse wanted.  " },
      { id: "a", text: "Something else" },
      { id: "c", text: "<p>Chef</p>", format: "html", meta: { title: "Chef" } },
    ]);
    expect(results.map((r) => r.status)).toEqual(["inserted", "duplicate", "id-conflict", "inserted"]);
    expect(results[1]?.existingId).toBe("a");
    expect(workspace.documents.count()).toBe(2);
    expect(workspace.documents.get("c")).toEqual({
      id: "c",
      text: "<p>Chef</p>",
      format: "html",
      meta: { title: "Chef" },
    });
    expect([...workspace.documents.iterate()].map((d) => d.id)).toEqual(["a", "c"]);
    workspace.close();
  });

  it("stores a call and its annotations once, however often it is recorded", () => {
    const workspace = openWorkspace(tempDir());
    workspace.documents.insert({ id: "d1", text: "Python developer" });
    const runId = workspace.runs.start({ kind: "label", task: "classify", provider: "openai", model: "m" });
    const call = {
      key: "k1",
      runId,
      task: "classify",
      taskVersion: "v1",
      provider: "openai",
      model: "m",
      itemId: "d1",
      output: { label: "it" },
      tokensIn: 10,
      tokensOut: 2,
      costUsd: 0.001,
      attempts: 1,
    };
    const annotation = {
      documentId: "d1",
      task: "classify",
      taskVersion: "v1",
      source: { kind: "teacher" as const, name: "openai/m" },
      payload: { labels: ["it"] },
      runId,
    };
    expect(workspace.calls.recordSuccess(call, [annotation])).toBe(true);
    expect(workspace.calls.recordSuccess(call, [annotation])).toBe(false);
    expect(workspace.annotations.list({ task: "classify" })).toHaveLength(1);
    expect(workspace.calls.cachedOutput("k1")).toEqual({ label: "it" });
    workspace.calls.recordFailure({
      key: "k2",
      runId,
      task: "classify",
      provider: "openai",
      model: "m",
      itemId: "d1",
      attempt: 1,
      final: true,
      errorCode: "invalid-output",
      message: "bad",
      rawText: "{",
      tokensIn: 5,
      tokensOut: 1,
      costUsd: 0.0005,
      issues: ["x"],
    });
    expect(workspace.calls.failures({ runId })[0]?.issues).toEqual(["x"]);
    const [spend] = workspace.calls.spend(runId);
    expect(spend).toMatchObject({ calls: 1, tokensIn: 15, tokensOut: 3 });
    expect(spend?.costUsd).toBeCloseTo(0.0015);
    workspace.runs.finish(runId, "done", { report: { ok: 1 } });
    expect(workspace.runs.get(runId)).toMatchObject({ status: "done", report: { ok: 1 } });
    workspace.close();
  });

  it("replaces gold annotations of the same source instead of duplicating them", () => {
    const workspace = openWorkspace(tempDir());
    workspace.documents.insert({ id: "d1", text: "Python developer" });
    const gold = {
      documentId: "d1",
      task: "skills",
      taskVersion: "gold",
      source: { kind: "gold" as const, name: "skillspan" },
      payload: { spans: [{ start: 0, end: 6, label: "knowledge", text: "Python" }] },
    };
    workspace.annotations.insert(gold);
    workspace.annotations.insert(gold);
    expect(workspace.annotations.list({ sourceKind: "gold" })).toHaveLength(1);
    expect(workspace.annotations.sources()).toEqual([
      { task: "skills", kind: "gold", name: "skillspan", count: 1 },
    ]);
    workspace.close();
  });
});
