import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { captureIo } from "../../test/capture-io.ts";
import { describeWithShared } from "../../test/shared.ts";
import { runCli } from "../cli/program.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { padFeatureIds } from "../export/index.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import {
  EncoderSegmentClassifier,
  encodeEncoderSegmentClassifier,
  loadEncoderSegmentClassifier,
} from "../student/encoder-segments/index.ts";
import { modelPath } from "../student/load-predictors.ts";
import { FeatureExtractor } from "../student/segment-classifier/index.ts";
import { exportStudentAsOnnx } from "./export-onnx.ts";
import { train } from "./train.ts";

const ort = await import("onnxruntime-node").catch(() => undefined);
const transformers = await import("@huggingface/transformers").catch(() => undefined);

const texts = [
  "You know Python and SQL.",
  "We offer a generous pension and 30 days of holiday.",
  "Strong communication skills — written and verbal!",
  "",
  "Experience with C++, C# and .NET is a plus; Kubernetes, Terraform and AWS are welcome too.",
];

// `jobdistill export onnx MODEL OUT/` for students trained as `train --encoder hf:tiny-bert` does it:
// the graph's logits equal what the TypeScript student predicts, within 1e-5.
describeWithShared(
  "export onnx of encoder students trained over tiny-bert",
  "fixtures/tiny-bert/onnx/model.onnx",
  (encoderModel) => {
    const encoder = `hf:${dirname(dirname(encoderModel))}`;
    let dir: string;
    let workspace: Workspace;
    const inWorkspace = <T>(body: (opened: Workspace) => T): Promise<T> => Promise.resolve(body(workspace));

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "jobdistill-export-encoder-"));
      workspace = openWorkspace(join(dir, "ws"));
      importDemoGold(workspace);
      for (const features of ["embedding", "combined"] as const) {
        await train(workspace, {
          task: "requirements",
          source: "gold",
          epochs: 2,
          encoder,
          encoderFeatures: features,
          name: features,
        });
      }
    }, 600_000);
    afterAll(() => {
      workspace.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const fileOf = (name: string): string => {
      const stored = workspace.models.get(name);
      if (!stored) throw new Error(`no model ${name}`);
      return modelPath(workspace, stored);
    };

    const cli = async (...args: string[]) => {
      const io = captureIo();
      const code = await runCli(["--workspace", join(dir, "ws"), ...args], io);
      return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
    };

    for (const features of ["embedding", "combined"] as const) {
      it.skipIf(ort === undefined || transformers === undefined)(
        `${features} head: one graph whose logits equal the TypeScript prediction within 1e-5`,
        async () => {
          if (!ort || !transformers) return;
          const outDir = join(dir, `onnx-${features}`);
          const summary = await exportStudentAsOnnx(`${features}-segments`, outDir, inWorkspace);
          expect(summary.kind).toBe("encoder-segment-classifier");
          for (const file of ["model.onnx", "labels.json", "decision.json", "tokenizer.json", "README.md"])
            expect(existsSync(join(outDir, file)), file).toBe(true);

          const model = await loadEncoderSegmentClassifier(fileOf(`${features}-segments`));
          try {
            const expected = await model.predictBatch(texts);
            expect(JSON.parse(readFileSync(join(outDir, "labels.json"), "utf8"))).toEqual(model.labels);

            const tokenizer = await transformers.AutoTokenizer.from_pretrained(outDir);
            const encoded = tokenizer(texts, { padding: true });
            const tensor = (t: { data: BigInt64Array; dims: number[] }) =>
              new ort.Tensor("int64", t.data, t.dims);
            const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
              input_ids: tensor(encoded.input_ids),
              attention_mask: tensor(encoded.attention_mask),
            };
            const { scoring } = model.config;
            const ngrams = scoring.kind === "head" ? scoring.ngrams : null;
            expect(ngrams !== null).toBe(features === "combined");
            if (ngrams) {
              const extractor = new FeatureExtractor(ngrams);
              const rows = texts.map((text) =>
                Array.from(extractor.indices.subarray(0, extractor.extract(text))),
              );
              const padded = padFeatureIds(rows);
              feeds.feature_ids = new ort.Tensor("int64", padded.data, padded.dims);
              // The shipped test vectors are the same featuriser's ids.
              const vectors = readFileSync(join(outDir, "test-vectors.jsonl"), "utf8")
                .trim()
                .split("\n")
                .map((line) => JSON.parse(line) as { text: string; feature_ids: number[][] });
              expect(vectors.length).toBe(25);
              for (const vector of vectors) {
                const count = extractor.extract(vector.text);
                expect(vector.feature_ids).toEqual([Array.from(extractor.indices.subarray(0, count))]);
              }
              expect(readFileSync(join(outDir, "feature-scheme.md"), "utf8")).toMatch(/hashBits = \d+/);
            }
            const session = await ort.InferenceSession.create(join(outDir, "model.onnx"));
            expect(session.inputNames).toEqual(
              ngrams ? ["input_ids", "attention_mask", "feature_ids"] : ["input_ids", "attention_mask"],
            );
            const logits = (await session.run(feeds)).logits;
            expect(logits?.dims).toEqual([texts.length, model.labels.length]);
            const actual = logits?.data as Float32Array;
            let worst = 0;
            expected.forEach((prediction, row) => {
              model.labels.forEach((label, column) => {
                const difference = Math.abs(
                  (actual[row * model.labels.length + column] as number) -
                    (prediction.scores[label] as number),
                );
                worst = Math.max(worst, difference);
              });
            });
            expect(worst).toBeLessThan(1e-5);
          } finally {
            await model.attachedEncoder?.close();
          }
        },
        120_000,
      );
    }

    it("is what `jobdistill export onnx NAME OUT/` runs", async () => {
      const outDir = join(dir, "onnx-cli");
      const exported = await cli("export", "onnx", "combined-segments", outDir);
      expect(exported.code, exported.err).toBe(0);
      expect(exported.out).toMatch(
        /wrote the encoder-segment-classifier student as ONNX to .*model\.onnx, labels\.json/,
      );
      expect(existsSync(join(outDir, "feature-scheme.md"))).toBe(true);
    }, 120_000);

    it("refuses a use-lite student, saying why and what to do", async () => {
      const model = await loadEncoderSegmentClassifier(fileOf("embedding-segments"));
      await model.attachedEncoder?.close();
      const useLite = new EncoderSegmentClassifier(
        {
          ...model.config,
          encoder: { id: "use-lite", version: "embeddings@1+model-embeddings-en@1", dimensions: 32 },
        },
        { head: model.head },
      );
      const file = join(dir, "use-lite.jdes");
      writeFileSync(file, encodeEncoderSegmentClassifier(useLite));
      const error = await exportStudentAsOnnx(file, join(dir, "onnx-use-lite"), inWorkspace).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: "usage" });
      expect((error as Error).message).toMatch(
        /use-lite encoder .*TensorFlow\.js.*cannot be exported as one ONNX graph; train it with an hf: encoder/,
      );
      expect(existsSync(join(dir, "onnx-use-lite"))).toBe(false);
      const refused = await cli("export", "onnx", file, join(dir, "onnx-use-lite"));
      expect(refused.code).not.toBe(0);
      expect(refused.err).toMatch(/cannot be exported as one ONNX graph; train it with an hf: encoder/);
    });

    it("refuses when the encoder folder's weights are not the ones the head was trained over", async () => {
      const model = await loadEncoderSegmentClassifier(fileOf("embedding-segments"));
      await model.attachedEncoder?.close();
      const { encoder: reference } = model.config;
      const otherWeights = new EncoderSegmentClassifier(
        {
          ...model.config,
          encoder: {
            ...reference,
            version: reference.version.replace(/@[0-9a-f]{16}$/, "@0123456789abcdef"),
          },
        },
        { head: model.head },
      );
      const file = join(dir, "other-weights.jdes");
      writeFileSync(file, encodeEncoderSegmentClassifier(otherWeights));
      await expect(exportStudentAsOnnx(file, join(dir, "onnx-other"), inWorkspace)).rejects.toThrow(
        /trained over .* with weights 0123456789abcdef, but .*model\.onnx has weights [0-9a-f]{16}/,
      );
    });
  },
);
