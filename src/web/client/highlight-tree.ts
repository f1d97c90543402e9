import type { HighlightSpan } from "../../student/predictors.ts";

/**
 * A run of plain text, or a highlighted span with what lies inside it (text and nested spans).
 * `continued` marks the second and later pieces of a span that had to be cut in two because it
 * crosses the end of another span.
 */
export type HighlightPiece = string | { span: HighlightSpan; continued: boolean; children: HighlightPiece[] };

/** A span still to place, from `start` on (later than the span's own start once it has been cut). */
interface Pending {
  span: HighlightSpan;
  start: number;
}

/**
 * Arranges the spans of the shown categories as a tree over `text`, so a phrase inside a
 * highlighted sentence (a hard skill inside a job duty) is drawn inside it rather than lost.
 * Spans that cross without nesting (one starts inside another and ends after it) are cut where the
 * outer one ends and go on as a `continued` piece after it, so no span loses characters. Every
 * character of `text` appears exactly once.
 */
export function highlightTree(
  text: string,
  spans: readonly HighlightSpan[],
  shown: ReadonlySet<string>,
): HighlightPiece[] {
  const ordered = spans
    .filter((span) => shown.has(span.category) && span.end > span.start && span.start < text.length)
    .sort(byPosition)
    .map((span) => ({ span, start: span.start }));
  return build(text, 0, text.length, ordered);
}

/** Reading order; of spans starting together the longer one outside, then the surer one. */
function byPosition(a: HighlightSpan, b: HighlightSpan): number {
  return a.start - b.start || b.end - a.end || b.score - a.score;
}

function insertInOrder(queue: Pending[], pending: Pending): void {
  const at = queue.findIndex(
    (other) =>
      other.start > pending.start || (other.start === pending.start && other.span.end < pending.span.end),
  );
  queue.splice(at === -1 ? queue.length : at, 0, pending);
}

function build(text: string, from: number, to: number, candidates: readonly Pending[]): HighlightPiece[] {
  const pieces: HighlightPiece[] = [];
  const queue = [...candidates];
  let cursor = from;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const start = Math.max(next.start, cursor);
    const end = Math.min(next.span.end, to);
    if (end <= start) continue;
    const inner: Pending[] = [];
    while (queue[0] !== undefined && queue[0].start < end) {
      const contained = queue.shift() as Pending;
      inner.push(contained);
      // It crosses this span's end: its rest is placed after this span, at this level.
      if (contained.span.end > end) insertInOrder(queue, { span: contained.span, start: end });
    }
    if (start > cursor) pieces.push(text.slice(cursor, start));
    pieces.push({
      span: next.span,
      continued: start > next.span.start,
      children: build(text, start, end, inner),
    });
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
