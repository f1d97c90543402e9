import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../core/errors.ts";
import { sha256Hex } from "../../core/hash.ts";
import { createRandom } from "../../core/random.ts";
import { encodeModelFile } from "../model-file.ts";
import {
  decodeSegmentClassifier,
  encodeSegmentClassifier,
  FeatureExtractor,
  fitPlatt,
  loadSegmentClassifier,
  type SegmentClassifier,
  type SegmentExample,
  saveSegmentClassifier,
  trainSegmentClassifier,
  tuneThreshold,
} from "./index.ts";

const labelSet = ["benefits", "requirements", "contact"];

const toy: SegmentExample[] = [
  { text: "Competitive salary and a generous pension", labels: ["benefits"] },
  { text: "We offer 30 days of holiday and a bonus", labels: ["benefits"] },
  { text: "Free gym membership and private health insurance", labels: ["benefits"] },
  { text: "You have 5 years of experience with Python", labels: ["requirements"] },
  { text: "A degree in computer science is required", labels: ["requirements"] },
  { text: "Strong SQL skills and experience with Docker", labels: ["requirements"] },
  { text: "Competitive salary; you need 3 years of Java experience", labels: ["benefits", "requirements"] },
  { text: "Bonus scheme, and a degree in economics is required", labels: ["benefits", "requirements"] },
  { text: "Our office is in the city centre", labels: [] },
  { text: "The team ships software every week", labels: [] },
];

const smallOptions = { labelSet, hashBits: 14, epochs: 30, seed: 7 } as const;

function checksum(model: SegmentClassifier): string {
  return sha256Hex(
    Buffer.from(model.weights.buffer).toString("hex") + Buffer.from(model.bias.buffer).toString("hex"),
  );
}

describe("FeatureExtractor", () => {
  const extractor = new FeatureExtractor({ hashBits: 16, wordNgrams: 2, charNgrams: { min: 2, max: 4 } });
  const indicesOf = (text: string): number[] =>
    Array.from(extractor.indices.subarray(0, extractor.extract(text)));

  it("ignores case and splits edge punctuation off words but keeps inner symbols", () => {
    expect(indicesOf("PYTHON")).toEqual(indicesOf("python"));
    const plain = new FeatureExtractor({ hashBits: 16, wordNgrams: 1, charNgrams: false });
    const words = (text: string): number[] => Array.from(plain.indices.subarray(0, plain.extract(text)));
    expect(words("(Python),")).toEqual([...words("("), ...words("python"), ...words(")"), ...words(",")]);
    expect(words("c++")).not.toEqual(words("c"));
    expect(words("Ünïcode")).toEqual(words("ünïcode"));
  });

  it("counts unigrams, bigrams and fastText-style character n-grams", () => {
    const counted = new FeatureExtractor({ hashBits: 16, wordNgrams: 2, charNgrams: { min: 2, max: 3 } });
    // "ab cd": 2 unigrams + 1 bigram; "<ab>" has 3 bigrams and 2 trigrams, the same for "<cd>".
    expect(counted.extract("ab cd")).toBe(2 + 1 + 2 * (3 + 2));
    expect(counted.extract("  ")).toBe(0);
  });

  it("grows its buffers for long texts and keeps every index inside the table", () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
    const count = extractor.extract(long, ["source=tech"]);
    // 400 unigrams, 399 bigrams, one extra feature, and 3·L character 2- to 4-grams of each "<word>"
    // of L letters: 10 words of 5 letters, 90 of 6, 300 of 7. Far past the first 1,024-entry buffer.
    expect(count).toBe(400 + 399 + 1 + 3 * (10 * 5 + 90 * 6 + 300 * 7));
    const indices = extractor.indices.subarray(0, count);
    expect(indices.every((index) => index >= 0 && index < 2 ** 16)).toBe(true);
  });
});

describe("trainSegmentClassifier", () => {
  it("learns a toy multi-label problem perfectly", () => {
    const model = trainSegmentClassifier(toy, smallOptions);
    for (const example of toy) {
      expect(model.predict(example.text).labels.sort()).toEqual([...example.labels].sort());
    }
    const scores = model.predict("generous pension and a bonus").scores;
    expect(Object.keys(scores)).toEqual(labelSet);
    expect(scores.benefits).toBeGreaterThan(0.5);
    expect(scores.contact).toBeLessThan(0.5);
  });

  it("scores (category, text) pairs as probabilities", () => {
    const model = trainSegmentClassifier(toy, smallOptions);
    const yes = model.score("benefits", "private health insurance and a pension");
    const no = model.score("benefits", "experience with Python and SQL");
    expect(yes).toBeGreaterThan(0.5);
    expect(no).toBeLessThan(0.5);
    expect(no).toBeGreaterThanOrEqual(0);
    expect(() => model.score("salary", "x")).toThrow(UsageError);
    expect(model.predictBatch(["a bonus", "Python"]).map((p) => p.labels)).toEqual([
      ["benefits"],
      ["requirements"],
    ]);
  });

  it("is deterministic for a seed and depends on it", () => {
    const first = checksum(trainSegmentClassifier(toy, smallOptions));
    expect(checksum(trainSegmentClassifier(toy, smallOptions))).toBe(first);
    expect(checksum(trainSegmentClassifier(toy, { ...smallOptions, seed: 8 }))).not.toBe(first);
  });

  it("pins golden values (recompute only on an intended change to features or training)", () => {
    const model = trainSegmentClassifier(toy, { ...smallOptions, epochs: 5, learningRate: 0.2, l2: 1e-6 });
    expect(checksum(model)).toBe("e9b0f88fa58b326f3dde51c00c5da766279e08978ebe6ded402903d2aa232c1f");
    expect(model.score("benefits", "a generous bonus")).toBeCloseTo(0.9348201445, 9);
    expect(model.score("contact", "a generous bonus")).toBeCloseTo(0.0277911112, 9);
  });

  it("takes Adagrad's first two steps as derived by hand", () => {
    // One example "alpha beta" (two unigrams, scaled by 1/√2) labelled "yes" of ["yes", "no"], weights
    // from zero, no L2. Epoch 1: p = 0.5 for both labels, so g = −0.5 ("yes") and +0.5 ("no"); Adagrad
    // moves each touched weight and the bias by −lr·g/√(g² + ε), i.e. by ±lr whatever g's size.
    // Epoch 2: margin m₁ = 2·lr/√2 + lr, g₂ = σ(m₁) − 1, and the step is lr·|g₂|/√(g₁² + g₂²)
    // (the weights' gradients are the bias's divided by √2, so they take the same step).
    const lr = 0.2;
    const options = {
      labelSet: ["yes", "no"],
      hashBits: 16,
      wordNgrams: 1,
      charNgrams: false,
      learningRate: lr,
      l2: 0,
    } as const;
    const extractor = new FeatureExtractor({ hashBits: 16, wordNgrams: 1, charNgrams: false });
    const alphaBeta = Array.from(extractor.indices.subarray(0, extractor.extract("alpha beta")));
    const gamma = Array.from(extractor.indices.subarray(0, extractor.extract("gamma")));
    expect(new Set([...alphaBeta, ...gamma]).size).toBe(3);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const example = [{ text: "alpha beta", labels: ["yes"] }];

    const once = trainSegmentClassifier(example, { ...options, epochs: 1 });
    const touched = Array.from(once.weights).filter((weight) => weight !== 0);
    expect(touched).toHaveLength(4);
    for (const weight of touched) expect(Math.abs(weight)).toBeCloseTo(lr, 6);
    expect(once.bias[0]).toBeCloseTo(lr, 6);
    expect(once.bias[1]).toBeCloseTo(-lr, 6);
    const m1 = (2 * lr) / Math.SQRT2 + lr;
    expect(once.score("yes", "alpha beta")).toBeCloseTo(sigmoid(m1), 6);
    expect(once.score("no", "alpha beta")).toBeCloseTo(sigmoid(-m1), 6);
    // A text with no trained feature is scored by the bias alone.
    expect(once.score("yes", "gamma")).toBeCloseTo(sigmoid(lr), 6);

    const twice = trainSegmentClassifier(example, { ...options, epochs: 2 });
    const g1 = 0.5;
    const g2 = 1 - sigmoid(m1);
    const w2 = lr + (lr * g2) / Math.sqrt(g1 * g1 + g2 * g2);
    expect(twice.bias[0]).toBeCloseTo(w2, 6);
    expect(twice.score("yes", "alpha beta")).toBeCloseTo(sigmoid((2 * w2) / Math.SQRT2 + w2), 6);
  });

  it("supports single-label multi-class training with softmax scores", () => {
    const examples = toy.filter((example) => example.labels.length === 1);
    const model = trainSegmentClassifier(examples, { ...smallOptions, mode: "multi-class" });
    for (const example of examples) expect(model.predict(example.text).labels).toEqual(example.labels);
    const scores = Object.values(model.predict("a pension").scores);
    expect(scores.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    expect(() => trainSegmentClassifier(toy, { ...smallOptions, mode: "multi-class" })).toThrow(InputError);
  });

  it("reports progress and rejects bad input", () => {
    const epochs: number[] = [];
    trainSegmentClassifier(toy, { ...smallOptions, epochs: 3, onProgress: (p) => epochs.push(p.epoch) });
    expect(epochs).toEqual([1, 2, 3]);
    expect(() => trainSegmentClassifier([{ text: "x", labels: ["salary"] }], smallOptions)).toThrow(
      InputError,
    );
    expect(() => trainSegmentClassifier(toy, { ...smallOptions, learningRate: -1 })).toThrow(UsageError);
    expect(() => trainSegmentClassifier(toy, { ...smallOptions, labelSet: ["a", "a"] })).toThrow(UsageError);
    expect(() => trainSegmentClassifier([], smallOptions)).toThrow(UsageError);
  });
});

/** A noisy two-label task where the best thresholds are far from 0.5. */
function noisyTask(count: number, seed: number): SegmentExample[] {
  const random = createRandom(seed);
  const vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 4 }, () => vocabulary[random.int(vocabulary.length)] as string);
    const rare = words.includes("alpha") && random.next() < 0.6;
    const common = words.includes("beta") || random.next() < 0.2;
    return { text: words.join(" "), labels: [...(rare ? ["rare"] : []), ...(common ? ["common"] : [])] };
  });
}

function f1At(
  model: SegmentClassifier,
  examples: readonly SegmentExample[],
  label: string,
  threshold: number,
): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const example of examples) {
    const predicted = model.score(label, example.text) >= threshold;
    const gold = example.labels.includes(label);
    if (predicted && gold) tp++;
    else if (predicted) fp++;
    else if (gold) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

describe("dev data: early stopping, calibration and thresholds", () => {
  const train = noisyTask(600, 1);
  const dev = noisyTask(400, 2);
  const options = { labelSet: ["rare", "common", "unused"], hashBits: 12, epochs: 15, seed: 3, dev };

  it("tunes per-label thresholds that are at least as good as 0.5 on dev", () => {
    const model = trainSegmentClassifier(train, options);
    const [rare, common, unused] = model.config.thresholds;
    expect(rare).not.toBe(0.5);
    expect(common).not.toBe(0.5);
    expect(unused).toBe(0.5);
    for (const [l, label] of ["rare", "common"].entries()) {
      const tuned = model.config.thresholds[l] as number;
      expect(f1At(model, dev, label, tuned)).toBeGreaterThanOrEqual(f1At(model, dev, label, 0.5));
    }
    expect(model.config.calibration.kind).toBe("platt");
    expect(model.config.training.bestEpoch).toBeGreaterThanOrEqual(1);
  });

  it("uses identity calibration and 0.5 thresholds without dev", () => {
    const model = trainSegmentClassifier(train, { ...options, dev: undefined });
    expect(model.config.thresholds).toEqual([0.5, 0.5, 0.5]);
    expect(model.config.calibration).toEqual({ kind: "platt", slopes: [1, 1, 1], intercepts: [0, 0, 0] });
  });

  it("fits a temperature in multi-class mode", () => {
    const single = (examples: SegmentExample[]) =>
      examples.map((example) => ({ text: example.text, labels: [example.labels[0] ?? "unused"] }));
    const model = trainSegmentClassifier(single(train), {
      ...options,
      mode: "multi-class",
      dev: single(dev),
    });
    expect(model.config.calibration.kind).toBe("temperature");
  });
});

describe("calibration helpers", () => {
  it("tuneThreshold picks the cut with the best F1, between distinct scores", () => {
    // Taking the top three gives TP 2, FP 1, FN 0: F1 0.8, better than any other cut.
    expect(tuneThreshold([0.9, 0.8, 0.7, 0.2], [true, false, true, false])).toBeCloseTo(0.45, 12);
    expect(tuneThreshold([0.9, 0.9, 0.1], [true, false, false])).toBeCloseTo(0.5, 12);
    expect(tuneThreshold([0.3, 0.2], [false, false])).toBe(0.5);
  });

  it("fitPlatt recovers the slope and intercept that generated the targets", () => {
    const random = createRandom(11);
    const margins: number[] = [];
    const targets: boolean[] = [];
    for (let i = 0; i < 5_000; i++) {
      const margin = random.next() * 8 - 4;
      margins.push(margin);
      targets.push(random.next() < 1 / (1 + Math.exp(-(0.5 * margin - 1))));
    }
    const { slope, intercept } = fitPlatt(margins, targets);
    expect(slope).toBeCloseTo(0.5, 1);
    expect(intercept).toBeCloseTo(-1, 1);
    expect(fitPlatt([1, 2], [true, true])).toEqual({ slope: 1, intercept: 0 });
  });
});

describe("serialisation", () => {
  const folder = mkdtempSync(join(tmpdir(), "segment-classifier-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("round-trips through a small file with identical scores", async () => {
    const model = trainSegmentClassifier(toy, { ...smallOptions, hashBits: 18, dev: toy.slice(0, 6) });
    const path = join(folder, "model.jdsc");
    await saveSegmentClassifier(model, path);
    const loaded = await loadSegmentClassifier(path);
    expect(loaded.config).toEqual(model.config);
    expect(checksum(loaded)).toBe(checksum(model));
    for (const example of toy) expect(loaded.predict(example.text)).toEqual(model.predict(example.text));
    // Only the rows training touched are stored, not the 2^18 × 3 table.
    expect(statSync(path).size).toBeLessThan(200_000);
  });

  it("rejects files that are not models or are damaged", () => {
    const bytes = encodeSegmentClassifier(trainSegmentClassifier(toy, smallOptions));
    expect(() => decodeSegmentClassifier(new TextEncoder().encode("nope, not a model"))).toThrow(InputError);
    expect(() => decodeSegmentClassifier(bytes.subarray(0, bytes.length - 4))).toThrow(InputError);
    // A file of the classifier's own format before the common model file.
    const old = new Uint8Array(12);
    old.set(new TextEncoder().encode("JDSC"));
    expect(() => decodeSegmentClassifier(old)).toThrow(
      /earlier jobdistill.*retrain it with `jobdistill train`/,
    );
  });

  it("rejects a header whose thresholds do not match its labels", () => {
    const model = trainSegmentClassifier(toy, smallOptions);
    const config = { ...model.config, thresholds: [0.5] };
    const bytes = encodeModelFile({
      kind: "segment-classifier",
      config,
      sections: {
        "weights.rows": new Uint32Array(0),
        "weights.weights": new Float32Array(0),
        bias: new Float32Array(labelSet.length),
      },
    });
    expect(() => decodeSegmentClassifier(bytes)).toThrow(/thresholds/);
  });
});
