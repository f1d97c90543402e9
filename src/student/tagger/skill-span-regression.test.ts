import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import {
  evaluateSkillSpanTagger,
  skillSpanRegressionOverrides,
  trainSkillSpanTagger,
} from "../../../bench/skill-span-tagger.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { projectRoot } from "../../core/shared-data.ts";
import { openWorkspace } from "../../store/index.ts";

/**
 * Retrains the SkillSpan tagger in the short form stored by bench/skill-span-tagger.ts (fewer epochs
 * than the full benchmark) through the path the CLI takes (`gold import`, `train --task skills
 * --source skillspan --epochs 12 --patience 12`, `eval --task skills --against skillspan`) and
 * checks the published-protocol figures against the stored ones.
 */
const layerFigures = z.object({ skill: z.number(), knowledge: z.number() });
const storedSchema = z.object({
  regression: z.object({
    overrides: z.object({ epochs: z.number(), patience: z.number() }),
    testStrictF1: layerFigures,
    testLooseF1: layerFigures,
  }),
});

/**
 * In F1 points. Training is seeded and deterministic, so on the same Node it reproduces the stored
 * figures to the digit; the slack covers their rounding to 0.1 and a span or two (about 0.1 point
 * each, with ~1,100 gold spans per layer) that floating-point differences between platforms could flip.
 */
const tolerance = 0.3;

describeWithShared(
  "SkillSpan tagger regression (short form)",
  "data/skillspan/json/test.json",
  (testPath) => {
    it("keeps test strict and loose span F1 of both layers at the stored figures", {
      timeout: 900_000,
    }, async () => {
      const stored = storedSchema.parse(
        JSON.parse(readFileSync(join(projectRoot, "bench", "results", "skill-span-tagger.json"), "utf8")),
      ).regression;
      expect(stored.overrides).toEqual(skillSpanRegressionOverrides);
      const folder = join(testPath, "..");
      const dir = mkdtempSync(join(tmpdir(), "jobdistill-skill-span-regression-"));
      const workspace = openWorkspace(dir);
      try {
        const files = ["train", "dev", "test"].map((split) => join(folder, `${split}.json`));
        const trained = await trainSkillSpanTagger(workspace, files, skillSpanRegressionOverrides);
        expect(trained.report.layers).toEqual(["skill", "knowledge"]);
        const { scores } = await evaluateSkillSpanTagger(workspace);
        for (const layer of ["skill", "knowledge"] as const) {
          const { strict, loose } = scores[layer];
          expect(strict.f1, `${layer} test strict F1`).toBeGreaterThanOrEqual(
            stored.testStrictF1[layer] - tolerance,
          );
          expect(loose.f1, `${layer} test loose F1`).toBeGreaterThanOrEqual(
            stored.testLooseF1[layer] - tolerance,
          );
        }
      } finally {
        workspace.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
