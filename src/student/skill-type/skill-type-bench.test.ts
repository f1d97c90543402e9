import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import { runSkillTypeBench } from "../../../bench/skill-type.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { projectRoot } from "../../core/shared-data.ts";

const classFigures = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number(),
});
const perClass = z.object({ Hard: classFigures, Soft: classFigures });
const storedSchema = z.object({
  spans: z.number(),
  accuracy: z.number(),
  macroF1: z.number(),
  perClass,
  lexiconThenStudent: z.object({ accuracy: z.number(), macroF1: z.number(), perClass }),
});

/**
 * Training is seeded and deterministic, so on the same Node the bench reproduces the stored figures
 * exactly. The slack covers the few of the 1,157 test spans that floating-point differences between
 * platforms could flip: one span is 0.09 points of accuracy, and one of the 203 soft spans moves
 * Soft F1 by about 0.6 points (macro-F1 by 0.3).
 */
const tolerance = { accuracy: 0.003, f1: 0.01 };

const probeAnswer = z.object({ label: z.string(), confidence: z.number() });
const storedEncoderSchema = z.object({
  encoderRows: z.object({
    probes: z.record(z.string(), z.record(z.string(), probeAnswer)),
    rows: z.array(z.object({ name: z.string(), scored: z.object({ coverage: z.number() }) })),
  }),
});

it("stores what each typer answers for a non-skill and for random letters", () => {
  const stored = storedEncoderSchema.parse(
    JSON.parse(readFileSync(join(projectRoot, "bench", "results", "skill-type.json"), "utf8")),
  );
  const { probes, rows } = stored.encoderRows;
  expect(rows.map((row) => row.name)).toEqual([
    "encoder",
    "encoder+context",
    "combined (+ lexical vote, exact lexicon match)",
  ]);
  // The lexical typer was sure of both (Hard 1.00 and 0.99 when issue 13 was filed); the encoder
  // typer is not: it says Unknown, or Hard with a calibrated, lower confidence.
  for (const phrase of ["great benefits", "xqzv bnmp"]) {
    const answers = probes[phrase];
    expect(answers, phrase).toBeDefined();
    expect(answers?.encoder?.label, phrase).toBe("Unknown");
    const combined = answers?.["combined (+ lexical vote, exact lexicon match)"];
    expect(combined?.label === "Unknown" || (combined?.confidence ?? 1) < 0.99, phrase).toBe(true);
  }
});

describeWithShared(
  "skill-type student on ESCO-typed SkillSpan spans",
  "data/esco-typed-spans/house_tech_spans.csv",
  () => {
    it("keeps accuracy, macro-F1 and per-class F1 at the stored figures", { timeout: 300_000 }, () => {
      const stored = storedSchema.parse(
        JSON.parse(readFileSync(join(projectRoot, "bench", "results", "skill-type.json"), "utf8")),
      );
      const result = runSkillTypeBench({ write: false, log: () => undefined, throughputMs: 0 });
      if (!result) throw new Error("the bench found no data, though the shared spans file exists");
      // The same spans as the stored run, so the figures below compare like with like.
      expect(result.spans).toBe(stored.spans);
      expect(result.perClass.Hard.support).toBe(stored.perClass.Hard.support);
      expect(result.perClass.Soft.support).toBe(stored.perClass.Soft.support);
      expect(result.accuracy).toBeGreaterThanOrEqual(stored.accuracy - tolerance.accuracy);
      expect(result.macroF1).toBeGreaterThanOrEqual(stored.macroF1 - tolerance.f1);
      for (const label of ["Hard", "Soft"] as const) {
        expect(result.perClass[label].f1, `${label} F1`).toBeGreaterThanOrEqual(
          stored.perClass[label].f1 - tolerance.f1,
        );
      }
      const combined = result.lexiconThenStudent;
      expect(combined.accuracy).toBeGreaterThanOrEqual(
        stored.lexiconThenStudent.accuracy - tolerance.accuracy,
      );
      expect(combined.macroF1).toBeGreaterThanOrEqual(stored.lexiconThenStudent.macroF1 - tolerance.f1);
    });
  },
);
