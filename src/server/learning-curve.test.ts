import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWorkspace } from "../store/index.ts";
import { createApp } from "./app.ts";
import { seedActiveLearningRuns, seedSampleRuns } from "./fixtures.ts";
import { createKeywordPredictors } from "./keyword-predictors.ts";

describe("GET /v1/runs/:id of an active-learning round", () => {
  it("carries the job's learning curve first, then the task's other jobs; other runs carry none", async () => {
    const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-curve-")));
    const sample = seedSampleRuns(workspace);
    const rounds = seedActiveLearningRuns(workspace);
    const app = createApp({ predictors: createKeywordPredictors(), workspace, logError: () => {} });
    const body = (await (await app.request(`/v1/runs/${rounds[1]}`)).json()) as {
      learningCurves?: {
        strategy: string;
        points: { round: number; documentsLabelled: number; f1?: number }[];
      }[];
    };
    expect(body.learningCurves?.map((curve) => curve.strategy)).toEqual(["uncertain", "random"]);
    expect(body.learningCurves?.[0]?.points).toEqual([
      expect.objectContaining({ round: 1, documentsLabelled: 4, f1: 0.31 }),
      expect.objectContaining({ round: 2, documentsLabelled: 8, f1: 0.48 }),
      expect.objectContaining({ round: 3, documentsLabelled: 12, f1: 0.57 }),
    ]);
    const plain = (await (await app.request(`/v1/runs/${sample.labelRun}`)).json()) as Record<
      string,
      unknown
    >;
    expect(plain.learningCurves).toBeUndefined();
    workspace.close();
  });
});
