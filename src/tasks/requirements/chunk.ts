import { readableText } from "../../align/html-to-text.ts";
import { segmentText } from "../../align/segment-text.ts";
import { UsageError } from "../../core/errors.ts";
import type { SourceDocument } from "../../core/types.ts";
import type { RequirementsInput } from "./schema.ts";

export interface ChunkOptions {
  /** Longest chunk, in characters (default 6000: about 1,500 tokens, far inside any context). */
  maxChars?: number;
  /** How far a chunk reaches back into the one before (default 400), so no item is only ever cut. */
  overlapChars?: number;
}

/**
 * Cuts a document's text into chunks no longer than `maxChars`, so nothing past a model's context
 * limit is silently ignored. Cuts fall after a line break where one lies in the second half of
 * the window, else between sentences, else at a space, else anywhere; each chunk after the
 * first starts at a segment up to `overlapChars` before the previous chunk's end. Chunks cover
 * the text without gaps and `text.slice(offset, offset + chunk.length) === chunk`.
 */
export function chunkDocument(
  documentId: string,
  text: string,
  options: ChunkOptions = {},
): RequirementsInput[] {
  const maxChars = options.maxChars ?? 6000;
  const overlapChars = options.overlapChars ?? 400;
  if (!Number.isInteger(maxChars) || maxChars < 1)
    throw new UsageError("maxChars must be a positive integer");
  // An overlap of half a chunk or more would re-send most of the text.
  if (!Number.isInteger(overlapChars) || overlapChars < 0 || overlapChars * 2 >= maxChars) {
    throw new UsageError("overlapChars must be an integer from 0 to below half of maxChars", {
      maxChars,
      overlapChars,
    });
  }
  if (text.length <= maxChars) return [{ documentId, text, chunkIndex: 0, chunkCount: 1, offset: 0 }];

  const boundaries = segmentText(text).map((segment) => segment.start);
  const ranges: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const limit = start + maxChars;
    if (limit >= text.length) {
      ranges.push({ start, end: text.length });
      break;
    }
    const end = cutPoint(text, boundaries, start, limit, maxChars);
    ranges.push({ start, end });
    start = nextStart(text, boundaries, start, end, overlapChars);
  }
  return ranges.map((range, chunkIndex) => ({
    documentId,
    text: text.slice(range.start, range.end),
    chunkIndex,
    chunkCount: ranges.length,
    offset: range.start,
  }));
}

/**
 * A document's inputs: HTML reduced to the text a reader sees, then chunked. Span offsets of the
 * resulting annotations point into that text (`readableText(document)`), not into the HTML.
 */
export function chunkSourceDocument(
  document: SourceDocument,
  options: ChunkOptions = {},
): RequirementsInput[] {
  return chunkDocument(document.id, readableText(document), options);
}

/**
 * In the window's second half: just after the last line break, else the last segment start
 * (a sentence), else the last space, else the limit itself.
 */
function cutPoint(
  text: string,
  boundaries: readonly number[],
  start: number,
  limit: number,
  maxChars: number,
): number {
  const earliest = start + Math.ceil(maxChars / 2);
  const lineBreak = text.lastIndexOf("\n", limit - 1) + 1;
  if (lineBreak >= earliest) return lineBreak;
  const boundary = lastAtOrBefore(boundaries, limit);
  if (boundary !== undefined && boundary >= earliest) return boundary;
  for (let i = limit; i >= earliest; i--) {
    if (/\s/.test(text.charAt(i - 1))) return i;
  }
  return limit;
}

/** The first line start, else segment start, at least `end - overlapChars`, moving forward. */
function nextStart(
  text: string,
  boundaries: readonly number[],
  start: number,
  end: number,
  overlapChars: number,
): number {
  if (overlapChars === 0) return end;
  const from = Math.max(start + 1, end - overlapChars);
  const lineBreak = text.indexOf("\n", from - 1);
  if (lineBreak !== -1 && lineBreak + 1 < end) return lineBreak + 1;
  const boundary = firstAtOrAfter(boundaries, from);
  return boundary !== undefined && boundary < end ? boundary : end;
}

function lastAtOrBefore(sorted: readonly number[], value: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low > 0 ? sorted[low - 1] : undefined;
}

function firstAtOrAfter(sorted: readonly number[], value: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}
