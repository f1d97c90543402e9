import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import { openWorkspace } from "../../store/index.ts";
import { createSkillTypeTask, skillTypeBatches, uniqueSkillPhrases } from "../../tasks/skill-type/index.ts";
import { createLanguageModel, runTeacher } from "../../teacher/index.ts";
import { runJudge } from "./run-judge.ts";

// The tiny story model's labels are nonsense; what is tested is the path: grammar-constrained
// answers, id checks, synonym normalisation, storage, and the judge on top.
describeWithShared(
  "skill-type labels and judge over a local GGUF model",
  "fixtures/stories260K.gguf",
  (modelPath) => {
    it("stores only Hard, Soft or Unknown and judges them", { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "jobdistill-llama-skill-type-"));
      const workspace = openWorkspace(dir);
      const model = await createLanguageModel({ provider: "llama", model: modelPath, threads: 1 });
      try {
        const { documents } = uniqueSkillPhrases(["Python", "team player", "SQL", "motivated"]);
        workspace.documents.insertMany(documents);
        const summary = await runTeacher({
          cache: workspace.calls,
          recorder: workspace.runs,
          task: createSkillTypeTask(),
          items: skillTypeBatches(documents, 2),
          model,
          limits: { concurrency: 1 },
          params: { maxOutputTokens: 200, temperature: 0 },
        });
        expect(summary.done + summary.failed).toBe(2);
        expect(summary.done).toBeGreaterThan(0);
        const stored = workspace.annotations.list({ task: "skill-type" });
        expect(stored.length).toBe(summary.done * 2);
        for (const annotation of stored)
          expect(["Hard", "Soft", "Unknown"]).toContain(annotation.payload.labels?.[0]);
        if (stored.length > 0) {
          const judged = await runJudge({
            workspace,
            judgedTask: "skill-type",
            model,
            sample: 4,
            limits: { concurrency: 1 },
            params: { maxOutputTokens: 200, temperature: 0 },
          });
          expect(judged.report.judged).toBeLessThanOrEqual(4);
          expect(workspace.runs.get(judged.summary.runId)?.kind).toBe("judge");
        }
      } finally {
        await model.close?.();
        workspace.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
