import { describe, expect, it } from "vitest";
import {
  multiClassClassificationReport,
  multiLabelClassificationReport,
  renderClassificationReport,
  rocAuc,
} from "./classification-metrics.ts";

describe("multiClassClassificationReport", () => {
  // gold:      a a a b b c
  // predicted: a a b b c c
  const report = multiClassClassificationReport(
    ["a", "a", "a", "b", "b", "c"],
    ["a", "a", "b", "b", "c", "c"],
    ["a", "b", "c"],
  );

  it("computes per-label counts and scores by hand", () => {
    const [a, b, c] = report.perLabel;
    // a: TP 2, FP 0, FN 1 → P 1, R 2/3, F1 0.8
    expect(a).toMatchObject({
      label: "a",
      truePositives: 2,
      falsePositives: 0,
      falseNegatives: 1,
      trueNegatives: 3,
    });
    expect(a?.precision).toBe(1);
    expect(a?.recall).toBeCloseTo(2 / 3, 12);
    expect(a?.f1).toBeCloseTo(0.8, 12);
    // b: TP 1, FP 1, FN 1 → 0.5 / 0.5 / 0.5
    expect([b?.precision, b?.recall, b?.f1]).toEqual([0.5, 0.5, 0.5]);
    // c: TP 1, FP 1, FN 0 → P 0.5, R 1, F1 2/3
    expect(c?.f1).toBeCloseTo(2 / 3, 12);
    expect(c?.support).toBe(1);
    expect(c?.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it("averages: accuracy equals micro F1; macro is the plain mean", () => {
    expect(report.accuracy).toBeCloseTo(4 / 6, 12);
    expect(report.micro.f1).toBeCloseTo(4 / 6, 12);
    expect(report.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(report.macro.precision).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(report.weighted.f1).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 1 * (2 / 3)) / 6, 12);
  });

  it("builds a gold × predicted confusion matrix", () => {
    expect(report.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it("keeps unseen labels out of macro averages and appends labels it was not told about", () => {
    const withUnused = multiClassClassificationReport(["a", "b"], ["a", "x"], ["a", "b", "never"]);
    expect(withUnused.labels).toEqual(["a", "b", "never", "x"]);
    // a: F1 1; b: F1 0; x: F1 0 (predicted, never gold); "never" is excluded.
    expect(withUnused.macro.f1).toBeCloseTo(1 / 3, 12);
    expect(() => multiClassClassificationReport(["a"], [], ["a"])).toThrow(RangeError);
  });
});

/** Gold and predicted labels whose `matrix[gold][predicted]` counts are the given ones. */
function fromConfusion(labels: string[], matrix: number[][]): { gold: string[]; predicted: string[] } {
  const gold: string[] = [];
  const predicted: string[] = [];
  matrix.forEach((row, g) => {
    row.forEach((count, p) => {
      for (let i = 0; i < count; i++) {
        gold.push(labels[g] as string);
        predicted.push(labels[p] as string);
      }
    });
  });
  return { gold, predicted };
}

describe("multiClassClassificationReport against references", () => {
  it("reproduces scikit-learn's classification_report docstring example", () => {
    // y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]; sklearn prints
    //   class 0: 0.50 1.00 0.67 (1); class 1: 0.00 0.00 0.00 (1); class 2: 1.00 0.67 0.80 (3);
    //   accuracy 0.60; macro 0.50 0.56 0.49; weighted 0.70 0.60 0.61.
    const report = multiClassClassificationReport(["0", "1", "2", "2", "2"], ["0", "0", "2", "2", "1"]);
    expect(report.perLabel.map((m) => [m.label, m.precision, m.recall, m.f1, m.support])).toEqual([
      ["0", 0.5, 1, 2 / 3, 1],
      ["1", 0, 0, 0, 1],
      ["2", 1, 2 / 3, 0.8, 3],
    ]);
    expect(report.accuracy).toBe(0.6);
    expect(report.macro.precision).toBe(0.5);
    expect(report.macro.recall).toBeCloseTo(5 / 9, 12);
    expect(report.macro.f1).toBeCloseTo((2 / 3 + 0.8) / 3, 12);
    expect(report.weighted.precision).toBeCloseTo(0.7, 12);
    expect(report.weighted.recall).toBeCloseTo(0.6, 12);
    expect(report.weighted.f1).toBeCloseTo((2 / 3 + 3 * 0.8) / 5, 12);
    expect([report.macro.recall, report.macro.f1, report.weighted.f1].map((x) => x.toFixed(2))).toEqual([
      "0.56",
      "0.49",
      "0.61",
    ]);
  });

  it("scores a 27-item, three-class confusion matrix as computed by hand", () => {
    //              predicted cat  dog  rabbit   (row sums: support)
    //   gold cat            5    3    0        8
    //   gold dog            2    3    1        6
    //   gold rabbit         0    2   11       13
    //   column sums         7    8   12       27
    // cat:    TP 5, FP 7−5 = 2, FN 8−5 = 3, TN 27−10 = 17 → P 5/7,   R 5/8,  F1 10/15 = 2/3
    // dog:    TP 3, FP 8−3 = 5, FN 6−3 = 3, TN 27−11 = 16 → P 3/8,   R 3/6,  F1 6/14 = 3/7
    // rabbit: TP 11, FP 12−11 = 1, FN 13−11 = 2, TN 13  → P 11/12, R 11/13, F1 22/25
    // micro: TP 19, FP 8, FN 8 → P = R = F1 = accuracy = 19/27.
    // macro P  (0.714286 + 0.375 + 0.916667) / 3 = 2.005952 / 3 = 0.668651;
    //       R  (0.625 + 0.5 + 0.846154) / 3 = 1.971154 / 3 = 0.657051;
    //       F1 (0.666667 + 0.428571 + 0.88) / 3 = 1.975238 / 3 = 0.658413.
    // weighted F1 (8·0.666667 + 6·0.428571 + 13·0.88) / 27 = (5.333333 + 2.571429 + 11.44) / 27 = 0.716473.
    const labels = ["cat", "dog", "rabbit"];
    const matrix = [
      [5, 3, 0],
      [2, 3, 1],
      [0, 2, 11],
    ];
    const { gold, predicted } = fromConfusion(labels, matrix);
    const report = multiClassClassificationReport(gold, predicted, labels);
    expect(report.confusion).toEqual(matrix);
    expect(report.examples).toBe(27);
    expect(
      report.perLabel.map((m) => [m.truePositives, m.falsePositives, m.falseNegatives, m.trueNegatives]),
    ).toEqual([
      [5, 2, 3, 17],
      [3, 5, 3, 16],
      [11, 1, 2, 13],
    ]);
    expect(report.perLabel.map((m) => [m.precision, m.recall, m.f1])).toEqual([
      [5 / 7, 5 / 8, 10 / 15],
      [3 / 8, 3 / 6, 6 / 14],
      [11 / 12, 11 / 13, 22 / 25],
    ]);
    expect(report.perLabel.map((m) => [m.support, m.predicted])).toEqual([
      [8, 7],
      [6, 8],
      [13, 12],
    ]);
    expect(report.perLabel[0]?.accuracy).toBe(22 / 27);
    expect(report.accuracy).toBe(19 / 27);
    expect(report.micro).toEqual({ precision: 19 / 27, recall: 19 / 27, f1: 38 / 54 });
    expect(report.macro.precision).toBeCloseTo(0.668651, 6);
    expect(report.macro.recall).toBeCloseTo(0.657051, 6);
    expect(report.macro.f1).toBeCloseTo(0.658413, 6);
    expect(report.weighted.precision).toBeCloseTo((8 * (5 / 7) + 6 * (3 / 8) + 13 * (11 / 12)) / 27, 12);
    expect(report.weighted.recall).toBeCloseTo(19 / 27, 12);
    expect(report.weighted.f1).toBeCloseTo(0.716473, 6);
  });
});

describe("multiLabelClassificationReport", () => {
  const gold = [["x", "y"], ["x"], [], ["y"]];
  const predicted = [["x"], ["x", "y"], [], ["y"]];
  const report = multiLabelClassificationReport(gold, predicted, ["x", "y"]);

  it("counts TP/FP/FN/TN per label", () => {
    // x: TP 2 (rows 0,1), FP 0, FN 0, TN 2. y: TP 1 (row 3), FP 1 (row 1), FN 1 (row 0), TN 1.
    expect(
      report.perLabel.map((m) => [m.truePositives, m.falsePositives, m.falseNegatives, m.trueNegatives]),
    ).toEqual([
      [2, 0, 0, 2],
      [1, 1, 1, 1],
    ]);
    expect(report.perLabel[1]?.f1).toBeCloseTo(0.5, 12);
  });

  it("reports exact-match and per-label accuracy, micro and macro", () => {
    expect(report.accuracy).toBe(0.5); // rows 2 and 3 match exactly
    expect(report.labelAccuracy).toBeCloseTo((1 + 0.5) / 2, 12);
    // micro: TP 3, FP 1, FN 1 → F1 6/8
    expect(report.micro.f1).toBeCloseTo(0.75, 12);
    expect(report.macro.f1).toBeCloseTo((1 + 0.5) / 2, 12);
  });
});

describe("renderClassificationReport", () => {
  it("renders a multi-class report with its confusion matrix", () => {
    const markdown = renderClassificationReport(multiClassClassificationReport(["a", "b"], ["a", "a"]));
    expect(markdown).toContain("| a | 50.0 | 100.0 | 66.7 | 1 |");
    expect(markdown).toContain("Accuracy 50.0% · 2 examples");
    expect(markdown).toContain("| gold \\ predicted | a | b |");
    expect(markdown).toContain("| b | 1 | 0 |");
  });

  it("renders a multi-label report with counts and escapes pipes in labels", () => {
    const markdown = renderClassificationReport(multiLabelClassificationReport([["a|b"]], [["a|b"]]));
    expect(markdown).toContain("| a\\|b | 100.0 | 100.0 | 100.0 | 1 | 1 | 0 | 0 | 0 | 100.0 |");
    expect(markdown).toContain("Exact-match accuracy 100.0%");
  });
});

describe("rocAuc", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties", () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5], [true, false, false])).toBe(0.5);
  });

  it("counts pairs: one positive below one of two negatives is 0.5, ties half", () => {
    // Positive 0.6 beats 0.4, loses to 0.7: 1 of 2 pairs.
    expect(rocAuc([0.6, 0.4, 0.7], [true, false, false])).toBe(0.5);
    // Positive 0.6 ties 0.6 and beats 0.1: (0.5 + 1) / 2.
    expect(rocAuc([0.6, 0.6, 0.1], [true, false, false])).toBe(0.75);
    expect(rocAuc([0.3], [true])).toBeNaN();
  });
});
