import { describe, expect, it } from "vitest";
import { trainSegmentClassifier } from "../../student/segment-classifier/index.ts";
import { trainTagger } from "../../student/tagger/index.ts";
import { evaluateOnDocuments } from "./evaluate-students.ts";
import { renderStudentEvaluation, type StudentEvaluationReport } from "./render-report.ts";
import { NO_CATEGORY, segmentConfusion } from "./segment-confusion.ts";

describe("segmentConfusion", () => {
  it("counts hits on the diagonal, misses against what was predicted instead, and false alarms under (none)", () => {
    const { labels, matrix } = segmentConfusion(
      [["a"], ["a"], ["b"], [], [], ["a", "b"]],
      [["a"], ["b"], [], ["b"], [], ["a"]],
      ["a", "b"],
    );
    expect(labels).toEqual(["a", "b", NO_CATEGORY]);
    expect(matrix).toEqual([
      // a found twice; a → b once (segment 2)
      [2, 1, 0],
      // b missed with nothing else predicted twice (segment 3, segment 6)
      [0, 0, 2],
      // b predicted on an unlabelled segment; one segment with neither
      [0, 1, 1],
    ]);
  });

  it("ignores labels outside the category list", () => {
    expect(segmentConfusion([["x"]], [["x"]], ["a"]).matrix).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });
});

describe("evaluateOnDocuments", () => {
  const sentences = [
    { tokens: ["We", "offer", "a", "pension", "."], layers: { benefits: ["O", "O", "B", "I", "O"] } },
    { tokens: ["You", "know", "Python", "."], layers: { benefits: ["O", "O", "O", "O"] } },
  ];
  const tagger = trainTagger(sentences, { epochs: 5, hashBits: 12 });
  const segmentClassifier = trainSegmentClassifier(
    [
      { text: "We offer a pension.", labels: ["benefits"] },
      { text: "You know Python.", labels: [] },
    ],
    { labelSet: ["benefits"], epochs: 30, hashBits: 12 },
  );
  const text = "We offer a pension.\nYou know Python.";
  const documents = [{ id: "d", text, spans: [{ start: 9, end: 18, label: "benefits" }] }];

  it("scores the tagger, the highlights and the segments against the reference", async () => {
    const result = await evaluateOnDocuments({ tagger, segmentClassifier }, documents, ["benefits"]);
    expect(result.documents).toBe(1);
    expect(result.spans.tagger.strict.micro).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(result.spans.tagger.strict.rows).toEqual([
      { label: "benefits", precision: 1, recall: 1, f1: 1, support: 1, predicted: 1 },
    ]);
    expect(result.spans.highlight?.loose.micro.f1).toBe(1);
    expect(result.segments?.segments).toBe(2);
    expect(result.segments?.micro.f1).toBe(1);
    expect(result.segments?.confusion.matrix).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it("without a classifier scores the tagger alone", async () => {
    const result = await evaluateOnDocuments({ tagger }, documents, ["benefits"]);
    expect(result.spans.highlight).toBeUndefined();
    expect(result.segments).toBeUndefined();
  });

  it("renders Markdown with a summary line per reference and per-category tables", async () => {
    const report: StudentEvaluationReport = {
      task: "requirements",
      split: "test",
      against: "gold:demo",
      models: ["requirements-tagger"],
      createdAt: "2026-01-01T00:00:00.000Z",
      results: [
        {
          reference: { kind: "gold", name: "demo" },
          ...(await evaluateOnDocuments({ tagger, segmentClassifier }, documents, ["benefits"])),
        },
      ],
    };
    const markdown = renderStudentEvaluation(report);
    expect(markdown).toContain('| gold "demo" | 1 | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 |');
    expect(markdown).toContain("### Segment confusion");
    expect(markdown).toContain("| benefits | 100.0 | 100.0 | 100.0 | 1 | 1 |");
  });
});
