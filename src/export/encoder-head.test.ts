import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWithShared } from "../../test/shared.ts";
import { UsageError } from "../core/errors.ts";
import { createRandom } from "../core/random.ts";
import type { DenseLayer } from "../student/heads/head.ts";
import { type EncoderHeadExportOptions, exportEncoderHead } from "./encoder-head.ts";

const ort = await import("onnxruntime-node").catch(() => undefined);
const transformers = await import("@huggingface/transformers").catch(() => undefined);
const dir = mkdtempSync(join(tmpdir(), "jobdistill-encoder-head-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomLayer(
  inputs: number,
  outputs: number,
  activation: DenseLayer["activation"],
  seed: number,
): DenseLayer {
  const random = createRandom(seed);
  const value = (): number => (random.next() - 0.5) * 2;
  return {
    inputs,
    outputs,
    activation,
    weights: Float32Array.from({ length: inputs * outputs }, value),
    bias: Float32Array.from({ length: outputs }, value),
  };
}

/** Two sentences of different lengths (the first padded), ids inside tiny-bert's 188-token vocabulary. */
const batch = {
  ids: [
    [2, 10, 11, 3, 0, 0, 0],
    [2, 15, 20, 25, 30, 40, 3],
  ],
  mask: [
    [1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 1, 1, 1],
  ],
};
const int64 = (rows: number[][]) => BigInt64Array.from(rows.flat(), (value) => BigInt(value));

/** What the exported graph should compute, in TypeScript over the encoder's own token vectors. */
function reference(hidden: Float32Array, options: EncoderHeadExportOptions, width: number): number[][] {
  const seq = batch.ids[0]?.length ?? 0;
  return batch.mask.map((mask, row) => {
    let x = new Array<number>(width).fill(0);
    if (options.pooling === "cls") {
      x = Array.from(hidden.subarray(row * seq * width, row * seq * width + width));
    } else {
      const count = mask.reduce((sum, value) => sum + value, 0);
      mask.forEach((on, token) => {
        if (on === 0) return;
        for (let d = 0; d < width; d++)
          x[d] = (x[d] as number) + (hidden[(row * seq + token) * width + d] as number) / count;
      });
    }
    if (options.normalize) {
      const norm = Math.sqrt(x.reduce((sum, value) => sum + value * value, 0));
      x = x.map((value) => value / norm);
    }
    for (const layer of options.layers) {
      const y = Array.from(layer.bias);
      for (let i = 0; i < layer.inputs; i++)
        for (let o = 0; o < layer.outputs; o++)
          y[o] = (y[o] as number) + (x[i] as number) * (layer.weights[i * layer.outputs + o] as number);
      x = layer.activation === "relu" ? y.map((value) => Math.max(0, value)) : y;
    }
    if (options.calibration?.kind === "temperature") {
      const temperature = options.calibration.temperature;
      x = x.map((value) => value / temperature);
    }
    if (options.calibration?.kind === "platt") {
      const { slopes, intercepts } = options.calibration;
      x = x.map((value, l) => (slopes[l] as number) * value + (intercepts[l] as number));
    }
    if (options.output === "softmax") {
      const max = Math.max(...x);
      const exps = x.map((value) => Math.exp(value - max));
      const total = exps.reduce((sum, value) => sum + value, 0);
      return exps.map((value) => value / total);
    }
    if (options.output === "sigmoid") return x.map((value) => 1 / (1 + Math.exp(-value)));
    return x;
  });
}

describeWithShared(
  "encoder-head ONNX export over tiny-bert",
  "fixtures/tiny-bert/onnx/model.onnx",
  (modelFile) => {
    const folder = dirname(dirname(modelFile));
    const labels = ["benefits", "requirements", "other"];
    const cases: [string, Omit<EncoderHeadExportOptions, "encoderModelFolder" | "labels">][] = [
      [
        "mean pooling, normalised, MLP, softmax",
        {
          pooling: "mean",
          normalize: true,
          output: "softmax",
          layers: [randomLayer(32, 16, "relu", 1), randomLayer(16, 3, "none", 2)],
        },
      ],
      [
        "CLS pooling, not normalised, linear, sigmoid with Platt",
        {
          pooling: "cls",
          normalize: false,
          output: "sigmoid",
          layers: [randomLayer(32, 3, "none", 3)],
          calibration: { kind: "platt", slopes: [1.5, 0.5, 2], intercepts: [-0.2, 0.1, 0.3] },
        },
      ],
      [
        "mean pooling, normalised, linear, raw margins with a temperature",
        {
          pooling: "mean",
          normalize: true,
          output: "none",
          layers: [randomLayer(32, 3, "none", 4)],
          calibration: { kind: "temperature", temperature: 1.7 },
        },
      ],
    ];

    for (const [name, settings] of cases) {
      it.skipIf(ort === undefined)(`${name}: logits equal the TypeScript reference within 1e-5`, async () => {
        if (!ort) return;
        const options = { ...settings, encoderModelFolder: folder, labels };
        const outDir = join(dir, name.replace(/\W+/g, "-"));
        const summary = exportEncoderHead(options, outDir);
        expect(summary.hiddenStateOutput).toBe("last_hidden_state");
        for (const file of [
          "model.onnx",
          "labels.json",
          "README.md",
          "tokenizer.json",
          "tokenizer_config.json",
          "vocab.txt",
          "config.json",
        ])
          expect(existsSync(join(outDir, file))).toBe(true);
        expect(JSON.parse(readFileSync(join(outDir, "labels.json"), "utf8"))).toEqual(labels);

        const dims: [number, number] = [batch.ids.length, batch.ids[0]?.length ?? 0];
        const encoder = await ort.InferenceSession.create(modelFile);
        const encoded = await encoder.run({
          input_ids: new ort.Tensor("int64", int64(batch.ids), dims),
          attention_mask: new ort.Tensor("int64", int64(batch.mask), dims),
          token_type_ids: new ort.Tensor("int64", new BigInt64Array(dims[0] * dims[1]), dims),
        });
        const expected = reference(encoded.last_hidden_state?.data as Float32Array, options, 32);

        const exported = await ort.InferenceSession.create(join(outDir, "model.onnx"));
        expect(exported.inputNames).toEqual(["input_ids", "attention_mask"]);
        expect(exported.outputNames).toEqual(["logits"]);
        const result = await exported.run({
          input_ids: new ort.Tensor("int64", int64(batch.ids), dims),
          attention_mask: new ort.Tensor("int64", int64(batch.mask), dims),
        });
        const logits = result.logits;
        expect(logits?.dims).toEqual([2, 3]);
        const actual = logits?.data as Float32Array;
        expected.flat().forEach((value, index) => {
          expect(Math.abs((actual[index] as number) - value)).toBeLessThan(1e-5);
        });
      });
    }

    it.skipIf(ort === undefined || transformers === undefined)(
      "matches transformers.js's feature-extraction pipeline (what hf: encoders run) through the shipped tokenizer",
      async () => {
        if (!ort || !transformers) return;
        transformers.env.allowRemoteModels = false;
        const identity: DenseLayer = {
          inputs: 32,
          outputs: 32,
          activation: "none",
          weights: new Float32Array(32 * 32),
          bias: new Float32Array(32),
        };
        for (let i = 0; i < 32; i++) identity.weights[i * 32 + i] = 1;
        const texts = [
          "Python and SQL required",
          "hello world",
          "a longer sentence about teamwork and communication",
        ];
        const extractor = await transformers.pipeline("feature-extraction", folder, {
          dtype: "fp32",
          device: "cpu",
        });
        for (const [pooling, normalize] of [
          ["mean", true],
          ["cls", false],
        ] as const) {
          const outDir = join(dir, `pipeline-${pooling}`);
          const columns = Array.from({ length: 32 }, (_, i) => `d${i}`);
          exportEncoderHead(
            {
              encoderModelFolder: folder,
              pooling,
              normalize,
              layers: [identity],
              output: "none",
              labels: columns,
            },
            outDir,
          );
          const expected = (await extractor(texts, { pooling, normalize })).data as Float32Array;
          const tokenizer = await transformers.AutoTokenizer.from_pretrained(outDir);
          const encoded = tokenizer(texts, { padding: true });
          const session = await ort.InferenceSession.create(join(outDir, "model.onnx"));
          const tensor = (t: { data: BigInt64Array; dims: number[] }) =>
            new ort.Tensor("int64", t.data, t.dims);
          const result = await session.run({
            input_ids: tensor(encoded.input_ids),
            attention_mask: tensor(encoded.attention_mask),
          });
          const actual = result.logits?.data as Float32Array;
          expect(actual.length).toBe(expected.length);
          expected.forEach((value, index) => {
            expect(Math.abs((actual[index] as number) - value)).toBeLessThan(1e-5);
          });
        }
        await extractor.dispose();
      },
    );

    it("refuses layers that do not chain from the encoder's width to the labels", () => {
      const base = {
        encoderModelFolder: folder,
        labels,
        pooling: "mean",
        normalize: true,
        output: "softmax",
      } as const;
      const outDir = join(dir, "refused");
      expect(() => exportEncoderHead({ ...base, layers: [randomLayer(16, 3, "none", 1)] }, outDir)).toThrow(
        /takes 16 inputs, but 32 reach it/,
      );
      expect(() => exportEncoderHead({ ...base, layers: [randomLayer(32, 2, "none", 1)] }, outDir)).toThrow(
        /2 outputs for 3 labels/,
      );
      expect(() => exportEncoderHead({ ...base, layers: [] }, outDir)).toThrow(UsageError);
      expect(() =>
        exportEncoderHead(
          { ...base, layers: [randomLayer(32, 3, "none", 1)], onnxFile: "nope.onnx" },
          outDir,
        ),
      ).toThrow(/no encoder ONNX file/);
      expect(() =>
        exportEncoderHead(
          {
            ...base,
            layers: [randomLayer(32, 3, "none", 1)],
            calibration: { kind: "platt", slopes: [1, 1, 1], intercepts: [0, 0, 0] },
          },
          outDir,
        ),
      ).toThrow(/Platt calibration goes with output sigmoid/);
    });
  },
);
