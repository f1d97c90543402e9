interface Range {
  start: number;
  end: number;
}

export function overlapLength(a: Range, b: Range): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/**
 * The categories a segment carries. A span labels a segment when their overlap covers at least
 * half of the segment or at least half of the span: a short skill inside a long sentence labels
 * it, and a sentence that merely touches the edge of a long span does not.
 */
export function segmentLabels(
  segment: Range,
  spans: readonly (Range & { label: string })[],
  labelOrder: readonly string[],
): string[] {
  const labels = new Set<string>();
  for (const span of spans) {
    const overlap = overlapLength(segment, span);
    if (overlap === 0) continue;
    if (overlap * 2 >= segment.end - segment.start || overlap * 2 >= span.end - span.start)
      labels.add(span.label);
  }
  return labelOrder.filter((label) => labels.has(label));
}
