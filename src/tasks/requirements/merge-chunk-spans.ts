import type { Span } from "../../core/types.ts";

/**
 * Joins the spans of a document's chunks (already in document offsets), dropping the copies that
 * two overlapping chunks both found: a span is a copy when a span from another chunk has the same
 * label and overlapping offsets. Of a pair the longer one stays (a chunk's edge can cut a quote
 * short), else the earlier chunk's. Spans from the same chunk are never merged: a teacher may
 * mark nested passages on purpose. Returns spans sorted by start, end, label.
 */
export function mergeChunkSpans(spansFromChunks: readonly (readonly Span[])[]): Span[] {
  const kept: { span: Span; chunk: number }[] = [];
  spansFromChunks.forEach((spans, chunk) => {
    for (const span of spans) {
      const copies = kept.filter(
        (other) =>
          other.chunk !== chunk &&
          other.span.label === span.label &&
          other.span.start < span.end &&
          span.start < other.span.end,
      );
      const length = span.end - span.start;
      if (copies.some((other) => other.span.end - other.span.start >= length)) continue;
      for (const copy of copies) kept.splice(kept.indexOf(copy), 1);
      kept.push({ span, chunk });
    }
  });
  return kept
    .map((entry) => entry.span)
    .sort(
      (a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
}
