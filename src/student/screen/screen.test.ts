import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeEncoder } from "../../../test/fake-encoder.ts";
import { createRandom } from "../../core/random.ts";
import { InMemoryEmbeddingCache } from "../../encoders/index.ts";
import {
  decodeScreenClassifier,
  documentChunks,
  EncoderScreenClassifier,
  encodeScreenClassifier,
  loadScreenClassifier,
  NgramScreenClassifier,
  type ScreenTrainingExample,
  saveScreenClassifier,
  trainEncoderScreenStudent,
  trainNgramScreenStudent,
} from "./index.ts";

/** Each label has its own vocabulary; every document also carries filler shared by all labels. */
const vocabularies: Record<string, string[]> = {
  devops: ["kubernetes clusters", "terraform modules", "ci pipelines", "prometheus alerts", "docker images"],
  nurse: ["patient care", "ward rounds", "medication charts", "wound dressing", "triage shifts"],
  chef: ["menu planning", "kitchen brigade", "food safety", "pastry section", "stock ordering"],
};
const filler = [
  "Worked with a friendly team.",
  "Reported to the manager weekly.",
  "Met every deadline on time.",
];

function documents(labels: readonly string[], perLabel: number, seed: number): ScreenTrainingExample[] {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[random.int(list.length)] as T;
  return labels.flatMap((label) =>
    Array.from({ length: perLabel }, () => {
      const own = vocabularies[label] as string[];
      const lines = [
        pick(filler),
        `Maintained ${pick(own)} and ${pick(own)} daily.`,
        pick(filler),
        `Led ${pick(own)}.`,
      ];
      return { label, text: lines.join("\n") };
    }),
  );
}

describe("documentChunks", () => {
  it("cuts a document into its lines and sentences, dropping one-word lines", () => {
    expect(
      documentChunks("Skills\nKubernetes, Terraform\nRan CI. Wrote docs.", { minWords: 2, maxChunks: 10 }),
    ).toEqual(["Kubernetes, Terraform", "Ran CI.", "Wrote docs."]);
    expect(documentChunks("Kubernetes", { minWords: 2, maxChunks: 10 })).toEqual(["Kubernetes"]);
    expect(documentChunks("a b\nc d\ne f", { minWords: 2, maxChunks: 2 })).toHaveLength(2);
  });
});

describe("screen students", () => {
  const binaryTrain = [
    ...documents(["devops"], 30, 1),
    ...documents(["nurse"], 15, 2),
    ...documents(["chef"], 15, 3),
  ].map((example) => ({ ...example, label: example.label === "devops" ? "devops" : "other" }));
  const binaryTest = [...documents(["devops"], 10, 4), ...documents(["nurse", "chef"], 5, 5)].map(
    (example) => ({
      ...example,
      label: example.label === "devops" ? "devops" : "other",
    }),
  );

  it("the encoder student separates a constructed binary set and explains with its label's sentences", async () => {
    const encoder = fakeEncoder();
    const cache = new InMemoryEmbeddingCache();
    const model = await trainEncoderScreenStudent(binaryTrain, {
      labels: ["devops", "other"],
      encoder,
      cache,
    });
    const results = await model.screen(binaryTest.map((example) => example.text));
    const correct = results.filter((result, index) => result.label === binaryTest[index]?.label).length;
    expect(correct).toBe(binaryTest.length);
    const first = results[0];
    expect(first?.score).toBeGreaterThan(0.5);
    expect(first?.scores.devops).toBe(first?.score);
    expect(first?.sentences).toHaveLength(3);
    // The sentence naming DevOps work scores above the filler every document shares.
    expect(first?.sentences[0]?.text).toMatch(/^(Maintained|Led) /);
    expect(model.config.training).toMatchObject({ train: 48, dev: 12 });
    // Two labels: the positive label's decision threshold is tuned on dev.
    expect(model.config.decisionThreshold).toEqual(expect.any(Number));
    // Chunks repeated across documents are embedded once; a second screen hits the cache only.
    const batches = encoder.batches.length;
    await model.screen(binaryTest.map((example) => example.text));
    expect(encoder.batches.length).toBe(batches);
  });

  it("the n-gram student separates a constructed three-way set", async () => {
    const model = await trainNgramScreenStudent(documents(["devops", "nurse", "chef"], 20, 6), {
      labels: ["devops", "nurse", "chef"],
    });
    const test = documents(["devops", "nurse", "chef"], 5, 7);
    const results = await model.screen(test.map((example) => example.text));
    expect(results.map((result) => result.label)).toEqual(test.map((example) => example.label));
    const sums = results.map((result) => Object.values(result.scores).reduce((a, b) => a + b, 0));
    for (const sum of sums) expect(sum).toBeCloseTo(1, 6);
    expect(model.config.decisionThreshold).toBeNull();
    expect(results[0]?.sentences[0]?.text).toMatch(/^(Maintained|Led) /);
  });

  it("round-trips both students through the model file, scores unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-screen-"));
    try {
      const encoder = fakeEncoder();
      const texts = binaryTest.map((example) => example.text);
      const encoderModel = await trainEncoderScreenStudent(binaryTrain, {
        labels: ["devops", "other"],
        encoder,
      });
      const path = join(dir, "screen.jdsm");
      saveScreenClassifier(encoderModel, path);
      const loaded = await loadScreenClassifier(path, { encoder });
      expect(loaded).toBeInstanceOf(EncoderScreenClassifier);
      expect(await loaded.screen(texts)).toEqual(await encoderModel.screen(texts));
      await expect(loadScreenClassifier(path, { encoder: fakeEncoder({ version: "2" }) })).rejects.toThrow(
        /trained over fake \(1, 64-d\)/,
      );

      const ngram = await trainNgramScreenStudent(binaryTrain, { labels: ["devops", "other"] });
      const decoded = decodeScreenClassifier(encodeScreenClassifier(ngram));
      expect(decoded).toBeInstanceOf(NgramScreenClassifier);
      expect(await decoded.screen(texts)).toEqual(await ngram.screen(texts));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses labels without documents and documents with unknown labels", async () => {
    await expect(
      trainNgramScreenStudent(binaryTrain, { labels: ["devops", "other", "chef"] }),
    ).rejects.toThrow(/no training documents labelled chef/);
    await expect(trainNgramScreenStudent(binaryTrain, { labels: ["devops"] })).rejects.toThrow(/two or more/);
    await expect(trainNgramScreenStudent(binaryTrain, { labels: ["devops", "nurse"] })).rejects.toThrow(
      /label "other", not one of devops, nurse/,
    );
  });
});
