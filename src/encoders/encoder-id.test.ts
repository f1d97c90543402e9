import { describe, expect, it } from "vitest";
import { formatEncoderId, parseEncoderId } from "./encoder-id.ts";

describe("encoder ids", () => {
  it("parses every form, leaving pooling and normalisation to the model card when the id is silent", () => {
    expect(parseEncoderId("use-lite")).toEqual({ kind: "use-lite" });
    expect(parseEncoderId("hf:Xenova/all-MiniLM-L6-v2")).toEqual({
      kind: "hf",
      model: "Xenova/all-MiniLM-L6-v2",
      dtype: "fp32",
    });
    expect(parseEncoderId("hf:../shared/fixtures/tiny-bert?pooling=cls&normalize=0&dtype=q8")).toEqual({
      kind: "hf",
      model: "../shared/fixtures/tiny-bert",
      pooling: "cls",
      normalize: false,
      dtype: "q8",
    });
    expect(parseEncoderId("openai:text-embedding-3-small")).toEqual({
      kind: "openai",
      model: "text-embedding-3-small",
    });
  });

  it("spells one spec one way: defaults left out, options in a fixed order", () => {
    const canonical = (id: string): string => formatEncoderId(parseEncoderId(id));
    expect(canonical("hf:Xenova/bge-small-en-v1.5?normalize=1&pooling=mean")).toBe(
      "hf:Xenova/bge-small-en-v1.5",
    );
    expect(canonical("hf:m?dtype=q8&pooling=cls")).toBe("hf:m?pooling=cls&dtype=q8");
    expect(canonical("use-lite")).toBe("use-lite");
    expect(canonical("openai:nomic-embed-text")).toBe("openai:nomic-embed-text");
  });

  it("spells out a default that overrides the model card, so the id never reads back as the card's choice", () => {
    const spec = { kind: "hf", model: "m", dtype: "fp32" } as const;
    expect(formatEncoderId({ ...spec, pooling: "cls", normalize: true }, { pooling: "cls" })).toBe(
      "hf:m?pooling=cls",
    );
    expect(formatEncoderId({ ...spec, pooling: "mean", normalize: true }, { pooling: "cls" })).toBe(
      "hf:m?pooling=mean",
    );
    expect(formatEncoderId({ ...spec, pooling: "mean", normalize: true }, { normalize: false })).toBe(
      "hf:m?normalize=1",
    );
    expect(formatEncoderId({ ...spec, pooling: "mean", normalize: true }, { pooling: "mean" })).toBe("hf:m");
  });
});
