import { describe, expect, it } from "vitest";
import { LabelSet } from "./label-set.ts";

describe("LabelSet", () => {
  const bio = ["O", "B", "I", "I", "O", "B", "B", "I", "O", "I"];

  it("spells BIO chunks as BILOU and reads them back as BIO", () => {
    const labels = LabelSet.fromTags([bio], "bilou");
    expect(labels.tags).toEqual(["O", "B", "I", "L", "U"]);
    expect(labels.encoding).toBe("bilou");
    // A stray I after O opens a chunk, as conlleval reads it.
    expect(labels.decode(labels.encodeBio(bio))).toEqual(["O", "B", "I", "L", "O", "U", "B", "L", "O", "U"]);
    expect(labels.decodeBio(labels.encodeBio(bio))).toEqual([
      "O",
      "B",
      "I",
      "I",
      "O",
      "B",
      "B",
      "I",
      "O",
      "B",
    ]);
  });

  it("allows in BILOU only closed spans to be followed by O, B or U and to end a sentence", () => {
    const labels = LabelSet.fromTags([["B-x", "I-x"]], "bilou");
    const id = (tag: string) => labels.tags.indexOf(tag);
    const allowed = (previous: string | undefined, current: string) =>
      labels.allowed[(previous === undefined ? labels.start : id(previous)) * labels.size + id(current)] ===
      1;
    expect(allowed(undefined, "U-x")).toBe(true);
    expect(allowed(undefined, "L-x")).toBe(false);
    expect(allowed("B-x", "L-x")).toBe(true);
    expect(allowed("B-x", "O")).toBe(false);
    expect(allowed("L-x", "B-x")).toBe(true);
    expect(allowed("U-x", "I-x")).toBe(false);
    expect(Array.from(labels.allowedEnd)).toEqual(labels.tags.map((tag) => (/^[BI]/.test(tag) ? 0 : 1)));
  });

  it("keeps BIO sets as they were", () => {
    const labels = LabelSet.fromTags([bio]);
    expect(labels.tags).toEqual(["O", "B", "I"]);
    expect(labels.decodeBio(labels.encodeBio(["O", "B", "I"]))).toEqual(["O", "B", "I"]);
    expect(Array.from(labels.allowedEnd)).toEqual([1, 1, 1]);
  });
});
