import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

    describe("pooling and normalisation as the model card says", () => {
      let copies: string;
      /** A copy of tiny-bert with sentence-transformers files: modules.json, and the pooling config. */
      const withCard = (
        name: string,
        modes: Record<string, boolean>,
        normalizeModule: boolean | undefined,
      ) => {
        const copy = join(copies, name);
        cpSync(folder, copy, { recursive: true });
        mkdirSync(join(copy, "1_Pooling"));
        writeFileSync(
          join(copy, "1_Pooling", "config.json"),
          JSON.stringify({ word_embedding_dimension: 32, ...modes }),
        );
        if (normalizeModule !== undefined) {
          const modules = [
            { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
            { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
            ...(normalizeModule
              ? [{ idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" }]
              : []),
          ];
          writeFileSync(join(copy, "modules.json"), JSON.stringify(modules));
        }
        return copy;
      };
      beforeAll(() => {
        copies = mkdtempSync(join(tmpdir(), "jobdistill-model-card-"));
      });
      afterAll(() => rmSync(copies, { recursive: true, force: true }));
      const cls = { pooling_mode_cls_token: true, pooling_mode_mean_tokens: false };

      it("pools CLS and leaves vectors unscaled when the card says so, and the id records it", async () => {
        const copy = withCard("cls-no-normalize", cls, false);
        const fromCard = await createEncoder(`hf:${copy}`);
        const explicit = await createEncoder(`hf:${copy}?pooling=cls&normalize=0`);
        try {
          expect(fromCard.id).toBe(`hf:${copy}?pooling=cls&normalize=0`);
          expect(explicit.id).toBe(fromCard.id);
          expect(fromCard.normalized).toBe(false);
          const [a] = await fromCard.embed(["hello world"]);
          const [b] = await explicit.embed(["hello world"]);
          expect(Array.from(a ?? [])).toEqual(Array.from(b ?? []));
        } finally {
          await fromCard.close();
          await explicit.close();
        }
      });

      it("normalises when modules.json lists a Normalize module, and an override of the card is spelt out", async () => {
        const copy = withCard("cls-normalize", cls, true);
        const fromCard = await createEncoder(`hf:${copy}`);
        const overridden = await createEncoder(`hf:${copy}?pooling=mean`);
        try {
          expect(fromCard.id).toBe(`hf:${copy}?pooling=cls`);
          expect(fromCard.normalized).toBe(true);
          expect(overridden.id).toBe(`hf:${copy}?pooling=mean`);
          // The recorded id loads the same encoder again (what a model file does at start).
          const again = await createEncoder(overridden.id);
          expect(again.id).toBe(overridden.id);
          await again.close();
        } finally {
          await fromCard.close();
          await overridden.close();
        }
      });

      it("keeps mean and normalised (the id unchanged) when the card says mean without modules.json", async () => {
        const copy = withCard(
          "mean",
          { pooling_mode_cls_token: false, pooling_mode_mean_tokens: true },
          undefined,
        );
        const fromCard = await createEncoder(`hf:${copy}`);
        try {
          expect(fromCard.id).toBe(`hf:${copy}`);
          const [vector] = await fromCard.embed(["hello world"]);
          const [reference] = await encoder.embed(["hello world"]);
          Array.from(vector ?? []).forEach((value, index) => {
            expect(Math.abs(value - (reference?.[index] ?? Number.NaN))).toBeLessThan(1e-6);
          });
        } finally {
          await fromCard.close();
        }
      });

      it("refuses a pooling it cannot do, saying how to choose one", async () => {
        const copy = withCard("max", { pooling_mode_max_tokens: true }, true);
        const error = await createEncoder(`hf:${copy}`).catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: "usage" });
        expect((error as Error).message).toMatch(/pools by max_tokens.*\?pooling=mean or \?pooling=cls/);
      });
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
