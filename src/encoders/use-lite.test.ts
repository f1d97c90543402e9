import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itBehavesAsAnEncoder } from "../../test/encoder-contract.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { createEncoder } from "./index.ts";
import { cosineSimilarity } from "./vectors.ts";

describe("use-lite encoder", () => {
  let encoder: SentenceEncoder;
  beforeAll(async () => {
    encoder = await createEncoder("use-lite", { batchSize: 2 });
  });
  afterAll(async () => {
    await encoder.close();
  });

  itBehavesAsAnEncoder(() => encoder);

  it("is the 512-d, normalised USE lite, versioned by its two packages", () => {
    expect(encoder.id).toBe("use-lite");
    expect(encoder.dimensions).toBe(512);
    expect(encoder.normalized).toBe(true);
    expect(encoder.version).toMatch(/^embeddings@\d+\.\d+\.\d+\+model-embeddings-en@\d+\.\d+\.\d+$/);
  });

  it("knows what words mean: a team player is nearer collaborating well than Python", async () => {
    const [team, collaborates, python] = await encoder.embed([
      "team player",
      "collaborates well with others",
      "Python programming",
    ]);
    if (!team || !collaborates || !python) throw new Error("missing vectors");
    expect(cosineSimilarity(team, collaborates)).toBeGreaterThan(cosineSimilarity(team, python) + 0.1);
  });

  it("keeps the row of an empty text at the end of a batch", async () => {
    const vectors = await encoder.embed(["a", ""]);
    expect(vectors).toHaveLength(2);
    const [inside] = await encoder.embed(["", "a"]);
    expect(Array.from(vectors[1] ?? [])).toEqual(Array.from(inside ?? []));
  });

  it("shares one loaded model between encoders", async () => {
    const other = await createEncoder("use-lite");
    const [mine] = await encoder.embed(["shared"]);
    const [theirs] = await other.embed(["shared"]);
    expect(Array.from(theirs ?? [])).toEqual(Array.from(mine ?? []));
    await other.close();
  });
});

describe("createEncoder", () => {
  it.each([
    ["word2vec", /unknown encoder/],
    ["hf:", /needs a hub id or a folder/],
    ["hf:x?pooling=max", /pooling must be mean or cls/],
    ["hf:x?normalize=yes", /normalize must be 1 or 0/],
    ["hf:x?colour=blue", /unknown option "colour"/],
    ["openai:", /needs a model name/],
  ])("rejects %s, listing the valid forms", async (id, reason) => {
    const error = await createEncoder(id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "usage" });
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain("valid forms: use-lite, hf:<hub id or folder>");
  });
});
