import { describe, expect, it } from "vitest";
import { alignmentStatsOfPayloads, describeAlignmentStats } from "./alignment-report.ts";

describe("alignmentStatsOfPayloads", () => {
  it("counts quote alignments and unaligned quotes, not gold offsets", () => {
    const stats = alignmentStatsOfPayloads([
      {
        spans: [
          { start: 0, end: 1, label: "a", text: "x", alignment: "exact" },
          { start: 1, end: 2, label: "a", text: "y", alignment: "fuzzy" },
          { start: 2, end: 3, label: "a", text: "z", alignment: "given" },
        ],
        unaligned: [{ label: "a", quote: "q", reason: "not found" }],
      },
      { spans: [{ start: 0, end: 1, label: "b", text: "x", alignment: "normalised" }] },
    ]);
    expect(stats).toEqual({ exact: 1, normalised: 1, fuzzy: 1, unaligned: 1, total: 4 });
    expect(describeAlignmentStats(stats)).toBe(
      "4 quotes: 25.0% exact, 25.0% normalised, 25.0% fuzzy, 25.0% not aligned",
    );
  });
});
