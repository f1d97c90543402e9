import { describe, expect, it } from "vitest";
import { reportCharts } from "./report-charts.ts";

describe("reportCharts", () => {
  it("reads a span-scorer report, preferring strict over loose", () => {
    const charts = reportCharts({
      strict: { micro: { f1: 0.5 }, perLabel: { a: { f1: 0.4 }, b: { f1: 0.6 } } },
      loose: { micro: { f1: 0.9 }, perLabel: { a: { f1: 0.9 } } },
    });
    expect(charts).toEqual({
      f1: [
        { label: "a", f1: 0.4 },
        { label: "b", f1: 0.6 },
      ],
      headlineF1: 0.5,
    });
  });

  it("reads arrays of label rows and a top-level f1", () => {
    expect(reportCharts({ f1: 0.7, perCategory: [{ category: "x", f1: 0.7 }, { label: "bad" }] })).toEqual({
      f1: [{ label: "x", f1: 0.7 }],
      headlineF1: 0.7,
    });
  });

  it("reads confusion matrices given as a grid or as nested counts", () => {
    expect(
      reportCharts({
        confusion: {
          labels: ["a", "b"],
          matrix: [
            [3, 1],
            [0, 2],
          ],
        },
      }).confusion,
    ).toEqual({
      labels: ["a", "b"],
      counts: [
        [3, 1],
        [0, 2],
      ],
    });
    expect(reportCharts({ eval: { confusionMatrix: { a: { a: 3, b: 1 }, b: { b: 2 } } } }).confusion).toEqual(
      {
        labels: ["a", "b"],
        counts: [
          [3, 1],
          [0, 2],
        ],
      },
    );
  });

  it("reads a jobdistill eval report: segment rows, their micro F1 and confusion, inside a results list", () => {
    const charts = reportCharts({
      task: "requirements",
      results: [
        {
          reference: { kind: "gold" },
          spans: { tagger: { strict: { micro: { f1: 0.1 }, perLabel: { a: { f1: 0.1 } } } } },
          segments: {
            rows: [
              { label: "a", precision: 1, recall: 0.5, f1: 0.667 },
              { label: "b", precision: 1, recall: 1, f1: 1 },
            ],
            micro: { label: "micro", f1: 0.8 },
            confusion: {
              labels: ["a", "b"],
              matrix: [
                [1, 1],
                [0, 2],
              ],
            },
          },
        },
      ],
    });
    expect(charts.f1).toEqual([
      { label: "a", f1: 0.667 },
      { label: "b", f1: 1 },
    ]);
    expect(charts.headlineF1).toBe(0.8);
    expect(charts.confusion?.labels).toEqual(["a", "b"]);
  });

  it("ignores what it cannot plot", () => {
    expect(reportCharts(undefined)).toEqual({ f1: [] });
    expect(reportCharts({ confusion: { labels: ["a"], counts: [[1, 2]] }, perLabel: "n/a" })).toEqual({
      f1: [],
    });
  });
});
