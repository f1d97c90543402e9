export {
  type AlignedQuotes,
  type AlignmentKind,
  AlignmentSource,
  type AlignmentStats,
  type AlignOptions,
  type AlignQuoteOptions,
  alignQuote,
  alignQuotes,
  emptyAlignmentStats,
  mergeAlignmentStats,
  prepareAlignmentSource,
  type QuoteAlignment,
  type QuoteMatch,
  type QuoteToAlign,
} from "./align-quotes.ts";
export { alignmentStatsOfPayloads, describeAlignmentStats } from "./alignment-report.ts";
export * from "./bio.ts";
export { type HtmlText, htmlToText, readableText, textRangeToHtml } from "./html-to-text.ts";
export { type NormalisedText, normaliseForMatching } from "./normalise.ts";
export { type Segment, type SegmentKind, segmentText } from "./segment-text.ts";
export { type Token, tokenize } from "./tokenize.ts";
