import { describe, expect, it } from "vitest";
import { bioToChunks } from "../align/bio.ts";
import { type SpanSet, scoreSpans } from "./span-scorer.ts";

function spansOf(tags: string[], label = "skill"): SpanSet {
  return bioToChunks(tags).map((chunk) => ({ label, start: chunk.startToken, end: chunk.endToken }));
}

describe("scoreSpans strict (conlleval)", () => {
  it("matches hand-computed conlleval counts, including an empty sentence and I after O", () => {
    // Sentence 1: gold [0,2) [3,4); predicted [0,2) correct, [3,5) wrong end.
    // Sentence 2: no gold; predicted I after O at 1 opens a chunk [1,2): a false positive.
    // Sentence 3: gold [1,3); predicted I after O at 1 → [1,3): correct.
    const gold = [spansOf(["B", "I", "O", "B", "O"]), spansOf(["O", "O", "O"]), spansOf(["O", "B", "I"])];
    const predicted = [
      spansOf(["B", "I", "O", "B", "I"]),
      spansOf(["O", "I", "O"]),
      spansOf(["O", "I", "I"]),
    ];
    const { strict } = scoreSpans(gold, predicted);
    const skill = strict.perLabel.skill;
    expect(skill).toMatchObject({ gold: 3, predicted: 4, correctPredicted: 2, foundGold: 2 });
    expect(skill?.precision).toBeCloseTo(0.5, 10);
    expect(skill?.recall).toBeCloseTo(2 / 3, 10);
    expect(skill?.f1).toBeCloseTo(4 / 7, 10);
    expect(strict.micro.f1).toBeCloseTo(4 / 7, 10);
  });

  it("counts duplicate predictions once and keeps labels apart", () => {
    const gold: SpanSet[] = [[{ label: "a", start: 0, end: 2 }]];
    const predicted: SpanSet[] = [
      [
        { label: "a", start: 0, end: 2 },
        { label: "a", start: 0, end: 2 },
        { label: "b", start: 0, end: 2 },
      ],
    ];
    const { strict } = scoreSpans(gold, predicted);
    expect(strict.perLabel.a).toMatchObject({ predicted: 1, correctPredicted: 1, precision: 1, recall: 1 });
    expect(strict.perLabel.b).toMatchObject({ gold: 0, predicted: 1, precision: 0, recall: 0, f1: 0 });
    expect(strict.micro).toMatchObject({ gold: 1, predicted: 2, correctPredicted: 1 });
    expect(strict.macro.f1).toBeCloseTo(0.5, 10);
  });

  it("gives zeros, not NaN, with nothing to score, and honours a label filter", () => {
    const empty = scoreSpans([[]], [[]]);
    expect(empty.strict.micro.f1).toBe(0);
    expect(empty.strict.macro.f1).toBe(0);
    const filtered = scoreSpans([[{ label: "a", start: 0, end: 1 }]], [[{ label: "z", start: 0, end: 1 }]], {
      labels: ["a"],
    });
    expect(Object.keys(filtered.strict.perLabel)).toEqual(["a"]);
    expect(filtered.strict.micro).toMatchObject({ gold: 1, predicted: 0 });
    expect(() => scoreSpans([[]], [])).toThrow(RangeError);
  });
});

describe("scoreSpans loose (any overlap, same label)", () => {
  it("credits overlapping predictions and found gold spans separately", () => {
    // gold [0,2) [4,6); one long prediction [1,5) overlaps both, [7,8) overlaps none.
    const gold: SpanSet[] = [
      [
        { label: "k", start: 0, end: 2 },
        { label: "k", start: 4, end: 6 },
      ],
    ];
    const predicted: SpanSet[] = [
      [
        { label: "k", start: 1, end: 5 },
        { label: "k", start: 7, end: 8 },
      ],
    ];
    const { loose, strict } = scoreSpans(gold, predicted);
    expect(loose.perLabel.k).toMatchObject({ gold: 2, predicted: 2, correctPredicted: 1, foundGold: 2 });
    expect(loose.micro.precision).toBe(0.5);
    expect(loose.micro.recall).toBe(1);
    expect(loose.micro.f1).toBeCloseTo(2 / 3, 10);
    expect(strict.micro.f1).toBe(0);
  });

  it("does not count touching spans (end is exclusive) or another label as overlap", () => {
    const { loose } = scoreSpans(
      [[{ label: "k", start: 0, end: 2 }]],
      [
        [
          { label: "k", start: 2, end: 3 },
          { label: "s", start: 0, end: 2 },
        ],
      ],
    );
    expect(loose.perLabel.k).toMatchObject({ correctPredicted: 0, foundGold: 0 });
  });
});
