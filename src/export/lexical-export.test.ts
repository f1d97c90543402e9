import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, UsageError } from "../core/errors.ts";
import { encodeModelFile } from "../student/model-file.ts";
import { encodeSegmentClassifier, trainSegmentClassifier } from "../student/segment-classifier/index.ts";
import { encodeSkillTypeModel, trainSkillTypeModel } from "../student/skill-type/index.ts";
import { serialiseTagger, type TaggerTrainOptions, trainTagger } from "../student/tagger/index.ts";
import { exportOnnx } from "./export-model-file.ts";
import { padFeatureIds } from "./feature-rows.ts";
import type { TestVector } from "./lexical-export.ts";
import { testVectorTexts } from "./test-texts.ts";

const ort = await import("onnxruntime-node").catch(() => undefined);
const dir = mkdtempSync(join(tmpdir(), "jobdistill-onnx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const segments = [
  { text: "Competitive salary and a generous pension", labels: ["benefits"] },
  { text: "We offer 30 days of holiday and a bonus", labels: ["benefits"] },
  { text: "You have 5 years of experience with Python", labels: ["requirements"] },
  { text: "Strong SQL skills and experience with Docker", labels: ["requirements"] },
  { text: "Competitive salary; you need 3 years of Java experience", labels: ["benefits", "requirements"] },
  { text: "Our office is in the city centre", labels: [] },
];
const singleLabel = segments.map(({ text, labels }) => ({ text, labels: [labels[0] ?? "other"] }));
const phrases = [
  ...["Python", "Java", "SQL", "accounting", "welding", "Excel", "AWS"].map((phrase) => ({
    phrase,
    label: "Hard",
  })),
  ...["motivated", "team player", "reliable", "curious", "honest"].map((phrase) => ({
    phrase,
    label: "Soft",
  })),
];
const sentences = [
  {
    tokens: ["Experience", "with", "Java", "and", "SQL", "."],
    layers: { skill: ["O", "O", "O", "O", "O", "O"], knowledge: ["O", "O", "B", "O", "B", "O"] },
  },
  {
    tokens: ["Strong", "communication", "skills", "required"],
    layers: { skill: ["B", "I", "I", "O"], knowledge: ["O", "O", "O", "O"] },
  },
  {
    tokens: ["Manage", "a", "team", "using", "Git"],
    layers: { skill: ["B", "I", "I", "O", "O"], knowledge: ["O", "O", "O", "O", "B"] },
  },
];
const taggerOptions: TaggerTrainOptions = {
  epochs: 4,
  patience: 4,
  seed: 7,
  hashBits: 12,
  order: 2,
  averaged: true,
  minFeatureCount: 1,
  update: { kind: "perceptron", aggressiveness: 1, cost: 0 },
  features: { window: 2, affixLength: 4, clusterDepths: [4, 8], bigrams: true, charNgrams: [3] },
};

function saved(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.jdm`);
  writeFileSync(path, bytes);
  return path;
}

const models = {
  "segment-classifier (multi-label, Platt)": () =>
    encodeSegmentClassifier(
      trainSegmentClassifier(segments, {
        labelSet: ["benefits", "requirements"],
        hashBits: 12,
        epochs: 5,
        seed: 3,
        dev: segments,
      }),
    ),
  "segment-classifier (multi-class, temperature)": () =>
    encodeSegmentClassifier(
      trainSegmentClassifier(singleLabel, {
        labelSet: ["benefits", "requirements", "other"],
        mode: "multi-class",
        hashBits: 12,
        epochs: 5,
        seed: 3,
        dev: singleLabel,
      }),
    ),
  "skill-type regression": () =>
    encodeSkillTypeModel(trainSkillTypeModel(phrases, { tuneFolds: 0, seed: 3 })),
  "span tagger (second order, clusters, char n-grams)": () =>
    serialiseTagger(trainTagger(sentences, taggerOptions)),
};

function readVectors(outDir: string): TestVector[] {
  return readFileSync(join(outDir, "test-vectors.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as TestVector);
}

describe.skipIf(ort === undefined)("lexical ONNX export in onnxruntime-node", () => {
  for (const [name, encode] of Object.entries(models)) {
    it(`${name}: the graph gives the TypeScript student's scores within 1e-5 on every test vector`, async () => {
      if (!ort) return;
      const outDir = join(dir, name.replace(/\W+/g, "-"));
      const summary = exportOnnx(saved(name.replace(/\W+/g, "-"), encode()), outDir);
      expect(summary.files).toEqual(
        expect.arrayContaining(["model.onnx", "feature-scheme.md", "test-vectors.jsonl", "README.md"]),
      );
      const session = await ort.InferenceSession.create(join(outDir, "model.onnx"));
      const vectors = readVectors(outDir);
      expect(vectors.map((vector) => vector.text)).toEqual(testVectorTexts);
      let compared = 0;
      for (const vector of vectors) {
        if (vector.feature_ids.length === 0) continue;
        const { data, dims } = padFeatureIds(vector.feature_ids);
        const result = await session.run({ feature_ids: new ort.Tensor("int64", data, dims) });
        for (const [output, expected] of Object.entries(vector.outputs)) {
          const actual = result[output]?.data as Float32Array;
          const flat = expected.flat();
          expect(actual.length).toBe(flat.length);
          flat.forEach((value, index) => {
            expect(Math.abs((actual[index] as number) - value)).toBeLessThan(1e-5);
            compared++;
          });
        }
        const decision = vector.decision as { label_index?: number; labels?: string[] };
        if (decision.label_index !== undefined)
          expect(Number(result.label_index?.data[0])).toBe(decision.label_index);
      }
      expect(compared).toBeGreaterThan(50);
    });
  }

  it("pads a batch of texts with -1 and scores each row as if alone", async () => {
    if (!ort) return;
    const outDir = join(dir, "batch");
    exportOnnx(saved("batch", models["segment-classifier (multi-label, Platt)"]()), outDir);
    const session = await ort.InferenceSession.create(join(outDir, "model.onnx"));
    const vectors = readVectors(outDir);
    const { data, dims } = padFeatureIds(vectors.map((vector) => vector.feature_ids[0] ?? []));
    const result = await session.run({ feature_ids: new ort.Tensor("int64", data, dims) });
    const probabilities = result.probabilities?.data as Float32Array;
    const predicted = result.predicted?.data as Uint8Array;
    vectors.forEach((vector, row) => {
      const expected = vector.outputs.probabilities?.[0] ?? [];
      expected.forEach((value, label) => {
        expect(Math.abs((probabilities[row * 2 + label] as number) - value)).toBeLessThan(1e-5);
      });
      const labels = ["benefits", "requirements"].filter((_, label) => predicted[row * 2 + label] === 1);
      expect(labels).toEqual((vector.decision as { labels: string[] }).labels);
    });
  });
});

describe("exportOnnx errors", () => {
  it("names a missing file, and a model kind it cannot export", () => {
    expect(() => exportOnnx(join(dir, "missing.jdm"), join(dir, "x"))).toThrow(InputError);
    expect(() => exportOnnx(join(dir, "missing.jdm"), join(dir, "x"))).toThrow(/cannot read model file/);
    const notAModel = saved("garbage", new TextEncoder().encode("not a model"));
    expect(() => exportOnnx(notAModel, join(dir, "x"))).toThrow(/not a jobdistill model file/);
    const future = saved("future", encodeModelFile({ kind: "tagger", config: {}, sections: {} }));
    expect(() => exportOnnx(future, join(dir, "x"))).toThrow(/config is invalid/);
    expect(UsageError).toBeDefined();
  });
});
