import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobdistillError } from "../core/errors.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { FakeLanguageModel, type GenerateRequest } from "../teacher/index.ts";
import { judgeLabels } from "./judge.ts";

function listIn(request: GenerateRequest): Record<string, string>[] {
  const content = request.messages.at(-1)?.content ?? "";
  return JSON.parse(content.slice(content.indexOf("["))) as Record<string, string>[];
}

/** 9 Hard labels (the judge rejects 3) and 1 Soft (accepted): a population skewed 90/10. */
function storeLabels(workspace: Workspace): void {
  for (let i = 0; i < 10; i++) {
    const id = `phrase-${i}`;
    workspace.documents.insert({ id, text: `skill ${i}` });
    workspace.annotations.insert({
      documentId: id,
      task: "skill-type",
      taskVersion: "v",
      source: { kind: "teacher", name: "fake/labeller" },
      callKey: `k${i}`,
      payload: { labels: [i === 9 ? "Soft" : "Hard"] },
    });
  }
}

const judge = new FakeLanguageModel({
  modelId: "judge",
  fallback: (request) =>
    JSON.stringify({
      verdicts: listIn(request).map((item) => {
        const wrong = ["skill 0", "skill 1", "skill 2"].includes(item.phrase ?? "");
        return { id: item.id, verdict: wrong ? "incorrect" : "correct", label: item.label };
      }),
    }),
});

describe("judgeLabels", () => {
  let dir: string;
  let workspace: Workspace;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-judge-workflow-"));
    workspace = openWorkspace(dir);
    storeLabels(workspace);
  });
  afterEach(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("weights the overall accuracy by each class's share and reports the pooled figure beside it", async () => {
    // Everything sampled: Hard 6/9, Soft 1/1. A census, so weighted = pooled = 7/10 exactly.
    const census = await judgeLabels({ workspace, judgedTask: "skill-type", judge, sample: 10 });
    expect(census.report.accuracy.overall.weighting).toBe("population-share");
    expect(census.report.accuracy.overall.accuracy).toEqual({ estimate: 0.7, low: 0.7, high: 0.7 });
    expect(census.report.accuracy.pooled.correct).toBe(7);
    expect(census.report.accuracy.perClass.map((row) => [row.label, row.population, row.share])).toEqual([
      ["Hard", 9, 0.9],
      ["Soft", 1, 0.1],
    ]);
    expect(census.spend.tokensIn).toBeGreaterThan(0);

    // Two labels, stratified: one Hard, the one Soft; pooled counts the Soft one as half the sample,
    // weighted as a tenth.
    const small = await judgeLabels({ workspace, judgedTask: "skill-type", judge, sample: 2, seed: 4 });
    const hard = small.report.accuracy.perClass.find((row) => row.label === "Hard");
    expect(small.report.accuracy.perClass.map((row) => row.n)).toEqual([1, 1]);
    const hardAccuracy = hard?.accuracy.estimate ?? Number.NaN;
    expect(small.report.accuracy.overall.accuracy.estimate).toBeCloseTo(0.9 * hardAccuracy + 0.1, 10);
    expect(small.report.accuracy.pooled.accuracy.estimate).toBeCloseTo((hardAccuracy + 1) / 2, 10);
    expect(small.markdown).toMatch(/\*\*all, weighted by share\*\*/);
    expect(small.markdown).toMatch(/all, pooled \(unweighted\)/);

    const uniform = await judgeLabels({
      workspace,
      judgedTask: "skill-type",
      judge,
      sample: 10,
      stratify: "none",
    });
    expect(uniform.report.accuracy.overall.weighting).toBe("uniform-sample");
    expect(uniform.report.accuracy.overall.accuracy).toEqual(uniform.report.accuracy.pooled.accuracy);
  });

  it("fails when nothing was judged, saying what the run spent", async () => {
    const broken = new FakeLanguageModel({ modelId: "broken", fallback: "not json at all" });
    const run = judgeLabels({
      workspace,
      judgedTask: "skill-type",
      judge: broken,
      sample: 4,
      limits: { maxRetries: 0, maxRepairs: 0 },
    });
    const error = await run.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JobdistillError);
    const message = (error as JobdistillError).message;
    expect(message).toMatch(/judged nothing: 0 of 4 sampled labels got a verdict/);
    expect(message).toMatch(/judge calls failed \(see: jobdistill failures --run \d+\)/);
    expect(message).toMatch(/spent [1-9]\d* input \+ \d+ output tokens, \$0\.0000/);
    expect((error as JobdistillError).code).toBe("judge-failed");
  });
});
