import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeEncoder } from "../../../test/fake-encoder.ts";
import { UsageError } from "../../core/errors.ts";
import { encoderReference } from "../../encoders/index.ts";
import { ModelFileError } from "../model-file.ts";
import { highlightRequirements } from "../requirements/highlight-requirements.ts";
import type { TaggerModel } from "../tagger/index.ts";
import {
  categoryQueries,
  decodeEncoderSegmentClassifier,
  type EmbeddedSegmentExample,
  type EncoderSegmentClassifier,
  encodeEncoderSegmentClassifier,
  loadEncoderSegmentClassifier,
  requirementCategoryDescriptions,
  saveEncoderSegmentClassifier,
  trainEncoderSegmentClassifier,
  trainPairHeadSegmentClassifier,
  zeroShotSegmentClassifier,
} from "./index.ts";

const encoder = fakeEncoder();
const reference = encoderReference(encoder);
const labelSet = ["benefits", "skills"];
const raw = [
  { text: "we offer a generous pension and a bonus", labels: ["benefits"] },
  { text: "free gym membership and a pension", labels: ["benefits"] },
  { text: "thirty days of holiday and a bonus", labels: ["benefits"] },
  { text: "you know python and sql", labels: ["skills"] },
  { text: "experience with python and docker", labels: ["skills"] },
  { text: "strong sql and java skills", labels: ["skills"] },
  { text: "a pension and python training", labels: ["benefits", "skills"] },
  { text: "apply by sending your cv", labels: [] },
  { text: "the office is in the city centre", labels: [] },
];
const embed = async (list: typeof raw): Promise<EmbeddedSegmentExample[]> => {
  const vectors = await encoder.embed(list.map((example) => example.text));
  return list.map((example, index) => ({ ...example, embedding: vectors[index] as Float32Array }));
};
const train = await embed([...raw, ...raw, ...raw]);
const dev = await embed(raw);
const headOptions = { epochs: 200, learningRate: 0.05, patience: 200 } as const;

const queries = categoryQueries(
  [
    { label: "benefits", name: "Benefits", descriptions: ["pension bonus holiday gym"] },
    { label: "skills", name: "Skills", descriptions: ["python sql java docker"] },
  ],
  { descriptions: 1 },
);
const queryEmbeddings = await Promise.all(queries.map((query) => encoder.embed(query.texts)));

const probabilities = async (model: EncoderSegmentClassifier, texts: string[]) =>
  (await model.predictBatch(texts)).map((prediction) => prediction.scores);

const dir = mkdtempSync(join(tmpdir(), "jobdistill-encoder-segments-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an encoder-backed segment classifier with a head", () => {
  const model = trainEncoderSegmentClassifier(train, {
    labelSet,
    encoder: reference,
    head: headOptions,
    dev,
  });

  it("learns a toy multi-label problem over the embeddings, with per-label thresholds from dev", async () => {
    model.attach(encoder);
    const predictions = await model.predictBatch(raw.map((example) => example.text));
    predictions.forEach((prediction, index) => {
      expect(prediction.labels.sort(), raw[index]?.text).toEqual([...(raw[index]?.labels ?? [])].sort());
    });
    expect(model.thresholds).toHaveLength(2);
    // One embedding call for the whole batch.
    expect(encoder.batches.at(-1)).toHaveLength(raw.length);
  });

  it("answers predictBatch as predictEmbedded does, and refuses to embed without its encoder", async () => {
    const [vector] = await encoder.embed(["a bonus and python"]);
    const direct = model.predictEmbedded("a bonus and python", vector as Float32Array);
    expect((await model.predictBatch(["a bonus and python"]))[0]).toEqual(direct);
    const bare = decodeEncoderSegmentClassifier(encodeEncoderSegmentClassifier(model));
    await expect(bare.predictBatch(["x"])).rejects.toThrow(/needs its encoder fake attached/);
  });

  it("combines the embedding with hashed n-grams, and trains multi-class with a softmax", async () => {
    const combined = trainEncoderSegmentClassifier(train, {
      labelSet,
      encoder: reference,
      features: "combined",
      hashBits: 10,
      head: headOptions,
      dev,
    }).attach(encoder);
    expect(combined.head?.hashBits).toBe(10);
    expect((await combined.predictBatch(["free gym and a bonus"]))[0]?.labels).toEqual(["benefits"]);
    const single = (list: EmbeddedSegmentExample[]) => list.filter((example) => example.labels.length === 1);
    const multiClass = trainEncoderSegmentClassifier(single(train), {
      labelSet,
      mode: "multi-class",
      encoder: reference,
      head: headOptions,
      dev: single(dev),
    }).attach(encoder);
    expect(multiClass.head?.output).toBe("softmax");
    const [prediction] = await multiClass.predictBatch(["python and sql"]);
    expect(prediction?.labels).toEqual(["skills"]);
    expect((prediction?.scores.skills ?? 0) + (prediction?.scores.benefits ?? 0)).toBeCloseTo(1, 9);
  });

  it("is deterministic for a seed", () => {
    const again = trainEncoderSegmentClassifier(train, {
      labelSet,
      encoder: reference,
      head: headOptions,
      dev,
    });
    expect(encodeEncoderSegmentClassifier(again)).toEqual(encodeEncoderSegmentClassifier(model));
  });
});

describe("the reranker format", () => {
  it("zero-shot: scores a segment by its similarity to 'Example of <category>' and the descriptions", async () => {
    expect(queries[0]?.texts).toEqual(["Example of benefits", "pension bonus holiday gym"]);
    const model = zeroShotSegmentClassifier({ encoder: reference, queries, queryEmbeddings, dev }).attach(
      encoder,
    );
    const [benefit, skill] = await probabilities(model, ["a pension and a gym", "python and docker"]);
    expect(benefit?.benefits).toBeGreaterThan(benefit?.skills ?? 1);
    expect(skill?.skills).toBeGreaterThan(skill?.benefits ?? 1);
    expect(model.head).toBeUndefined();
    expect(model.config.scoring.kind).toBe("zero-shot");
  });

  it("trained: one pair head over [q ⊙ p, |q − p|] shared by the categories", async () => {
    const model = trainPairHeadSegmentClassifier(train, {
      encoder: reference,
      queries,
      queryEmbeddings,
      head: headOptions,
      dev,
    }).attach(encoder);
    expect(model.head?.inputDimensions).toBe(2 * encoder.dimensions);
    expect(model.head?.labels).toEqual(["match"]);
    const [benefit, skill] = await model.predictBatch(["a generous pension and a bonus", "python and sql"]);
    expect(benefit?.labels).toEqual(["benefits"]);
    expect(skill?.labels).toEqual(["skills"]);
  });

  it("takes the requirement categories' queries and descriptions from the annotation guide", () => {
    const described = categoryQueries(requirementCategoryDescriptions(), { descriptions: 2 });
    expect(described).toHaveLength(10);
    expect(described[0]?.texts[0]).toBe("Example of education");
    expect(described[0]?.texts).toHaveLength(3);
  });
});

describe("its model file", () => {
  const kinds = {
    head: () =>
      trainEncoderSegmentClassifier(train, { labelSet, encoder: reference, head: headOptions, dev }),
    combined: () =>
      trainEncoderSegmentClassifier(train, {
        labelSet,
        encoder: reference,
        features: "combined",
        hashBits: 9,
        head: headOptions,
        dev,
      }),
    "zero-shot": () => zeroShotSegmentClassifier({ encoder: reference, queries, queryEmbeddings, dev }),
    "pair-head": () =>
      trainPairHeadSegmentClassifier(train, {
        encoder: reference,
        queries,
        queryEmbeddings,
        head: headOptions,
        dev,
      }),
  };
  for (const [name, make] of Object.entries(kinds)) {
    it(`round-trips a ${name} model to identical predictions`, async () => {
      const model = make().attach(encoder);
      const file = join(dir, `${name}.jdes`);
      saveEncoderSegmentClassifier(model, file);
      const loaded = await loadEncoderSegmentClassifier(file, { encoder });
      const texts = ["a pension and python", "apply now", ""];
      expect(await loaded.predictBatch(texts)).toEqual(await model.predictBatch(texts));
      expect(loaded.config).toEqual(model.config);
    });
  }

  it("records the encoder and fails at load, clearly, with another one", async () => {
    const model = kinds.head();
    const file = join(dir, "mismatch.jdes");
    saveEncoderSegmentClassifier(model, file);
    expect(model.config.encoder).toEqual({ id: "fake", version: "1", dimensions: 64 });
    const newer = fakeEncoder({ version: "2" });
    const error = await loadEncoderSegmentClassifier(file, { encoder: newer }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /trained over encoder fake \(version 1, 64-d\), but the encoder given is fake \(version 2, 64-d\).*retrain/,
    );
    await expect(
      loadEncoderSegmentClassifier(file, { encoder: fakeEncoder({ id: "other" }) }),
    ).rejects.toThrow(/encoder given is other/);
    await expect(
      loadEncoderSegmentClassifier(file, { encoder: fakeEncoder({ dimensions: 32 }) }),
    ).rejects.toThrow(/64-d\), but the encoder given is fake \(version 1, 32-d\)/);
  });

  it("names a file that is not one as such", async () => {
    await expect(loadEncoderSegmentClassifier(join(dir, "missing.jdes"), { encoder })).rejects.toBeInstanceOf(
      ModelFileError,
    );
  });
});

describe("in the highlight rule", () => {
  const silentTagger = { predictChunks: () => ({}) } as unknown as TaggerModel;
  it("highlights whole segments by an encoder-backed classifier, embedding the advert's segments once", async () => {
    const model = trainEncoderSegmentClassifier(train, {
      labelSet,
      encoder: reference,
      head: headOptions,
      dev,
    }).attach(encoder);
    const before = encoder.batches.length;
    const result = await highlightRequirements(
      { tagger: silentTagger, segmentClassifier: model },
      { text: "Apply by sending your CV.\nWe offer a generous pension and a bonus." },
    );
    expect(encoder.batches.length).toBe(before + 1);
    expect(result.spans.map((span) => [span.category, span.text])).toEqual([
      ["benefits", "We offer a generous pension and a bonus."],
    ]);
  });
});
