import { describe, expect, it } from "vitest";
import type { Span } from "../../core/types.ts";
import { mergeChunkPayloads, mergeChunkSpans } from "./merge-chunk-spans.ts";

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

describe("mergeChunkPayloads", () => {
  const stats = (unaligned: number) => ({
    exact: 1,
    normalised: 0,
    fuzzy: 0,
    unaligned,
    total: 1 + unaligned,
  });

  it("joins chunk payloads in chunk order and sums their stats", () => {
    const merged = mergeChunkPayloads([
      {
        spans: [span(100, 110)],
        unaligned: [{ label: "benefits", quote: "b", reason: "not found in the text" }],
        data: { chunkIndex: 1, chunkCount: 3, stats: stats(1) },
      },
      {
        spans: [span(100, 104), span(0, 5)],
        unaligned: [{ label: "benefits", quote: "a", reason: "not found in the text" }],
        data: { chunkIndex: 0, chunkCount: 3, stats: stats(1) },
      },
    ]);
    expect(merged.spans).toEqual([span(0, 5), span(100, 110)]);
    expect(merged.unaligned.map((quote) => quote.quote)).toEqual(["a", "b"]);
    expect(merged.data).toEqual({
      chunkCount: 3,
      chunksSeen: [0, 1],
      stats: { exact: 2, normalised: 0, fuzzy: 0, unaligned: 2, total: 4 },
    });
  });

  it("rejects payloads that are not requirements chunks", () => {
    expect(() => mergeChunkPayloads([{ spans: [], data: { labels: [] } }])).toThrow(
      /not a requirements chunk/,
    );
  });
});
