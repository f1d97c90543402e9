import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobdistillError } from "../core/errors.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { trainSpanStudents } from "../workflows/index.ts";
import { loadPredictors, modelPath } from "./load-predictors.ts";

describe("loadPredictors", () => {
  let dir: string;
  let workspace: Workspace;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predictors-"));
    workspace = openWorkspace(dir);
  });
  afterAll(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads an empty workspace and names the training command per missing student, per call", async () => {
    const predictors = await loadPredictors(workspace);
    expect(predictors.models()).toEqual([]);
    await expect(predictors.highlight({ text: "Python" })).rejects.toThrow(
      /jobdistill train --task requirements/,
    );
    expect(() => predictors.extractSkills({ text: "Python" })).toThrow(/jobdistill train --task skills/);
    expect(() => predictors.typeSkills(["Python"])).toThrow(/jobdistill train --task skill-type/);
  });

  it("serves the requirement students it finds and still refuses the missing ones", async () => {
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold", epochs: 2 });
    const predictors = await loadPredictors(workspace);
    expect(predictors.models().map((model) => [model.name, model.task, model.kind])).toEqual([
      ["requirements-tagger", "requirements", "tagger"],
      ["requirements-segments", "requirements", "segment-classifier"],
    ]);
    const html = "<p>We offer <b>30 days</b> of holiday and a pension.</p>";
    const result = await predictors.highlight({ text: html, format: "html" });
    expect(result.text).toBe("We offer 30 days of holiday and a pension.");
    expect(result.spans.length).toBeGreaterThan(0);
    for (const span of result.spans) expect(result.text.slice(span.start, span.end)).toBe(span.text);
    expect(() => predictors.extractSkills({ text: "Python" })).toThrow(/jobdistill train --task skills/);
  }, 120_000);

  it("reports a damaged model file with its name and the command that remakes it", async () => {
    const tagger = workspace.models.get("requirements-tagger");
    if (!tagger) throw new Error("the previous test registers the tagger");
    writeFileSync(modelPath(workspace, tagger), "not a model");
    await expect(loadPredictors(workspace)).rejects.toThrow(
      /cannot load model "requirements-tagger".*jobdistill train --task requirements/,
    );
  });

  it("says a model in an earlier file format must be retrained, with the command", async () => {
    const tagger = workspace.models.get("requirements-tagger");
    if (!tagger) throw new Error("the previous tests register the tagger");
    writeFileSync(modelPath(workspace, tagger), Buffer.concat([Buffer.from("JDTAGGER"), Buffer.alloc(8)]));
    const failure = await loadPredictors(workspace).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobdistillError);
    expect((failure as Error).message).toBe(
      `cannot load model "requirements-tagger" from ${modelPath(workspace, tagger)}: a tagger in the file ` +
        "format of an earlier jobdistill, which this one no longer reads; retrain it with " +
        "`jobdistill train --task requirements`",
    );
  });
});
