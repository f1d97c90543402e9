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

describe("scoreSpans with duplicate spans", () => {
  const perfect = { precision: 1, recall: 1, f1: 1 };
  const once = { gold: 1, predicted: 1, correctPredicted: 1, foundGold: 1, ...perfect };

  it("counts a gold span listed twice once: one prediction scores P = R = 1, strict and loose", () => {
    const scores = scoreSpans(
      [
        [
          { label: "a", start: 0, end: 2 },
          { label: "a", start: 0, end: 2 },
        ],
      ],
      [[{ label: "a", start: 0, end: 2 }]],
    );
    for (const matching of [scores.strict, scores.loose]) {
      expect(matching.perLabel).toEqual({ a: once });
      expect(matching.micro).toEqual(once);
      expect(matching.macro).toEqual(perfect);
    }
  });

  it("counts a predicted span listed twice once, strict and loose", () => {
    const scores = scoreSpans(
      [[{ label: "a", start: 0, end: 2 }]],
      [
        [
          { label: "a", start: 0, end: 2 },
          { label: "a", start: 0, end: 2 },
        ],
      ],
    );
    expect(scores.strict.micro).toEqual(once);
    expect(scores.loose.micro).toEqual(once);
  });

  it("keeps apart the same offsets under two labels, and the same span in two sentences", () => {
    const scores = scoreSpans(
      [
        [
          { label: "a", start: 0, end: 2 },
          { label: "b", start: 0, end: 2 },
        ],
        [{ label: "a", start: 0, end: 2 }],
      ],
      [[{ label: "a", start: 0, end: 2 }], []],
    );
    // a: gold 2 (one per sentence), found 1; b: gold 1, found 0.
    expect(scores.strict.perLabel).toEqual({
      a: { gold: 2, predicted: 1, correctPredicted: 1, foundGold: 1, precision: 1, recall: 0.5, f1: 2 / 3 },
      b: { gold: 1, predicted: 0, correctPredicted: 0, foundGold: 0, precision: 0, recall: 0, f1: 0 },
    });
    expect(scores.strict.micro).toEqual({
      gold: 3,
      predicted: 1,
      correctPredicted: 1,
      foundGold: 1,
      precision: 1,
      recall: 1 / 3,
      f1: 0.5,
    });
    expect(scores.strict.macro).toEqual({ precision: 0.5, recall: 0.25, f1: 1 / 3 });
    expect(scores.loose.perLabel.a).toEqual(scores.strict.perLabel.a);
  });

  it("counts a gold span listed twice once even when its duplicate is the only one of its label", () => {
    const { strict } = scoreSpans(
      [
        [
          { label: "a", start: 0, end: 1 },
          { label: "a", start: 0, end: 1 },
          { label: "a", start: 3, end: 5 },
        ],
      ],
      [[{ label: "a", start: 3, end: 5 }]],
    );
    expect(strict.perLabel.a).toEqual({
      gold: 2,
      predicted: 1,
      correctPredicted: 1,
      foundGold: 1,
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
    });
  });
});

describe("scoreSpans exact figures", () => {
  it("scores strict per label, micro and macro from hand counts", () => {
    // a: gold [0,2) [4,6); predicted [0,2) (right), [4,5) (wrong end) → P 1/2, R 1/2.
    // b: gold [2,3); predicted [2,3) (right), [0,2) as b (wrong label) → P 1/2, R 1.
    const { strict } = scoreSpans(
      [
        [
          { label: "a", start: 0, end: 2 },
          { label: "a", start: 4, end: 6 },
          { label: "b", start: 2, end: 3 },
        ],
      ],
      [
        [
          { label: "b", start: 2, end: 3 },
          { label: "a", start: 0, end: 2 },
          { label: "a", start: 4, end: 5 },
          { label: "b", start: 0, end: 2 },
        ],
      ],
    );
    expect(Object.keys(strict.perLabel)).toEqual(["a", "b"]);
    expect(strict.perLabel.a).toEqual({
      gold: 2,
      predicted: 2,
      correctPredicted: 1,
      foundGold: 1,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    // F1 = 2 · 1/2 · 1 / (1/2 + 1) = 2/3.
    expect(strict.perLabel.b).toMatchObject({ gold: 1, predicted: 2, correctPredicted: 1, foundGold: 1 });
    expect(strict.perLabel.b?.f1).toBeCloseTo(2 / 3, 15);
    // micro: 2 right of 4 predicted, 2 found of 3 gold → P 1/2, R 2/3, F1 4/7.
    expect(strict.micro).toMatchObject({ gold: 3, predicted: 4, correctPredicted: 2, foundGold: 2 });
    expect(strict.micro.precision).toBe(0.5);
    expect(strict.micro.recall).toBe(2 / 3);
    expect(strict.micro.f1).toBeCloseTo(4 / 7, 15);
    // macro: P (1/2 + 1/2) / 2, R (1/2 + 1) / 2, F1 (1/2 + 2/3) / 2.
    expect(strict.macro.precision).toBe(0.5);
    expect(strict.macro.recall).toBe(0.75);
    expect(strict.macro.f1).toBeCloseTo(7 / 12, 15);
  });

  it("counts overlap of one unit on either side as loose, and touching on either side as none", () => {
    const gold: SpanSet[] = [[{ label: "k", start: 2, end: 4 }]];
    const score = (start: number, end: number) =>
      scoreSpans(gold, [[{ label: "k", start, end }]]).loose.perLabel.k;
    expect(score(1, 3)).toMatchObject({ correctPredicted: 1, foundGold: 1 });
    expect(score(3, 5)).toMatchObject({ correctPredicted: 1, foundGold: 1 });
    expect(score(0, 2)).toMatchObject({ correctPredicted: 0, foundGold: 0 });
    expect(score(4, 6)).toMatchObject({ correctPredicted: 0, foundGold: 0 });
    expect(score(0, 9)).toMatchObject({ correctPredicted: 1, foundGold: 1 });
    expect(score(3, 4)).toMatchObject({ correctPredicted: 1, foundGold: 1 });
  });

  it("names the mismatch when the sentence counts differ", () => {
    expect(() => scoreSpans([[], []], [[]])).toThrow(
      new RangeError("scoreSpans needs one predicted set per gold set (2 vs 1)"),
    );
  });

  it("lists every requested label, seen or not, and ignores the others on both sides", () => {
    const { strict, loose } = scoreSpans(
      [
        [
          { label: "a", start: 0, end: 1 },
          { label: "x", start: 0, end: 1 },
        ],
      ],
      [[{ label: "y", start: 0, end: 1 }]],
      { labels: ["z", "a"] },
    );
    const none = { gold: 0, predicted: 0, correctPredicted: 0, foundGold: 0, precision: 0, recall: 0, f1: 0 };
    expect(Object.keys(strict.perLabel)).toEqual(["a", "z"]);
    expect(strict.perLabel.z).toEqual(none);
    expect(loose.perLabel.z).toEqual(none);
    expect(strict.perLabel.a).toEqual({ ...none, gold: 1 });
    expect(strict.micro).toEqual({ ...none, gold: 1 });
  });

  it("leaves requested labels that never occur out of the macro average", () => {
    const scores = scoreSpans([[{ label: "a", start: 0, end: 1 }]], [[{ label: "a", start: 0, end: 1 }]], {
      labels: ["a", "never"],
    });
    expect(Object.keys(scores.strict.perLabel)).toEqual(["a", "never"]);
    expect(scores.strict.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(scores.loose.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    // Seen only in prediction or only in gold, a label counts (with F1 0).
    const halves = scoreSpans([[{ label: "a", start: 0, end: 1 }]], [[{ label: "b", start: 0, end: 1 }]], {
      labels: ["a", "b", "never"],
    });
    expect(halves.strict.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
    const mixed = scoreSpans(
      [[{ label: "a", start: 0, end: 1 }]],
      [
        [
          { label: "a", start: 0, end: 1 },
          { label: "b", start: 0, end: 1 },
        ],
      ],
      { labels: ["a", "b", "never"] },
    );
    expect(mixed.strict.macro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });
});
