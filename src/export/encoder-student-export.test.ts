import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithShared } from "../../test/shared.ts";
import { createRandom } from "../core/random.ts";
import { createEncoder, encoderReference, type SentenceEncoder } from "../encoders/index.ts";
import {
  categoryQueries,
  encodeEncoderSegmentClassifier,
  zeroShotSegmentClassifier,
} from "../student/encoder-segments/index.ts";
import { trainHead } from "../student/heads/index.ts";
import { EncoderSkillTypeModel } from "../student/skill-type/encoder-model.ts";
import { encodeEncoderSkillTypeModel } from "../student/skill-type/encoder-serialize.ts";
import { exportModelAsOnnx } from "./export-model-file.ts";

const ort = await import("onnxruntime-node").catch(() => undefined);
const transformers = await import("@huggingface/transformers").catch(() => undefined);

const texts = ["team player", "Python", "collaborates well with others", "5+ years of Java and SQL", ""];

/** Runs an export's model.onnx on `texts`, tokenised by the tokenizer shipped beside it. */
async function runExport(outDir: string): Promise<{ logits: Float32Array; width: number }> {
  if (!ort || !transformers) throw new Error("needs onnxruntime-node and transformers");
  const tokenizer = await transformers.AutoTokenizer.from_pretrained(outDir);
  const encoded = tokenizer(texts, { padding: true });
  const tensor = (t: { data: BigInt64Array; dims: number[] }) => new ort.Tensor("int64", t.data, t.dims);
  const session = await ort.InferenceSession.create(join(outDir, "model.onnx"));
  const result = await session.run({
    input_ids: tensor(encoded.input_ids),
    attention_mask: tensor(encoded.attention_mask),
  });
  const logits = result.logits;
  return { logits: logits?.data as Float32Array, width: Number(logits?.dims[1]) };
}

describeWithShared(
  "export onnx of an encoder zero-shot classifier and an encoder skill typer",
  "fixtures/tiny-bert/onnx/model.onnx",
  (modelFile) => {
    let dir: string;
    let cardFolder: string;
    let encoder: SentenceEncoder;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "jobdistill-encoder-student-export-"));
      // tiny-bert with a sentence-transformers card saying CLS pooling, not normalised.
      cardFolder = join(dir, "tiny-bert-cls");
      cpSync(dirname(dirname(modelFile)), cardFolder, { recursive: true });
      mkdirSync(join(cardFolder, "1_Pooling"));
      writeFileSync(
        join(cardFolder, "1_Pooling", "config.json"),
        JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
      );
      writeFileSync(
        join(cardFolder, "modules.json"),
        JSON.stringify([
          { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
          { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
        ]),
      );
      encoder = await createEncoder(`hf:${cardFolder}`);
    });
    afterAll(async () => {
      await encoder?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(ort === undefined || transformers === undefined)(
      "zero-shot: σ(slope · cosine + intercept) per category, pooled as the card says, within 1e-5",
      async () => {
        expect(encoder.id).toBe(`hf:${cardFolder}?pooling=cls&normalize=0`);
        const queries = categoryQueries(
          ["requirements", "benefits", "other"].map((label) => ({ label, name: label })),
        );
        const queryEmbeddings = await Promise.all(queries.map((query) => encoder.embed(query.texts)));
        const devTexts = ["You know SQL", "We offer a pension", "About us", "Python required", "Free lunch"];
        const devVectors = await encoder.embed(devTexts);
        const labelsOf = [["requirements"], ["benefits"], ["other"], ["requirements"], ["benefits"]];
        const model = zeroShotSegmentClassifier({
          encoder: encoderReference(encoder),
          queries,
          queryEmbeddings,
          dev: devTexts.map((text, i) => ({
            text,
            embedding: devVectors[i] as Float32Array,
            labels: labelsOf[i] as string[],
          })),
        });
        model.attach(encoder);
        const file = join(dir, "zero-shot.jdes");
        writeFileSync(file, encodeEncoderSegmentClassifier(model));
        const outDir = join(dir, "onnx-zero-shot");
        const summary = await exportModelAsOnnx(file, outDir);
        expect(summary.kind).toBe("encoder-segment-classifier");
        expect(readFileSync(join(outDir, "README.md"), "utf8")).toMatch(/CLS pooling/);
        const expected = await model.predictBatch(texts);
        const { logits, width } = await runExport(outDir);
        expect(width).toBe(3);
        expected.forEach((prediction, row) => {
          model.labels.forEach((label, column) => {
            expect(
              Math.abs((logits[row * width + column] as number) - (prediction.scores[label] as number)),
            ).toBeLessThan(1e-5);
          });
        });
      },
      120_000,
    );

    it.skipIf(ort === undefined || transformers === undefined)(
      "skill typer without the lexical vote: [P(Hard), P(Soft)] as the typer calibrates them, within 1e-5",
      async () => {
        const phrases = [
          "teamwork",
          "communication",
          "Java",
          "SQL",
          "empathy",
          "Docker",
          "leadership",
          "C++",
        ];
        const vectors = await encoder.embed(phrases);
        const random = createRandom(3);
        const head = trainHead(
          vectors.map((embedding) => ({ embedding })),
          phrases.map(() => [random.next() < 0.5 ? 0 : 1]),
          ["Hard", "Soft"],
          { kind: "mlp", hiddenSize: 8, epochs: 3 },
        );
        const config = {
          labels: ["Hard", "Soft"] as ["Hard", "Soft"],
          encoder: encoderReference(encoder),
          head: head.config,
          contextWeight: 0,
          lexicalVote: false,
          calibration: { lexicalWeight: 0, slope: 1.7, intercept: -0.3, fittedOn: "a test" },
          decision: { hardBelow: 0.4, softFrom: 0.6 },
          trainedFrom: "a test",
          examples: phrases.length,
        };
        const typer = new EncoderSkillTypeModel(config, head, encoder, undefined);
        const file = join(dir, "skill-type.jdse");
        writeFileSync(file, encodeEncoderSkillTypeModel(typer));
        const outDir = join(dir, "onnx-skill-type");
        const summary = await exportModelAsOnnx(file, outDir);
        expect(summary.kind).toBe("skill-type-encoder");
        expect(JSON.parse(readFileSync(join(outDir, "decision.json"), "utf8"))).toMatchObject({
          hardBelow: 0.4,
          softFrom: 0.6,
        });
        const expected = await typer.predict(texts.map((phrase) => ({ phrase })));
        const { logits, width } = await runExport(outDir);
        expect(width).toBe(2);
        expected.forEach((prediction, row) => {
          expect(Math.abs((logits[row * 2 + 1] as number) - prediction.soft)).toBeLessThan(1e-5);
          expect(Math.abs((logits[row * 2] as number) - (1 - prediction.soft))).toBeLessThan(1e-5);
        });

        const voting = new EncoderSkillTypeModel({ ...config, lexicalVote: true }, head, encoder, undefined);
        const votingFile = join(dir, "skill-type-voting.jdse");
        // A voting typer's file needs its lexical typer; the export refuses before reading it.
        writeFileSync(votingFile, encodeEncoderSkillTypeModel(voting));
        await expect(exportModelAsOnnx(votingFile, join(dir, "onnx-voting"))).rejects.toThrow(
          /lexical typer's vote .* cannot be exported as one ONNX graph/,
        );
      },
      120_000,
    );
  },
);
