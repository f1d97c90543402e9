import { type BioSentence, spansToBio } from "../../align/bio.ts";
import { type Segment, segmentText } from "../../align/segment-text.ts";
import { type Token, tokenize } from "../../align/tokenize.ts";
import { segmentLabels } from "../../dataset/build/segment-labels.ts";
import type { SegmentExample } from "../segment-classifier/index.ts";

/** A labelled span by character offsets into its document's (reduced) text. */
export interface LabelledSpan {
  start: number;
  end: number;
  label: string;
}

/** A document's text (HTML already reduced) with the reference spans that point into it. */
export interface LabelledDocument {
  id: string;
  text: string;
  spans: readonly LabelledSpan[];
}

/** A segment of a document with its tokens in document offsets: the unit the tagger reads. */
export interface TokenisedSegment extends Segment {
  tokens: Token[];
}

/** Segments of a text (sentences, bullets, lines) with their tokens, offsets into `text`. */
export function tokenisedSegments(text: string): TokenisedSegment[] {
  return segmentText(text).map((segment) => ({
    ...segment,
    tokens: tokenize(segment.text).map((token) => ({
      text: token.text,
      start: token.start + segment.start,
      end: token.end + segment.start,
    })),
  }));
}

/**
 * One BIO sentence per segment, one layer per name in `layers` (bare "B"/"I" tags: the layer is the
 * category). Spans of other labels are ignored; overlapping spans of one label follow `spansToBio`.
 */
export function documentSentences(document: LabelledDocument, layers: readonly string[]): BioSentence[] {
  return tokenisedSegments(document.text)
    .filter((segment) => segment.tokens.length > 0)
    .map((segment) => {
      const inSegment = document.spans.filter((span) => span.start < segment.end && segment.start < span.end);
      const tagLayers: Record<string, string[]> = {};
      for (const layer of layers) {
        const ofLayer = inSegment.filter((span) => span.label === layer);
        tagLayers[layer] = spansToBio(segment.tokens, ofLayer, { bare: true });
      }
      return { tokens: segment.tokens.map((token) => token.text), layers: tagLayers, source: document.id };
    });
}

/** One multi-label example per segment, labelled by the dataset's rule (`segmentLabels`), in `labels` order. */
export function documentSegmentExamples(
  document: LabelledDocument,
  labels: readonly string[],
): SegmentExample[] {
  return segmentText(document.text).map((segment) => ({
    text: segment.text,
    labels: segmentLabels(segment, document.spans, labels),
  }));
}
