import { describe, expect, it } from "vitest";
import { bioToChunks } from "../align/bio.ts";
import { type MatchScores, type SpanSet, scoreSpans } from "./span-scorer.ts";

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

/**
 * A CoNLL file in conlleval's input format (token, correct tag, guessed tag; a blank line between
 * sentences), written to exercise one case each: S1 a boundary error ("machine" for "machine
 * learning"), S2 a type error ("communication") and a guessed chunk opened by I- after O
 * ("project management"), S3 a missed span ("Docker"), S4 a guessed chunk split by a type change
 * (B-Skill I-Knowledge), S5 a spurious chunk.
 */
const conllFile = `Experience O O
with O O
Python B-Knowledge B-Knowledge
and O O
machine B-Knowledge B-Knowledge
learning I-Knowledge O

Good O O
communication B-Skill B-Knowledge
and O O
project B-Skill I-Skill
management I-Skill I-Skill

Knowledge O O
of O O
SQL B-Knowledge B-Knowledge
, O O
Docker B-Knowledge O
and O O
Kubernetes B-Knowledge B-Knowledge

You O O
write B-Skill B-Skill
clean I-Skill I-Knowledge
code I-Skill I-Knowledge
daily O O

Flexible O O
remote O B-Knowledge
work O I-Knowledge
`;

/*
 * conlleval's output for conllFile, derived by hand from conlleval.pl (version 2004-01-26):
 * a chunk starts (startOfChunk) at B, at I after O, and at any non-O tag whose type differs from
 * the previous tag's; it ends (endOfChunk) before B or O and before a change of type; a blank line
 * is an O/O boundary, not counted as a token. A guessed chunk is correct when it starts and ends
 * with a correct chunk, with the same type.
 *
 *   correct chunks (8)      guessed chunks (9)            correct
 *   S1 K[2,3) K[4,6)        K[2,3) K[4,5)                 K[2,3)
 *   S2 S[1,2) S[3,5)        K[1,2) S[3,5) (I- after O)    S[3,5)
 *   S3 K[2,3) K[4,5) K[6,7) K[2,3) K[6,7)                 K[2,3) K[6,7)
 *   S4 S[1,4)               S[1,2) K[2,4) (type change)   -
 *   S5 -                    K[1,3)                        -
 *   Knowledge: 5 correct chunks, 7 guessed, 3 right; Skill: 3, 2, 1; all: 8, 9, 4.
 *   Tokens 26; tags equal (type included) 5 + 3 + 6 + 3 + 1 = 18.
 *
 *   accuracy 100·18/26 = 69.2308; precision 100·4/9 = 44.4444; recall 100·4/8 = 50;
 *   FB1 2·44.4444·50/94.4444 = 47.0588.
 *   Knowledge: P 100·3/7 = 42.8571, R 100·3/5 = 60, FB1 2·42.8571·60/102.8571 = 50.
 *   Skill:     P 100·1/2 = 50,      R 100·1/3 = 33.3333, FB1 2·50·33.3333/83.3333 = 40.
 */
const conllevalOutput = `processed 26 tokens with 8 phrases; found: 9 phrases; correct: 4.
accuracy:  69.23%; precision:  44.44%; recall:  50.00%; FB1:  47.06
        Knowledge: precision:  42.86%; recall:  60.00%; FB1:  50.00  7
            Skill: precision:  50.00%; recall:  33.33%; FB1:  40.00  2
`;

interface ConllSentence {
  correct: string[];
  guessed: string[];
}

function readConll(text: string): ConllSentence[] {
  const sentences: ConllSentence[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((line) => line.trim() !== "");
    if (lines.length === 0) continue;
    const fields = lines.map((line) => line.split(" "));
    sentences.push({
      correct: fields.map((row) => row[row.length - 2] as string),
      guessed: fields.map((row) => row[row.length - 1] as string),
    });
  }
  return sentences;
}

const typedSpans = (tags: readonly string[]): SpanSet =>
  bioToChunks(tags).map((chunk) => ({ label: chunk.label, start: chunk.startToken, end: chunk.endToken }));

/** conlleval's report from our strict scores; the token accuracy is counted from the tags themselves. */
function conllevalReport(sentences: readonly ConllSentence[], strict: MatchScores): string {
  const tokens = sentences.reduce((sum, sentence) => sum + sentence.correct.length, 0);
  const equalTags = sentences.reduce(
    (sum, sentence) => sum + sentence.correct.filter((tag, i) => tag === sentence.guessed[i]).length,
    0,
  );
  const percent = (value: number): string => (100 * value).toFixed(2).padStart(6);
  const { micro } = strict;
  const lines = [
    `processed ${tokens} tokens with ${micro.gold} phrases; found: ${micro.predicted} phrases; correct: ${micro.correctPredicted}.`,
    `accuracy: ${percent(equalTags / tokens)}%; precision: ${percent(micro.precision)}%; recall: ${percent(micro.recall)}%; FB1: ${percent(micro.f1)}`,
  ];
  for (const [label, counts] of Object.entries(strict.perLabel)) {
    lines.push(
      `${label.padStart(17)}: precision: ${percent(counts.precision)}%; recall: ${percent(counts.recall)}%; FB1: ${percent(counts.f1)}  ${counts.predicted}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("strict span scores equal conlleval's on a hand-checked CoNLL file", () => {
  const sentences = readConll(conllFile);
  const gold = sentences.map((sentence) => typedSpans(sentence.correct));
  const guessed = sentences.map((sentence) => typedSpans(sentence.guessed));

  it("reads the chunks conlleval reads", () => {
    expect(sentences).toHaveLength(5);
    expect(guessed).toEqual([
      [
        { label: "Knowledge", start: 2, end: 3 },
        { label: "Knowledge", start: 4, end: 5 },
      ],
      [
        { label: "Knowledge", start: 1, end: 2 },
        { label: "Skill", start: 3, end: 5 },
      ],
      [
        { label: "Knowledge", start: 2, end: 3 },
        { label: "Knowledge", start: 6, end: 7 },
      ],
      [
        { label: "Skill", start: 1, end: 2 },
        { label: "Knowledge", start: 2, end: 4 },
      ],
      [{ label: "Knowledge", start: 1, end: 3 }],
    ]);
  });

  it("gives conlleval's counts and figures, overall and per type", () => {
    const { strict } = scoreSpans(gold, guessed);
    expect(strict.perLabel.Knowledge).toMatchObject({
      gold: 5,
      predicted: 7,
      correctPredicted: 3,
      foundGold: 3,
    });
    expect(strict.perLabel.Skill).toMatchObject({ gold: 3, predicted: 2, correctPredicted: 1, foundGold: 1 });
    expect(strict.micro).toMatchObject({ gold: 8, predicted: 9, correctPredicted: 4, foundGold: 4 });
    expect(strict.micro.precision).toBe(4 / 9);
    expect(strict.micro.recall).toBe(0.5);
    expect(strict.micro.f1).toBeCloseTo(8 / 17, 12);
    expect(strict.perLabel.Knowledge?.precision).toBe(3 / 7);
    expect(strict.perLabel.Knowledge?.recall).toBe(0.6);
    expect(strict.perLabel.Knowledge?.f1).toBeCloseTo(0.5, 12);
    expect(strict.perLabel.Skill?.precision).toBe(0.5);
    expect(strict.perLabel.Skill?.recall).toBe(1 / 3);
    expect(strict.perLabel.Skill?.f1).toBeCloseTo(0.4, 12);
    expect(conllevalReport(sentences, strict)).toBe(conllevalOutput);
  });

  it("gives the same figures when the labels are named, as the student evaluation names them", () => {
    const named = scoreSpans(gold, guessed, { labels: ["Knowledge", "Skill"] });
    expect(named.strict).toEqual(scoreSpans(gold, guessed).strict);
  });
});
