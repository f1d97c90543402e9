import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import { scoreLayer } from "../../../bench/skill-span-tagger.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { projectRoot } from "../../core/shared-data.ts";
import { readSkillSpanJson } from "../../dataset/formats/skill-span.ts";
import { type TaggerTrainOptions, trainTagger } from "./index.ts";

/**
 * Retrains the SkillSpan tagger in the short form stored by bench/skill-span-tagger.ts (fewer epochs
 * than the full benchmark, so it fits in about a minute) and scores test as the bench does.
 */
const layerFigures = z.object({ skill: z.number(), knowledge: z.number() });
const storedSchema = z.object({
  regression: z.object({
    settings: z.record(z.string(), z.unknown()),
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
      timeout: 600_000,
    }, () => {
      const stored = storedSchema.parse(
        JSON.parse(readFileSync(join(projectRoot, "bench", "results", "skill-span-tagger.json"), "utf8")),
      ).regression;
      const folder = join(testPath, "..");
      const train = readSkillSpanJson(join(folder, "train.json"));
      const dev = readSkillSpanJson(join(folder, "dev.json"));
      const test = readSkillSpanJson(testPath);
      const model = trainTagger(train, { ...(stored.settings as TaggerTrainOptions), devSentences: dev });
      expect(model.layerNames).toEqual(["skill", "knowledge"]);
      for (const layer of ["skill", "knowledge"] as const) {
        const { strict, loose } = scoreLayer(model, test, layer);
        expect(strict.f1, `${layer} test strict F1`).toBeGreaterThanOrEqual(
          stored.testStrictF1[layer] - tolerance,
        );
        expect(loose.f1, `${layer} test loose F1`).toBeGreaterThanOrEqual(
          stored.testLooseF1[layer] - tolerance,
        );
      }
    });
  },
);
