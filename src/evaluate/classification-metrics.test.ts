import { describe, expect, it } from "vitest";
import {
  multiClassClassificationReport,
  multiLabelClassificationReport,
  renderClassificationReport,
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
