import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRandom } from "../../core/random.ts";
import { decodeModelFile, encodeModelFile } from "../model-file.ts";
import type { HeadExample } from "./head.ts";
import { type HeadOptions, trainHead } from "./train-head.ts";
import { headConfigSchema, headFromModelParts, type TrainedHead } from "./trained-head.ts";

interface ToyData {
  examples: HeadExample[];
  targets: number[][];
}

/**
 * Gaussian blobs: class c centred at `separation · e_c` plus an offset (so the inputs are not
 * centred), unit noise on every dimension, `labelNoise` of the targets replaced by a random class.
 */
function blobs(options: {
  seed: number;
  count: number;
  dims: number;
  classes: number;
  separation: number;
  labelNoise?: number;
}): ToyData {
  const random = createRandom(options.seed);
  const gaussian = (): number =>
    Math.sqrt(-2 * Math.log(Math.max(random.next(), 1e-12))) * Math.cos(2 * Math.PI * random.next());
  const examples: HeadExample[] = [];
  const targets: number[][] = [];
  for (let e = 0; e < options.count; e++) {
    const c = e % options.classes;
    const embedding = new Float32Array(options.dims);
    for (let i = 0; i < options.dims; i++)
      embedding[i] = 0.5 + gaussian() + (i === c ? options.separation : 0);
    examples.push({ embedding });
    targets.push([random.next() < (options.labelNoise ?? 0) ? random.int(options.classes) : c]);
  }
  return { examples, targets };
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let l = 1; l < values.length; l++) if ((values[l] as number) > (values[best] as number)) best = l;
  return best;
}

function accuracy(head: TrainedHead, data: ToyData): number {
  let right = 0;
  data.examples.forEach((example, e) => {
    if (argmax(head.probabilities(example)) === data.targets[e]?.[0]) right++;
  });
  return right / data.examples.length;
}

const labels = ["a", "b", "c"];
const kinds: HeadOptions[] = [
  { kind: "logistic" },
  { kind: "ovr-logistic" },
  { kind: "linear-svm" },
  { kind: "linear-svm", loss: "hinge" },
  { kind: "mlp", hiddenSize: 16 },
  { kind: "mlp", hiddenSize: 16, optimizer: "sgd", learningRate: 0.01 },
];
const name = (options: HeadOptions) => JSON.stringify(options);

describe("trainHead", () => {
  const separable = blobs({ seed: 1, count: 300, dims: 12, classes: 3, separation: 6 });
  const separableTest = blobs({ seed: 2, count: 150, dims: 12, classes: 3, separation: 6 });
  const noisy = blobs({ seed: 3, count: 600, dims: 12, classes: 3, separation: 1.5, labelNoise: 0.2 });
  const noisyDev = blobs({ seed: 4, count: 300, dims: 12, classes: 3, separation: 1.5, labelNoise: 0.2 });
  const noisyTest = blobs({ seed: 5, count: 600, dims: 12, classes: 3, separation: 1.5 });

  it.each(kinds.map((options) => [name(options), options] as const))(
    "%s learns a separable problem",
    (_, options) => {
      const head = trainHead(separable.examples, separable.targets, labels, { epochs: 20, ...options });
      expect(accuracy(head, separableTest)).toBeGreaterThanOrEqual(0.98);
    },
  );

  // Bayes accuracy on the clean test labels is about 0.82 (separation 1.5 in 3 classes).
  it.each(kinds.map((options) => [name(options), options] as const))(
    "%s learns a noisy problem",
    (_, options) => {
      const head = trainHead(noisy.examples, noisy.targets, labels, options, noisyDev);
      expect(accuracy(head, noisyTest)).toBeGreaterThanOrEqual(0.72);
      expect(head.config.training.epochsRun).toBeGreaterThanOrEqual(head.config.training.bestEpoch as number);
    },
  );

  it.each(kinds.map((options) => [name(options), options] as const))(
    "%s: a seed reproduces bit-identical weights",
    (_, options) => {
      const train = () =>
        trainHead(noisy.examples, noisy.targets, labels, { epochs: 3, seed: 7, ...options }, noisyDev);
      const first = train().toModelParts();
      const second = train().toModelParts();
      expect(Object.keys(second.sections)).toEqual(Object.keys(first.sections));
      for (const [key, values] of Object.entries(first.sections)) {
        expect(Buffer.from(second.sections[key]?.buffer as ArrayBuffer)).toEqual(
          Buffer.from(values.buffer as ArrayBuffer),
        );
      }
      expect(second.config).toEqual(first.config);
    },
  );

  it("another seed gives other mlp weights", () => {
    const weights = (seed: number) =>
      trainHead(noisy.examples, noisy.targets, labels, { kind: "mlp", hiddenSize: 8, epochs: 2, seed })
        .layers[0]?.weights;
    expect(weights(1)).not.toEqual(weights(2));
  });

  it("one-vs-rest heads learn multi-label targets", () => {
    // Label 0 when dimension 0 is high, label 1 when dimension 1 is high, independently.
    const random = createRandom(11);
    const make = (count: number): ToyData => {
      const examples: HeadExample[] = [];
      const targets: number[][] = [];
      for (let e = 0; e < count; e++) {
        const embedding = new Float32Array(6);
        for (let i = 0; i < 6; i++) embedding[i] = random.next() * 2 - 1;
        examples.push({ embedding });
        targets.push([0, 1].filter((l) => (embedding[l] as number) > 0.1));
      }
      return { examples, targets };
    };
    const train = make(400);
    const test = make(200);
    for (const options of [
      { kind: "ovr-logistic" },
      { kind: "linear-svm" },
      { kind: "mlp", hiddenSize: 8 },
    ] as const) {
      const head = trainHead(
        train.examples,
        train.targets,
        ["x", "y"],
        { epochs: 40, ...options },
        make(200),
      );
      expect(head.output).toBe("sigmoid");
      let right = 0;
      test.examples.forEach((example, e) => {
        const probabilities = head.probabilities(example);
        const predicted = [0, 1].filter((l) => (probabilities[l] as number) >= 0.5);
        if (JSON.stringify(predicted) === JSON.stringify(test.targets[e])) right++;
      });
      expect(right / test.examples.length, options.kind).toBeGreaterThanOrEqual(0.85);
    }
  });

  it("uses hashed ids beside the embedding", () => {
    // The embedding says nothing; the class is in which of two hashed ids the example carries.
    const random = createRandom(5);
    const make = (count: number): ToyData => {
      const examples: HeadExample[] = [];
      const targets: number[][] = [];
      for (let e = 0; e < count; e++) {
        const c = random.int(2);
        const embedding = Float32Array.from({ length: 4 }, () => random.next());
        examples.push({
          embedding,
          hashed: Int32Array.from([c === 0 ? 17 : 42, random.int(256), random.int(256)]),
        });
        targets.push([c]);
      }
      return { examples, targets };
    };
    const train = make(400);
    const test = make(200);
    for (const kind of ["logistic", "ovr-logistic", "linear-svm", "mlp"] as const) {
      const head = trainHead(train.examples, train.targets, ["p", "q"], { kind, hashBits: 8, hiddenSize: 4 });
      expect(accuracy(head, test), kind).toBeGreaterThanOrEqual(0.98);
      expect(head.denseLayers()).toBeNull();
    }
    const denseOnly = trainHead(
      train.examples.map(({ embedding }) => ({ embedding })),
      train.targets,
      ["p", "q"],
      { kind: "logistic" },
    );
    expect(accuracy(denseOnly, test)).toBeLessThan(0.7);
  });

  it.each(kinds.map((options) => [name(options), options] as const))(
    "%s survives a model-file round trip",
    (_, options) => {
      const hashed = noisy.examples.map((example, e) => ({
        ...example,
        hashed: Int32Array.from([e % 64, (e * 7) % 64]),
      }));
      const head = trainHead(
        hashed,
        noisy.targets,
        labels,
        { epochs: 3, hashBits: 6, ...options },
        {
          examples: hashed.slice(0, 100),
          targets: noisy.targets.slice(0, 100),
        },
      );
      const parts = head.toModelParts("typer.head.");
      const bytes = encodeModelFile({
        kind: "skill-type",
        config: { head: parts.config },
        sections: parts.sections,
      });
      const file = decodeModelFile(bytes, "skill-type");
      const read = file.config(z.object({ head: headConfigSchema })).head;
      const loaded = headFromModelParts(read, file, "typer.head.");
      for (const example of hashed.slice(0, 50)) {
        expect(loaded.probabilities(example)).toEqual(head.probabilities(example));
      }
    },
  );

  it.each(kinds.map((options) => [name(options), options] as const))(
    "%s: denseLayers() compute the calibrated scores",
    (_, options) => {
      const head = trainHead(noisy.examples, noisy.targets, labels, { epochs: 5, ...options }, noisyDev);
      const layers = head.denseLayers();
      expect(layers).not.toBeNull();
      for (const example of noisyTest.examples.slice(0, 50)) {
        let x: Float64Array = Float64Array.from(example.embedding);
        for (const layer of layers ?? []) {
          const y = new Float64Array(layer.outputs);
          for (let o = 0; o < layer.outputs; o++) {
            let sum = layer.bias[o] as number;
            for (let i = 0; i < layer.inputs; i++)
              sum += (x[i] as number) * (layer.weights[i * layer.outputs + o] as number);
            y[o] = layer.activation === "relu" ? Math.max(0, sum) : sum;
          }
          x = y;
        }
        const scores = head.scores(example);
        for (let l = 0; l < labels.length; l++)
          expect(Math.abs((x[l] as number) - (scores[l] as number))).toBeLessThan(1e-6);
      }
    },
  );

  it("calibrates on dev: temperature for softmax heads, Platt for sigmoid ones", () => {
    const softmax = trainHead(noisy.examples, noisy.targets, labels, { kind: "logistic" }, noisyDev);
    expect(softmax.config.calibration.kind).toBe("temperature");
    const sigmoid = trainHead(noisy.examples, noisy.targets, labels, { kind: "ovr-logistic" }, noisyDev);
    expect(sigmoid.config.calibration.kind).toBe("platt");
    const uncalibrated = trainHead(noisy.examples, noisy.targets, labels, { kind: "logistic" });
    expect(uncalibrated.config.calibration).toEqual({ kind: "temperature", temperature: 1 });
  });

  it("fails clearly on bad input", () => {
    const { examples, targets } = separable;
    expect(() => trainHead([], [], labels, { kind: "logistic" })).toThrow(/no training examples/);
    expect(() => trainHead(examples, targets.slice(1), labels, { kind: "logistic" })).toThrow(
      /one target list/,
    );
    expect(() =>
      trainHead(
        examples,
        targets.map(() => [0, 1]),
        labels,
        { kind: "logistic" },
      ),
    ).toThrow(/exactly one/);
    expect(() =>
      trainHead(
        examples,
        targets.map(() => [3]),
        labels,
        { kind: "logistic" },
      ),
    ).toThrow(/label index/);
    expect(() => trainHead(examples, targets, labels, { kind: "logistic", output: "sigmoid" })).toThrow(
      /softmax output/,
    );
    expect(() => trainHead(examples, targets, labels, { kind: "logistic", epochs: 0 })).toThrow(
      /invalid head options/,
    );
    const hashed = examples.map((example) => ({ ...example, hashed: Int32Array.from([1]) }));
    expect(() => trainHead(hashed, targets, labels, { kind: "logistic" })).toThrow(/no hashBits/);
    expect(() =>
      trainHead(hashed, targets, labels, { kind: "logistic", hashBits: 1 }).margins({
        embedding: new Float32Array(3),
      }),
    ).toThrow(/12-dimensional/);
  });
});
