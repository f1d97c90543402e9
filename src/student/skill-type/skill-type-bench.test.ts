import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runSkillTypeBench } from "../../../bench/skill-type.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { projectRoot } from "../../core/shared-data.ts";

describeWithShared(
  "skill-type student on ESCO-typed SkillSpan spans",
  "data/esco-typed-spans/house_tech_spans.csv",
  () => {
    it("keeps its accuracy within a point of the stored figure", { timeout: 90_000 }, () => {
      const stored = JSON.parse(
        readFileSync(join(projectRoot, "bench", "results", "skill-type.json"), "utf8"),
      ) as {
        accuracy: number;
        perClass: { Soft: { recall: number } };
      };
      const result = runSkillTypeBench({ write: false, log: () => undefined, throughputMs: 0 });
      expect(result).toBeDefined();
      expect(result?.accuracy ?? 0).toBeGreaterThanOrEqual(stored.accuracy - 0.01);
      expect(result?.perClass.Soft.recall ?? 0).toBeGreaterThanOrEqual(stored.perClass.Soft.recall - 0.02);
    });
  },
);
