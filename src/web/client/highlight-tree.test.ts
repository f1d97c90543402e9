import { describe, expect, it } from "vitest";
import type { HighlightSpan } from "../../student/predictors.ts";
import { type HighlightPiece, highlightTree, spansByCategory, treeText } from "./highlight-tree.ts";

function span(start: number, end: number, category: string, text: string, score = 0.9): HighlightSpan {
  return { start, end, category, text: text.slice(start, end), score };
}

/** A compact picture of a tree: [category: children…] around plain text. */
function picture(pieces: readonly HighlightPiece[]): string {
  return pieces
    .map((piece) =>
      typeof piece === "string"
        ? piece
        : `[${piece.span.category}${piece.continued ? "…" : ""}:${picture(piece.children)}]`,
    )
    .join("");
}

describe("highlightTree", () => {
  const text = "Python and SQL, team player";
  const flat = [span(0, 6, "hard", text), span(11, 14, "hard", text), span(16, 27, "soft", text)];

  it("highlights the shown categories and covers every character once", () => {
    const tree = highlightTree(text, flat, new Set(["hard", "soft"]));
    expect(picture(tree)).toBe("[hard:Python] and [hard:SQL], [soft:team player]");
    expect(treeText(tree)).toBe(text);
  });

  it("leaves hidden categories as plain text", () => {
    expect(picture(highlightTree(text, flat, new Set(["soft"])))).toBe("Python and SQL, [soft:team player]");
  });

  it("draws spans inside the span that contains them", () => {
    const nested = [span(0, 14, "duty", text), span(0, 6, "hard", text), span(11, 14, "hard", text)];
    const tree = highlightTree(text, nested, new Set(["duty", "hard"]));
    expect(picture(tree)).toBe("[duty:[hard:Python] and [hard:SQL]], team player");
    expect(picture(highlightTree(text, nested, new Set(["hard"])))).toBe(
      "[hard:Python] and [hard:SQL], team player",
    );
  });

  it("cuts a span that crosses the end of the one it starts in and goes on after it", () => {
    const crossing = [span(0, 10, "a", text), span(7, 14, "b", text), span(16, 20, "c", text)];
    const tree = highlightTree(text, crossing, new Set(["a", "b", "c"]));
    expect(picture(tree)).toBe("[a:Python [b:and]][b…: SQL], [c:team] player");
    expect(treeText(tree)).toBe(text);
  });

  it("carries a crossing span through every level it crosses", () => {
    // duty [0, 14) holds hard [0, 10); soft [7, 20) starts inside both and ends after both.
    const spans = [span(0, 14, "duty", text), span(0, 10, "hard", text), span(7, 20, "soft", text)];
    const tree = highlightTree(text, spans, new Set(["duty", "hard", "soft"]));
    expect(picture(tree)).toBe("[duty:[hard:Python [soft:and]][soft…: SQL]][soft…:, team] player");
    expect(treeText(tree)).toBe(text);
  });

  it("nests a span of the same extent inside the surer one", () => {
    const same = [span(0, 6, "a", text, 0.5), span(0, 6, "b", text, 0.9)];
    expect(picture(highlightTree(text, same, new Set(["a", "b"])))).toBe(
      "[b:[a:Python]] and SQL, team player",
    );
  });

  it("ignores empty and out-of-range spans", () => {
    const odd = [span(3, 3, "a", text), { ...span(0, 1, "a", text), start: 40, end: 45 }];
    expect(highlightTree(text, odd, new Set(["a"]))).toEqual([text]);
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
