import { describe, expect, it } from "vitest";
import type { HighlightSpan } from "../../student/predictors.ts";
import { highlightSegments, spansByCategory } from "./highlight-segments.ts";

function span(start: number, end: number, category: string, text: string): HighlightSpan {
  return { start, end, category, text: text.slice(start, end), score: 0.9 };
}

describe("highlightSegments", () => {
  const text = "Python and SQL, team player";
  const spans = [span(0, 6, "hard", text), span(11, 14, "hard", text), span(16, 27, "soft", text)];

  it("covers every character once, highlighting the shown categories", () => {
    const segments = highlightSegments(text, spans, new Set(["hard", "soft"]));
    expect(segments.map((segment) => segment.text).join("")).toBe(text);
    expect(segments.filter((segment) => segment.span).map((segment) => segment.text)).toEqual([
      "Python",
      "SQL",
      "team player",
    ]);
  });

  it("leaves hidden categories as plain text", () => {
    const segments = highlightSegments(text, spans, new Set(["soft"]));
    expect(segments.filter((segment) => segment.span).map((segment) => segment.text)).toEqual([
      "team player",
    ]);
    expect(segments.map((segment) => segment.text).join("")).toBe(text);
  });

  it("cuts overlapping spans so the earlier one keeps the overlap", () => {
    const overlapping = [span(0, 10, "a", text), span(7, 14, "b", text), span(8, 9, "c", text)];
    const segments = highlightSegments(text, overlapping, new Set(["a", "b", "c"]));
    expect(segments.map((segment) => [segment.text, segment.span?.category])).toEqual([
      ["Python and", "a"],
      [" SQL", "b"],
      [", team player", undefined],
    ]);
  });
});

describe("spansByCategory", () => {
  it("groups in legend order, unknown categories last", () => {
    const text = "abcdef";
    const groups = spansByCategory(
      [span(2, 3, "y", text), span(0, 1, "x", text), span(4, 5, "z", text)],
      ["x", "y"],
    );
    expect([...groups.keys()]).toEqual(["x", "y", "z"]);
  });
});
