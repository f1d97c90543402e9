import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import { describeWithShared } from "../../../test/shared.ts";
import { bioToChunks } from "../../align/bio.ts";
import { projectRoot } from "../../core/shared-data.ts";
import { readSkillSpanJson } from "../../dataset/formats/skill-span.ts";
import { type TaggerTrainOptions, trainTagger } from "./index.ts";

/**
 * Retrains the SkillSpan tagger in the short form stored by bench/skill-span-tagger.ts (fewer epochs
 * than the full benchmark, so it fits in about a minute) and fails if test strict span F1 of either
 * layer falls more than one point below the stored figure.
 */
const storedSchema = z.object({
  regression: z.object({
    settings: z.record(z.string(), z.unknown()),
    testStrictF1: z.object({ skill: z.number(), knowledge: z.number() }),
  }),
});

describeWithShared(
  "SkillSpan tagger regression (short form)",
  "data/skillspan/json/test.json",
  (testPath) => {
    it("keeps test strict F1 within one point of the stored figures", { timeout: 180_000 }, () => {
      const stored = storedSchema.parse(
        JSON.parse(readFileSync(join(projectRoot, "bench", "results", "skill-span-tagger.json"), "utf8")),
      ).regression;
      const folder = join(testPath, "..");
      const train = readSkillSpanJson(join(folder, "train.json"));
      const dev = readSkillSpanJson(join(folder, "dev.json"));
      const test = readSkillSpanJson(testPath);
      const model = trainTagger(train, { ...(stored.settings as TaggerTrainOptions), devSentences: dev });
      for (const layer of ["skill", "knowledge"] as const) {
        let gold = 0;
        let predicted = 0;
        let correct = 0;
        for (const sentence of test) {
          const key = (chunk: { startToken: number; endToken: number }) =>
            `${chunk.startToken}:${chunk.endToken}`;
          const goldKeys = new Set(bioToChunks(sentence.layers[layer] ?? []).map(key));
          const chunks = bioToChunks(model.predict(sentence.tokens)[layer] ?? []);
          gold += goldKeys.size;
          predicted += chunks.length;
          correct += chunks.filter((chunk) => goldKeys.has(key(chunk))).length;
        }
        const f1 = (100 * 2 * correct) / (gold + predicted);
        expect(f1, `${layer} test strict F1`).toBeGreaterThan(stored.testStrictF1[layer] - 1);
      }
    });
  },
);
