import { dirname } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { itBehavesAsAnEncoder } from "../../test/encoder-contract.ts";
import { describeWithShared } from "../../test/shared.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { createEncoder } from "./index.ts";

describeWithShared(
  "hf: encoder over the tiny-bert fixture",
  "fixtures/tiny-bert/onnx/model.onnx",
  (modelFile) => {
    const folder = dirname(dirname(modelFile));
    let encoder: SentenceEncoder;
    beforeAll(async () => {
      encoder = await createEncoder(`hf:${folder}`, { batchSize: 2 });
    });
    afterAll(async () => {
      await encoder.close();
    });

    itBehavesAsAnEncoder(() => encoder);

    it("reads its width from the model and versions the library with the weights' hash", () => {
      expect(encoder.id).toBe(`hf:${folder}`);
      expect(encoder.dimensions).toBe(32);
      expect(encoder.normalized).toBe(true);
      expect(encoder.version).toMatch(/^transformers@\d+\.\d+\.\d+\+weights@[0-9a-f]{16}$/);
    });

    it("pools the first token with ?pooling=cls, and leaves vectors unscaled with normalize=0", async () => {
      const cls = await createEncoder(`hf:${folder}?pooling=cls&normalize=0`);
      try {
        expect(cls.id).toBe(`hf:${folder}?pooling=cls&normalize=0`);
        expect(cls.normalized).toBe(false);
        expect(cls.version).toBe(encoder.version);
        const [mean] = await encoder.embed(["hello world"]);
        const [first] = await cls.embed(["hello world"]);
        let norm = 0;
        for (const value of first ?? []) norm += value * value;
        expect(Math.abs(Math.sqrt(norm) - 1)).toBeGreaterThan(1e-3);
        expect(Array.from(first ?? [])).not.toEqual(Array.from(mean ?? []));
      } finally {
        await cls.close();
      }
    });

    it("fails clearly, without downloading, when a folder holds no model", async () => {
      const error = await createEncoder(`hf:${dirname(folder)}`).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "encoder-failed" });
      expect((error as Error).message).toMatch(/cannot load the model \(downloads are off/);
    });

    it("says so when a folder does not exist", async () => {
      const error = await createEncoder("hf:./no/such/model").catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "usage" });
      expect((error as Error).message).toMatch(/no model folder at/);
    });

    it("never downloads a hub id when JOBDISTILL_OFFLINE=1", async () => {
      const error = await createEncoder("hf:Xenova/not-a-real-model-for-tests", {
        env: { JOBDISTILL_OFFLINE: "1" },
      }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "encoder-failed" });
      expect((error as Error).message).toMatch(/downloads are off/);
    });
  },
);
