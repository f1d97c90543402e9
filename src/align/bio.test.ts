import { describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { bioToChunks, chunksToCharSpans, spansToBio } from "./bio.ts";

describe("bioToChunks", () => {
  it("reads bare SkillSpan tags", () => {
    expect(bioToChunks(["O", "B", "I", "O", "B", "B", "I"])).toEqual([
      { label: "", startToken: 1, endToken: 3 },
      { label: "", startToken: 4, endToken: 5 },
      { label: "", startToken: 5, endToken: 7 },
    ]);
  });

  it("starts a chunk at an I after O, at the start, or after another type (conlleval)", () => {
    expect(bioToChunks(["I", "O", "I", "I"])).toEqual([
      { label: "", startToken: 0, endToken: 1 },
      { label: "", startToken: 2, endToken: 4 },
    ]);
    expect(bioToChunks(["B-x", "I-y", "I-y", "I-x"])).toEqual([
      { label: "x", startToken: 0, endToken: 1 },
      { label: "y", startToken: 1, endToken: 3 },
      { label: "x", startToken: 3, endToken: 4 },
    ]);
  });

  it("handles empty and all-O input and rejects unknown tags", () => {
    expect(bioToChunks([])).toEqual([]);
    expect(bioToChunks(["O", "O"])).toEqual([]);
    expect(() => bioToChunks(["O", "X-y"])).toThrow(InputError);
    expect(() => bioToChunks(["Bx"])).toThrow(InputError);
  });
});

describe("spansToBio and chunksToCharSpans", () => {
  const text = "Strong Java and SQL skills";
  const tokens = [
    { start: 0, end: 6 },
    { start: 7, end: 11 },
    { start: 12, end: 15 },
    { start: 16, end: 19 },
    { start: 20, end: 26 },
  ];

  it("tags tokens overlapping each span", () => {
    const spans = [
      { start: 7, end: 11, label: "knowledge" },
      { start: 16, end: 19, label: "knowledge" },
    ];
    expect(spansToBio(tokens, spans)).toEqual(["O", "B-knowledge", "O", "B-knowledge", "O"]);
    expect(spansToBio(tokens, spans, { bare: true })).toEqual(["O", "B", "O", "B", "O"]);
  });

  it("keeps the longer span when spans in one layer overlap, then the earlier one", () => {
    const overlapping = [
      { start: 7, end: 11, label: "a" },
      { start: 7, end: 19, label: "b" },
      { start: 16, end: 26, label: "c" },
    ];
    expect(spansToBio(tokens, overlapping)).toEqual(["O", "B-b", "I-b", "I-b", "O"]);
    const equalLength = [
      { start: 12, end: 26, label: "late" },
      { start: 0, end: 15, label: "early" },
    ];
    expect(spansToBio(tokens, equalLength)).toEqual(["B-early", "I-early", "I-early", "O", "O"]);
  });

  it("round-trips chunks back to character spans", () => {
    const tags = spansToBio(tokens, [{ start: 7, end: 19, label: "k" }]);
    expect(chunksToCharSpans(tokens, bioToChunks(tags), text)).toEqual([
      { start: 7, end: 19, label: "k", text: "Java and SQL" },
    ]);
    expect(() => chunksToCharSpans(tokens, [{ label: "", startToken: 4, endToken: 6 }], text)).toThrow(
      InputError,
    );
  });
});
