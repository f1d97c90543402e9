import type { AnnotationPayload } from "../core/types.ts";
import { type AlignmentStats, emptyAlignmentStats } from "./align-quotes.ts";

/**
 * How the quotes behind some annotations were tied to their sources: counted from the spans'
 * `alignment` and the unaligned quotes kept beside them. Spans given as offsets (gold) are not quotes.
 */
export function alignmentStatsOfPayloads(payloads: Iterable<AnnotationPayload>): AlignmentStats {
  const stats = emptyAlignmentStats();
  for (const payload of payloads) {
    for (const span of payload.spans ?? []) {
      if (span.alignment === "exact" || span.alignment === "normalised" || span.alignment === "fuzzy") {
        stats[span.alignment]++;
        stats.total++;
      }
    }
    stats.unaligned += payload.unaligned?.length ?? 0;
    stats.total += payload.unaligned?.length ?? 0;
  }
  return stats;
}

/** "812 quotes: 80.1% exact, 15.0% normalised, 4.4% fuzzy, 0.5% not aligned". */
export function describeAlignmentStats(stats: AlignmentStats): string {
  const share = (count: number): string => `${((100 * count) / Math.max(1, stats.total)).toFixed(1)}%`;
  return (
    `${stats.total} quotes: ${share(stats.exact)} exact, ${share(stats.normalised)} normalised, ` +
    `${share(stats.fuzzy)} fuzzy, ${share(stats.unaligned)} not aligned`
  );
}
