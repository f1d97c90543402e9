import { describe, expect, it } from "vitest";
import {
  accuracyByClass,
  cohensKappa,
  confusionTable,
  stratifiedAccuracy,
  wilsonInterval,
} from "./agreement.ts";

describe("wilsonInterval", () => {
  it("matches hand-computed values", () => {
    // 72/100, z = 1.96: centre (0.72 + 0.019208) / 1.038416 = 0.711811; half-width
    // 1.96·sqrt(0.002016 + 0.00009604) / 1.038416 = 0.086740 → [0.6251, 0.7986].
    const interval = wilsonInterval(72, 100);
    expect(interval.estimate).toBe(0.72);
    expect(interval.low).toBeCloseTo(0.6251, 4);
    expect(interval.high).toBeCloseTo(0.7986, 4);
    // 49/50 hard: [0.8950, 0.9965]; 23/50 soft: [0.3297, 0.5960].
    expect(wilsonInterval(49, 50).low).toBeCloseTo(0.895, 3);
    expect(wilsonInterval(49, 50).high).toBeCloseTo(0.9965, 3);
    expect(wilsonInterval(23, 50).low).toBeCloseTo(0.3297, 3);
    expect(wilsonInterval(23, 50).high).toBeCloseTo(0.596, 3);
  });

  it("stays inside [0, 1] at the extremes and for n = 0", () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(0, 0)).toEqual({ estimate: 0, low: 0, high: 1 });
  });
});

describe("cohensKappa", () => {
  it("matches a textbook 2x2 table", () => {
    // Yes/yes 20, yes/no 5, no/yes 10, no/no 15: po = 0.7, pe = 0.5·0.6 + 0.5·0.4 = 0.5 → κ = 0.4.
    expect(
      cohensKappa({
        labels: ["yes", "no"],
        counts: [
          [20, 5],
          [10, 15],
        ],
      }),
    ).toBeCloseTo(0.4, 10);
  });

  it("matches a 3x3 table", () => {
    // Rows A, B, C; po = 0.7; pe = (0.4·0.3 + 0.3·0.4 + 0.3·0.3) = 0.33 → κ = 0.37 / 0.67 = 0.552239.
    const table = {
      labels: ["A", "B", "C"],
      counts: [
        [25, 10, 5],
        [2, 24, 4],
        [3, 6, 21],
      ],
    };
    expect(cohensKappa(table)).toBeCloseTo(0.552239, 5);
  });

  it("takes label pairs and handles perfect and chance agreement", () => {
    const pairs: [string, string][] = [
      ["Hard", "Hard"],
      ["Soft", "Soft"],
      ["Hard", "Hard"],
    ];
    expect(cohensKappa(pairs)).toBe(1);
    expect(cohensKappa([["Hard", "Hard"]])).toBe(1);
    expect(confusionTable([["a", "b"]], ["a"]).labels).toEqual(["a", "b"]);
  });
});

describe("accuracyByClass", () => {
  it("reports per-class and overall accuracy with intervals", () => {
    const items = [
      ...Array.from({ length: 50 }, (_, i) => ({ label: "Hard", correct: i < 49 })),
      ...Array.from({ length: 50 }, (_, i) => ({ label: "Soft", correct: i < 23 })),
    ];
    const report = accuracyByClass(items);
    expect(report.overall.correct).toBe(72);
    expect(report.overall.accuracy.low).toBeCloseTo(0.6251, 4);
    expect(report.perClass.map((row) => [row.label, row.correct, row.n])).toEqual([
      ["Hard", 49, 50],
      ["Soft", 23, 50],
    ]);
  });
});

describe("wilsonInterval against published and hand-derived values", () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
  // methods", Statistics in Medicine 17:857-872, worked examples, method 3 (Wilson score, no continuity
  // correction), to 4 places: 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611,
  // 1/29 → 0.0061–0.1718. The 10-place figures are the same formula evaluated in double precision:
  // centre (p + z²/2n) / (1 + z²/n), half-width z·sqrt(p(1 − p)/n + z²/4n²) / (1 + z²/n).
  it.each([
    [81, 263, 0.2552876131, 0.3662106841],
    [15, 148, 0.0623858451, 0.1604885187],
    [0, 20, 0, 0.1611301255],
    [1, 29, 0.0061130566, 0.1717589106],
    [72, 100, 0.6251178764, 0.7986044083],
  ])("%i/%i gives [%f, %f]", (successes, n, low, high) => {
    const interval = wilsonInterval(successes, n);
    expect(interval.estimate).toBe(successes / n);
    expect(interval.low).toBeCloseTo(low, 10);
    expect(interval.high).toBeCloseTo(high, 10);
  });

  it("widens with z: 72/100 at z = 2.5758 (99%)", () => {
    // z² = 6.63474564; centre (0.72 + 0.0331737282) / 1.0663474564 = 0.7063117408;
    // half-width 2.5758·sqrt(0.002016 + 0.000165868641) / 1.0663474564 = 0.1128308089.
    const interval = wilsonInterval(72, 100, 2.5758);
    expect(interval.low).toBeCloseTo(0.5934809319, 10);
    expect(interval.high).toBeCloseTo(0.8191425497, 10);
  });

  it("keeps all-successes and no-successes inside [0, 1], and treats n ≤ 0 as knowing nothing", () => {
    expect(wilsonInterval(20, 20)).toEqual({ estimate: 1, low: expect.closeTo(0.8388698745, 10), high: 1 });
    expect(wilsonInterval(0, 20).low).toBe(0);
    expect(wilsonInterval(0, -1)).toEqual({ estimate: 0, low: 0, high: 1 });
  });
});

describe("cohensKappa against published examples", () => {
  // Wikipedia, "Cohen's kappa", simple example: 50 applications, both yes 20, both no 15, A yes and
  // B no 5, A no and B yes 10. po = 35/50 = 0.7; A says yes 25/50, B 30/50:
  // pe = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
  const wikipedia = {
    labels: ["yes", "no"],
    counts: [
      [20, 5],
      [10, 15],
    ],
  };

  it("gives 0.4 for the 50-item 2x2 example, from the table and from the pairs", () => {
    expect(cohensKappa(wikipedia)).toBeCloseTo(0.4, 12);
    const pairs: [string, string][] = [
      ...Array.from({ length: 20 }, (): [string, string] => ["yes", "yes"]),
      ...Array.from({ length: 5 }, (): [string, string] => ["yes", "no"]),
      ...Array.from({ length: 10 }, (): [string, string] => ["no", "yes"]),
      ...Array.from({ length: 15 }, (): [string, string] => ["no", "no"]),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 12);
  });

  it("gives 0.1304 and 0.2593 for the same observed agreement with different marginals", () => {
    // Wikipedia, "Same percentages but different numbers": both tables have po = 60/100.
    // First: A yes 60, B yes 70 → pe = 0.6·0.7 + 0.4·0.3 = 0.54 → κ = 0.06 / 0.46 = 0.130435.
    expect(
      cohensKappa({
        labels: ["yes", "no"],
        counts: [
          [45, 15],
          [25, 15],
        ],
      }),
    ).toBeCloseTo(0.06 / 0.46, 12);
    // Second: A yes 60, B yes 30 → pe = 0.6·0.3 + 0.4·0.7 = 0.46 → κ = 0.14 / 0.54 = 0.259259.
    expect(
      cohensKappa({
        labels: ["yes", "no"],
        counts: [
          [25, 35],
          [5, 35],
        ],
      }),
    ).toBeCloseTo(0.14 / 0.54, 12);
  });

  it("is −1 for systematic disagreement, 0 for chance-level agreement and for an empty table", () => {
    // po = 0, pe = 0.5·0.5 + 0.5·0.5 = 0.5 → κ = −0.5 / 0.5 = −1.
    expect(
      cohensKappa({
        labels: ["a", "b"],
        counts: [
          [0, 5],
          [5, 0],
        ],
      }),
    ).toBe(-1);
    // po = 0.5 = pe.
    expect(
      cohensKappa({
        labels: ["a", "b"],
        counts: [
          [5, 5],
          [5, 5],
        ],
      }),
    ).toBe(0);
    expect(cohensKappa([])).toBe(0);
    expect(cohensKappa({ labels: ["a"], counts: [[0]] })).toBe(0);
  });
});

describe("confusionTable", () => {
  it("orders seen labels alphabetically and counts rows (first rater) by columns (second rater)", () => {
    expect(
      confusionTable([
        ["b", "a"],
        ["a", "a"],
        ["a", "b"],
        ["a", "b"],
      ]),
    ).toEqual({
      labels: ["a", "b"],
      counts: [
        [1, 2],
        [1, 0],
      ],
    });
  });

  it("puts given labels first, in their order, then unseen ones as they come", () => {
    expect(
      confusionTable(
        [
          ["c", "a"],
          ["a", "a"],
        ],
        ["b", "a"],
      ),
    ).toEqual({
      labels: ["b", "a", "c"],
      counts: [
        [0, 0, 0],
        [0, 1, 0],
        [0, 1, 0],
      ],
    });
  });
});

describe("cohensKappa on a ragged table", () => {
  it("reads cells a short table lacks as 0", () => {
    // Only [yes, yes] = 20 and [yes, no] = 5 are given: po = 20/25, pe = 1·0.8 → κ = 0.
    expect(cohensKappa({ labels: ["yes", "no"], counts: [[20, 5]] })).toBe(0);
    expect(cohensKappa({ labels: ["yes", "no"], counts: [[20], [0, 5]] })).toBe(1);
  });
});

describe("accuracyByClass exact figures", () => {
  it("lists classes in alphabetical order whatever order they come in", () => {
    const items = ["c", "b", "a", "d", "b"].map((label) => ({ label, correct: true }));
    expect(accuracyByClass(items).perClass.map((row) => [row.label, row.n])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 1],
      ["d", 1],
    ]);
  });

  it("sorts classes, counts correct items and passes z through", () => {
    const items = [
      { label: "soft", correct: true },
      { label: "hard", correct: false },
      { label: "soft", correct: false },
      { label: "hard", correct: true },
      { label: "hard", correct: true },
    ];
    const report = accuracyByClass(items, 2.5758);
    expect(report.overall).toEqual({
      label: "all",
      correct: 3,
      n: 5,
      accuracy: wilsonInterval(3, 5, 2.5758),
    });
    expect(report.perClass).toEqual([
      { label: "hard", correct: 2, n: 3, accuracy: wilsonInterval(2, 3, 2.5758) },
      { label: "soft", correct: 1, n: 2, accuracy: wilsonInterval(1, 2, 2.5758) },
    ]);
    // 1/2 at z = 2.5758: z²/n = 3.31737282, centre (0.5 + 1.65868641) / 4.31737282 = 0.5,
    // half-width 2.5758·sqrt(0.125 + 0.4146716025) / 4.31737282 = 0.4382857683.
    expect(report.perClass[1]?.accuracy.low).toBeCloseTo(0.5 - 0.4382857683, 10);
    expect(report.perClass[1]?.accuracy.high).toBeCloseTo(0.5 + 0.4382857683, 10);
    expect(accuracyByClass(items).overall.accuracy).toEqual(wilsonInterval(3, 5));
    expect(accuracyByClass([])).toEqual({
      overall: { label: "all", correct: 0, n: 0, accuracy: { estimate: 0, low: 0, high: 1 } },
      perClass: [],
    });
  });
});

describe("stratifiedAccuracy", () => {
  it("weights each stratum by its population share, not by how heavily it was sampled", () => {
    // 900 Hard (49/50 right), 100 Soft (23/50 right): pooled 72/100 = 0.72, but the population
    // accuracy is 0.9·0.98 + 0.1·0.46 = 0.928. Var = 0.81·(1 − 50/900)·0.98·0.02/50
    // + 0.01·(1 − 50/100)·0.46·0.54/50 = 0.00032472 → n_eff = 0.928·0.072 / 0.00032472 = 205.76.
    const estimate = stratifiedAccuracy([
      { population: 900, n: 50, correct: 49 },
      { population: 100, n: 50, correct: 23 },
    ]);
    expect(estimate.accuracy.estimate).toBeCloseTo(0.928, 10);
    expect(estimate.effectiveN).toBeCloseTo(205.765, 2);
    expect(estimate.accuracy.low).toBeCloseTo(wilsonInterval(0.928 * 205.765, 205.765).low, 4);
    expect(estimate.accuracy.high).toBeCloseTo(0.956, 3);
    expect(estimate.coverage).toBe(1);
  });

  it("is exact for a census and falls back to the number judged when no variance is seen", () => {
    const census = stratifiedAccuracy([
      { population: 50, n: 50, correct: 49 },
      { population: 50, n: 50, correct: 23 },
    ]);
    expect(census.accuracy).toEqual({ estimate: 0.72, low: 0.72, high: 0.72 });
    const extremes = stratifiedAccuracy([
      { population: 90, n: 10, correct: 10 },
      { population: 10, n: 10, correct: 0 },
    ]);
    expect(extremes.accuracy.estimate).toBeCloseTo(0.9, 10);
    expect(extremes.effectiveN).toBe(20);
    expect(extremes.accuracy.low).toBeCloseTo(wilsonInterval(18, 20).low, 10);
  });

  it("renormalises over judged strata and reports the coverage; nothing judged is [0, 1]", () => {
    const partial = stratifiedAccuracy([
      { population: 90, n: 10, correct: 7 },
      { population: 10, n: 0, correct: 0 },
    ]);
    expect(partial.accuracy.estimate).toBeCloseTo(0.7, 10);
    expect(partial.coverage).toBeCloseTo(0.9, 10);
    expect(stratifiedAccuracy([{ population: 5, n: 0, correct: 0 }])).toEqual({
      accuracy: { estimate: 0, low: 0, high: 1 },
      effectiveN: 0,
      coverage: 0,
    });
  });
});
