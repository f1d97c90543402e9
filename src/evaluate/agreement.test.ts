import { describe, expect, it } from "vitest";
import { accuracyByClass, cohensKappa, confusionTable, wilsonInterval } from "./agreement.ts";

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
