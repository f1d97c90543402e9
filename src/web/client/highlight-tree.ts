import type { HighlightSpan } from "../../student/predictors.ts";

/** A run of plain text, or a highlighted span with what lies inside it (text and nested spans). */
export type HighlightPiece = string | { span: HighlightSpan; children: HighlightPiece[] };

/**
 * Arranges the spans of the shown categories as a tree over `text`, so a phrase inside a
 * highlighted sentence (a hard skill inside a job duty) is drawn inside it rather than lost.
 * A span that crosses the end of the one it starts in is cut at that end; every character of
 * `text` appears exactly once.
 */
export function highlightTree(
  text: string,
  spans: readonly HighlightSpan[],
  shown: ReadonlySet<string>,
): HighlightPiece[] {
  const ordered = spans
    .filter((span) => shown.has(span.category) && span.end > span.start && span.start < text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end || b.score - a.score);
  return build(text, 0, text.length, ordered);
}

function build(
  text: string,
  from: number,
  to: number,
  candidates: readonly HighlightSpan[],
): HighlightPiece[] {
  const pieces: HighlightPiece[] = [];
  let cursor = from;
  let index = 0;
  while (index < candidates.length) {
    const span = candidates[index] as HighlightSpan;
    index++;
    const start = Math.max(span.start, cursor);
    const end = Math.min(span.end, to);
    if (end <= start) continue;
    const inner: HighlightSpan[] = [];
    while (index < candidates.length && (candidates[index] as HighlightSpan).start < end) {
      inner.push(candidates[index] as HighlightSpan);
      index++;
    }
    if (start > cursor) pieces.push(text.slice(cursor, start));
    pieces.push({ span, children: build(text, start, end, inner) });
    cursor = end;
  }
  if (cursor < to) pieces.push(text.slice(cursor, to));
  return pieces;
}

/** The text a tree covers (for checks: it equals the input text). */
export function treeText(pieces: readonly HighlightPiece[]): string {
  return pieces.map((piece) => (typeof piece === "string" ? piece : treeText(piece.children))).join("");
}

/** Spans per category, in the legend's order, each list in reading order. */
export function spansByCategory(
  spans: readonly HighlightSpan[],
  categoryOrder: readonly string[],
): Map<string, HighlightSpan[]> {
  const groups = new Map<string, HighlightSpan[]>(categoryOrder.map((id) => [id, []]));
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const group = groups.get(span.category);
    if (group) group.push(span);
    else groups.set(span.category, [span]);
  }
  return groups;
}
