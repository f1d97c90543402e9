import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../core/errors.ts";
import { sha256Hex } from "../../core/hash.ts";
import {
  deserialiseTagger,
  loadTagger,
  saveTagger,
  serialiseTagger,
  TaggerModel,
  type TaggerSentence,
  type TaggerTrainOptions,
  trainTagger,
} from "./index.ts";
import { trainSpanEdge } from "./span-edges.ts";

/** A tiny corpus in SkillSpan's shape: two overlapping bare-BIO layers. */
const training: TaggerSentence[] = [
  {
    tokens: ["Experience", "with", "Java", "and", "SQL", "."],
    layers: { skill: ["O", "O", "O", "O", "O", "O"], knowledge: ["O", "O", "B", "O", "B", "O"] },
  },
  {
    tokens: ["You", "can", "work", "independently", "in", "Python", "."],
    layers: { skill: ["O", "O", "B", "I", "O", "O", "O"], knowledge: ["O", "O", "O", "O", "O", "B", "O"] },
  },
  {
    tokens: ["Strong", "communication", "skills", "required"],
    layers: { skill: ["B", "I", "I", "O"], knowledge: ["O", "O", "O", "O"] },
  },
  {
    tokens: ["Knowledge", "of", "cloud", "computing", "and", "Docker"],
    layers: { skill: ["O", "O", "O", "O", "O", "O"], knowledge: ["O", "O", "B", "I", "O", "B"] },
  },
  {
    tokens: ["Manage", "a", "team", "of", "developers", "using", "Git"],
    layers: { skill: ["B", "I", "I", "I", "I", "O", "O"], knowledge: ["O", "O", "O", "O", "O", "O", "B"] },
  },
];

/** Every setting spelled out, so the golden values do not move when defaults are retuned. */
const options: TaggerTrainOptions = {
  epochs: 8,
  patience: 8,
  seed: 7,
  hashBits: 12,
  order: 1,
  averaged: true,
  minFeatureCount: 1,
  update: { kind: "passive-aggressive", aggressiveness: 1, cost: 0 },
  features: { window: 2, affixLength: 4, clusterDepths: [4, 8, 12, 16], bigrams: true },
};

function weightsChecksum(model: ReturnType<typeof trainTagger>): string {
  return sha256Hex(
    model.layers
      .map(
        (layer) =>
          Buffer.from(layer.weights.emission.buffer).toString("base64") +
          Array.from(layer.weights.transition),
      )
      .join("|"),
  );
}

describe("trainTagger on a tiny fixed corpus", () => {
  const model = trainTagger(training, options);

  it("learns its training data under BIO constraints", () => {
    for (const sentence of training) expect(model.predict(sentence.tokens)).toEqual(sentence.layers);
    expect(model.layerNames).toEqual(["skill", "knowledge"]);
    expect(model.layers[0]?.tags).toEqual(["O", "B", "I"]);
  });

  it("pins predictions on unseen text and the weights checksum (golden values)", () => {
    const tokens = ["Experience", "with", "Docker", "and", "Python", "and", "work", "independently"];
    expect(model.predict(tokens)).toEqual({
      skill: ["O", "O", "O", "O", "O", "O", "O", "O"],
      knowledge: ["O", "O", "B", "O", "B", "O", "O", "O"],
    });
    expect(weightsChecksum(model)).toBe("424c962d7bbc2bb25363f96d6eadbbffdb99ae2be3ea90d68d00fab2e47e4eef");
  });

  it("is deterministic for a seed and gives chunks per layer", () => {
    expect(weightsChecksum(trainTagger(training, options))).toBe(weightsChecksum(model));
    expect(model.predictChunks(["Strong", "communication", "skills", "required"])).toEqual({
      skill: [{ label: "", startToken: 0, endToken: 3 }],
      knowledge: [],
    });
    expect(model.predict([])).toEqual({ skill: [], knowledge: [] });
  });

  it("never emits an I that does not continue a chunk", () => {
    const noisy = ["and", "of", "Java", "skills", "team", "in", "Git", "required", "independently"];
    for (const tags of Object.values(model.predict(noisy))) {
      tags.forEach((tag, index) => {
        if (tag === "I") expect(tags[index - 1]).not.toBe("O");
      });
      expect(tags[0]).not.toBe("I");
    }
  });

  it("round-trips through a file with identical predictions", () => {
    const path = join(mkdtempSync(join(tmpdir(), "tagger-")), "model.jdt");
    saveTagger(model, path);
    const loaded = loadTagger(path);
    expect(loaded.config).toEqual(model.config);
    expect(weightsChecksum(loaded)).toBe(weightsChecksum(model));
    for (const sentence of training)
      expect(loaded.predict(sentence.tokens)).toEqual(model.predict(sentence.tokens));
  });
});

describe("a loaded tagger's first sentences, scored from its sparse emission tables", () => {
  const model = trainTagger(training, { ...options, order: 2 });
  const vocabulary = training.flatMap((sentence) => sentence.tokens).concat(["unseen", "Kubernetes", "-"]);
  // Deterministic sentences of 3 to 12 words, far more tokens in all than the sparse first stretch.
  const sentences = Array.from({ length: 200 }, (_, index) =>
    Array.from(
      { length: 3 + (index % 10) },
      (_, at) => vocabulary[(index * 7 + at * 13) % vocabulary.length] ?? "",
    ),
  );

  it("tags as the trained model does, before and after the dense tables are built", () => {
    const loaded = deserialiseTagger(serialiseTagger(model));
    const tables = loaded.layers.map((layer) => layer.sparseEmission);
    expect(tables.every((table) => table !== undefined && !table.isDense)).toBe(true);
    const first = sentences[0] ?? [];
    expect(loaded.predict(first)).toEqual(model.predict(first));
    expect(tables.every((table) => table?.isDense === false)).toBe(true);
    for (const tokens of sentences) expect(loaded.predict(tokens)).toEqual(model.predict(tokens));
    expect(tables.every((table) => table?.isDense === true)).toBe(true);
    for (const tokens of sentences.slice(0, 20))
      expect(loaded.pathConfidence(tokens)).toBe(model.pathConfidence(tokens));
    expect(weightsChecksum(loaded)).toBe(weightsChecksum(model));
  });
});

describe("trainTagger options and errors", () => {
  it("reports progress per epoch and layer and keeps the best dev epoch", () => {
    const seen: string[] = [];
    const model = trainTagger(training, {
      ...options,
      layers: ["knowledge"],
      devSentences: training.slice(0, 2),
      onProgress: (epoch, devScore, layer) => seen.push(`${layer}:${epoch}:${devScore >= 0}`),
    });
    expect(seen).toEqual(Array.from({ length: options.epochs ?? 0 }, (_, i) => `knowledge:${i + 1}:true`));
    // The dev sentences are training sentences, which it learns perfectly.
    expect(model.layers[0]?.devF1).toBe(1);
    expect(Object.keys(model.predict(["Java"]))).toEqual(["knowledge"]);
  });

  it("supports typed tags, second order, a lexicon and word clusters", () => {
    const typed: TaggerSentence[] = [
      { tokens: ["Use", "SQL", "daily"], layers: { req: ["O", "B-tool", "O"] } },
      { tokens: ["Be", "very", "friendly"], layers: { req: ["O", "B-soft", "I-soft"] } },
    ];
    const model = trainTagger(typed, {
      ...options,
      order: 2,
      lexicon: ["sql", "very friendly"],
      unlabelledSentences: typed.map((sentence) => sentence.tokens),
    });
    expect(model.layers[0]?.tags).toEqual(["O", "B-soft", "I-soft", "B-tool", "I-tool"]);
    expect(model.predict(["Use", "SQL", "daily"])).toEqual({ req: ["O", "B-tool", "O"] });
    const copy = deserialiseTagger(serialiseTagger(model));
    expect(copy.predict(["Be", "very", "friendly"])).toEqual(model.predict(["Be", "very", "friendly"]));
    expect(copy.lexicon).toEqual(["sql", "very friendly"]);
  });

  it("learns BILOU tags with character n-grams and still speaks BIO", () => {
    const model = trainTagger(training, {
      ...options,
      encoding: "bilou",
      features: { charNgrams: [3, 4] },
    });
    expect(model.layers[0]?.tags).toEqual(["O", "B", "I", "L", "U"]);
    for (const sentence of training) expect(model.predict(sentence.tokens)).toEqual(sentence.layers);
    const copy = deserialiseTagger(serialiseTagger(model));
    expect(copy.config).toEqual(model.config);
    expect(copy.config.encoding).toBe("bilou");
    expect(copy.layers[0]?.spanEdges).toBeUndefined();
    const tokens = ["Manage", "Docker", "and", "work", "independently"];
    expect(copy.predict(tokens)).toEqual(model.predict(tokens));
  });

  it("saves a layer's span-edge rankers with the model and applies them when predicting", () => {
    const base = trainTagger(training, options);
    const skillSentences = training.map((sentence) => ({
      tokens: sentence.tokens,
      tags: sentence.layers.skill ?? [],
    }));
    const spanEdges = (["end", "start"] as const).map((side) => ({
      ...trainSpanEdge(skillSentences, side, { hashBits: 10 }),
      margin: 0,
    }));
    const model = new TaggerModel({
      config: base.config,
      layers: base.layers.map((layer) => (layer.name === "skill" ? { ...layer, spanEdges } : layer)),
    });
    const copy = deserialiseTagger(serialiseTagger(model));
    expect(copy.layers[0]?.spanEdges?.map((edge) => edge.side)).toEqual(["end", "start"]);
    expect(Array.from(copy.layers[0]?.spanEdges?.[1]?.weights ?? [])).toEqual(
      Array.from(spanEdges[1]?.weights ?? []),
    );
    expect(copy.layers[1]?.spanEdges).toBeUndefined();
    const tokens = ["Manage", "a", "team", "of", "testers", "with", "Git"];
    expect(copy.predict(tokens)).toEqual(model.predict(tokens));
  });

  it("rejects empty input, tags of the wrong length, and broken model files", () => {
    expect(() => trainTagger([])).toThrow(UsageError);
    expect(() => trainTagger([{ tokens: ["a", "b"], layers: { skill: ["O"] } }])).toThrow(UsageError);
    expect(() => deserialiseTagger(Buffer.from("not a model"))).toThrow(InputError);
    const bytes = serialiseTagger(trainTagger(training, { ...options, epochs: 1 }));
    expect(() => deserialiseTagger(bytes.subarray(0, bytes.length - 5))).toThrow(InputError);
  });
});
