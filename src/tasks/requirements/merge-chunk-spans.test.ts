import { describe, expect, it } from "vitest";
import type { Span } from "../../core/types.ts";
import { mergeChunkSpans } from "./merge-chunk-spans.ts";

const span = (start: number, end: number, label = "hard_skills"): Span => ({
  start,
  end,
  label,
  text: "x".repeat(end - start),
});

describe("mergeChunkSpans", () => {
  it("drops the copy two overlapping chunks both found", () => {
    const merged = mergeChunkSpans([
      [span(0, 5), span(100, 110)],
      [span(100, 110), span(200, 210)],
    ]);
    expect(merged).toEqual([span(0, 5), span(100, 110), span(200, 210)]);
  });

  it("keeps the longer of two overlapping copies (a chunk edge cut one short)", () => {
    expect(mergeChunkSpans([[span(100, 104)], [span(100, 110)]])).toEqual([span(100, 110)]);
    expect(mergeChunkSpans([[span(100, 110)], [span(104, 110)]])).toEqual([span(100, 110)]);
  });

  it("keeps overlapping spans of other labels and nested spans from one chunk", () => {
    const merged = mergeChunkSpans([[span(0, 30), span(16, 22)], [span(16, 22, "soft_skills")]]);
    expect(merged).toEqual([span(0, 30), span(16, 22), span(16, 22, "soft_skills")]);
  });

  it("handles no chunks and empty chunks", () => {
    expect(mergeChunkSpans([])).toEqual([]);
    expect(mergeChunkSpans([[], [span(1, 2)]])).toEqual([span(1, 2)]);
  });
});
