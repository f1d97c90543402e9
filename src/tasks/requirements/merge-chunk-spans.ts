import { z } from "zod";
import { type AlignmentStats, mergeAlignmentStats } from "../../align/align-quotes.ts";
import { InputError } from "../../core/errors.ts";
import type { AnnotationPayload, Span, UnalignedQuote } from "../../core/types.ts";
import { requirementsAnnotationDataSchema } from "./schema.ts";

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

/** One document's requirements annotation, joined from its chunks' annotations. */
export interface MergedRequirementsPayload extends AnnotationPayload {
  spans: Span[];
  unaligned: UnalignedQuote[];
  data: {
    chunkCount: number;
    /** Chunk indices present; fewer than `chunkCount` means some chunks were never annotated. */
    chunksSeen: number[];
    stats: AlignmentStats;
  };
}

/**
 * Joins the stored payloads of one document's chunks (as `toAnnotations` made them, in any
 * order): spans through `mergeChunkSpans` in chunk order, unaligned quotes and stats summed.
 * Payloads whose `data` is not a requirements chunk's are rejected, as they came from elsewhere.
 */
export function mergeChunkPayloads(payloads: readonly AnnotationPayload[]): MergedRequirementsPayload {
  const chunks = payloads
    .map((payload, position) => {
      const data = requirementsAnnotationDataSchema.safeParse(payload.data);
      if (!data.success) {
        throw new InputError(
          `Annotation ${position} is not a requirements chunk: ${z.prettifyError(data.error)}`,
          {
            data: { position },
          },
        );
      }
      return { payload, data: data.data };
    })
    .sort((a, b) => a.data.chunkIndex - b.data.chunkIndex);
  return {
    spans: mergeChunkSpans(chunks.map((chunk) => chunk.payload.spans ?? [])),
    unaligned: chunks.flatMap((chunk) => chunk.payload.unaligned ?? []),
    data: {
      chunkCount: Math.max(0, ...chunks.map((chunk) => chunk.data.chunkCount)),
      chunksSeen: [...new Set(chunks.map((chunk) => chunk.data.chunkIndex))],
      stats: mergeAlignmentStats(...chunks.map((chunk) => chunk.data.stats)),
    },
  };
}
