import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobdistillError } from "../core/errors.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace } from "../store/index.ts";
import { loadPredictors, modelPath } from "../student/load-predictors.ts";
import { trainSpanStudents } from "../workflows/index.ts";
import { createPredictorPool } from "../workflows/predictor-pool.ts";
import { createApp } from "./app.ts";
import { advertOfWords } from "./fixtures.ts";
import { loadServerStudents } from "./predictor-pool.ts";

describe("prediction worker pool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-pool-"));
    const workspace = openWorkspace(dir);
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold", epochs: 2 });
    workspace.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers exactly as the students do in this thread, for requests that arrive together", async () => {
    const workspace = openWorkspace(dir);
    const local = await loadPredictors(workspace);
    workspace.close();
    const pool = await createPredictorPool({ workspaceDir: dir, threads: 2 });
    try {
      expect(pool.threads).toBe(2);
      expect(pool.models()).toEqual(local.models());
      const adverts = [50, 120, 400, 80, 300, 10].map(advertOfWords);
      const answers = await Promise.all(adverts.map((text) => pool.highlight({ text })));
      for (const [i, answer] of answers.entries()) {
        expect(answer).toEqual(await local.highlight({ text: adverts[i] as string }));
      }
      // A student the workspace lacks is the same clear, typed error as in this thread (an API 404).
      const missing = await pool.extractSkills({ text: "Python" }).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(JobdistillError);
      expect(missing).toMatchObject({
        code: "not_found",
        message: expect.stringMatching(/train --task skills/),
      });
      const app = createApp({ predictors: pool });
      const response = await app.request("/v1/skills/extract", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "Python" }),
      });
      expect(response.status).toBe(404);
      const served = await app.request("/v1/highlight", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: adverts[2] }),
      });
      expect(await served.json()).toEqual({ ...(answers[2] as object), source: "student" });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("puts a server's students on worker threads, or on its own thread when told or when there is no model", async () => {
    const workspace = openWorkspace(dir);
    const empty = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-pool-empty-")));
    try {
      const pooled = await loadServerStudents(workspace, { threads: 1 });
      expect(pooled.threads).toBe(1);
      await pooled.close();
      const own = await loadServerStudents(workspace, { threads: 0 });
      expect(own.threads).toBe(0);
      expect(own.predictors.models().length).toBe(2);
      const none = await loadServerStudents(empty);
      expect(none.threads).toBe(0);
      expect(none.predictors.models()).toEqual([]);
    } finally {
      workspace.close();
      empty.close();
      rmSync(empty.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("lets the requests in flight finish when it closes, and refuses later ones as retryable", async () => {
    const pool = await createPredictorPool({ workspaceDir: dir, threads: 2 });
    const text = advertOfWords(400);
    const inFlight = Array.from({ length: 6 }, () => pool.highlight({ text }));
    await pool.close();
    const answers = await Promise.all(inFlight);
    expect(answers.every((answer) => answer.spans.length > 0)).toBe(true);
    await expect(pool.highlight({ text })).rejects.toMatchObject({ code: "unavailable", isRetryable: true });
  }, 60_000);

  it("fails at start, not on a request, when a model file is damaged", async () => {
    const workspace = openWorkspace(dir);
    const tagger = workspace.models.get("requirements-tagger");
    workspace.close();
    if (!tagger) throw new Error("the workspace has a tagger");
    writeFileSync(modelPath({ dir }, tagger), "not a model");
    await expect(createPredictorPool({ workspaceDir: dir, threads: 1 })).rejects.toThrow(
      /cannot load model "requirements-tagger"/,
    );
  }, 60_000);
});
