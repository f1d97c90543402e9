import type { HighlightSpan } from "../../student/predictors.ts";

/** A run of the advert's text, highlighted when `span` is set. */
export interface TextSegment {
  text: string;
  span?: HighlightSpan;
}

/**
 * Cuts `text` into plain and highlighted runs for the categories in `shown`. Where spans overlap,
 * the one starting first (the longer on a tie) keeps the overlap and the other is cut to what is
 * left of it, so every character appears exactly once.
 */
export function highlightSegments(
  text: string,
  spans: readonly HighlightSpan[],
  shown: ReadonlySet<string>,
): TextSegment[] {
  const ordered = spans
    .filter((span) => shown.has(span.category) && span.end > span.start && span.start < text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: TextSegment[] = [];
  let cursor = 0;
  for (const span of ordered) {
    const start = Math.max(span.start, cursor);
    const end = Math.min(span.end, text.length);
    if (end <= start) continue;
    if (start > cursor) segments.push({ text: text.slice(cursor, start) });
    segments.push({ text: text.slice(start, end), span });
    cursor = end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor) });
  return segments;
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
