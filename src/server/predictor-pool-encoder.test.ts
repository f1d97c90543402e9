import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithShared } from "../../test/shared.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace } from "../store/index.ts";
import {
  decodeEncoderSegmentClassifier,
  EncoderSegmentClassifier,
  encodeEncoderSegmentClassifier,
} from "../student/encoder-segments/index.ts";
import { loadPredictors, modelPath } from "../student/load-predictors.ts";
import { trainSpanStudents } from "../workflows/index.ts";
import { createPredictorPool } from "../workflows/predictor-pool.ts";
import { advertOfWords } from "./fixtures.ts";

// `serve` with an encoder-backed segment classifier (trained over tiny-bert): each worker thread
// loads the encoder the model file names, and a model whose encoder is not that one fails at start.
describeWithShared(
  "prediction worker pool with an encoder student",
  "fixtures/tiny-bert/onnx/model.onnx",
  (encoderModel) => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "jobdistill-pool-encoder-"));
      const workspace = openWorkspace(dir);
      importDemoGold(workspace);
      await trainSpanStudents(workspace, {
        task: "requirements",
        source: "gold",
        epochs: 2,
        encoder: `hf:${dirname(dirname(encoderModel))}`,
      });
      workspace.close();
    }, 300_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("answers on worker threads exactly as the encoder student does in this thread", async () => {
      const workspace = openWorkspace(dir);
      const local = await loadPredictors(workspace);
      workspace.close();
      expect(local.models().find((model) => model.name === "requirements-segments")?.kind).toBe(
        "encoder-segment-classifier",
      );
      const pool = await createPredictorPool({ workspaceDir: dir, threads: 2 });
      try {
        expect(pool.threads).toBe(2);
        const adverts = [400, 60, 150].map(advertOfWords);
        const answers = await Promise.all(adverts.map((text) => pool.highlight({ text })));
        for (const [i, answer] of answers.entries()) {
          expect(answer).toEqual(await local.highlight({ text: adverts[i] as string }));
        }
      } finally {
        await pool.close();
      }
    }, 120_000);

    it("fails at start, naming both encoders, when the model was trained over another encoder version", async () => {
      const workspace = openWorkspace(dir);
      const stored = workspace.models.get("requirements-segments");
      workspace.close();
      if (!stored) throw new Error("the workspace has an encoder segment classifier");
      const file = modelPath({ dir }, stored);
      const model = decodeEncoderSegmentClassifier(readFileSync(file), file);
      const { encoder } = model.config;
      const retagged = new EncoderSegmentClassifier(
        { ...model.config, encoder: { ...encoder, version: `${encoder.version}-older` } },
        { head: model.head, prototypes: model.prototypes },
      );
      writeFileSync(file, encodeEncoderSegmentClassifier(retagged));
      await expect(createPredictorPool({ workspaceDir: dir, threads: 1 })).rejects.toThrow(
        /cannot load model "requirements-segments".*trained over encoder hf:.*-older.*but the encoder given is hf:/,
      );
    }, 120_000);
  },
);
