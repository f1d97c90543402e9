import { z } from "zod";

export const datasetSplits = ["train", "dev", "test"] as const;
export type DatasetSplit = (typeof datasetSplits)[number];

/** One segment with the categories it carries (multi-label; empty = unlabelled). */
export const segmentExampleSchema = z.object({
  doc_id: z.string(),
  split: z.enum(datasetSplits),
  segment_id: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  labels: z.array(z.string()),
});
export type SegmentExample = z.infer<typeof segmentExampleSchema>;

export const pairKinds = ["span", "unlabelled-segment", "other-category"] as const;

/**
 * A query–passage pair: `("Example of <category>", passage, 1|0)`. `kind` says where the passage
 * came from (a labelled span, an unlabelled segment, a span of another category); `start`/`end`
 * locate it in the document's labelled text.
 */
export const pairExampleSchema = z.object({
  query: z.string(),
  passage: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  category: z.string(),
  kind: z.enum(pairKinds),
  doc_id: z.string(),
  split: z.enum(datasetSplits),
  start: z.number().int(),
  end: z.number().int(),
});
export type PairExample = z.infer<typeof pairExampleSchema>;

/** Identity of a text for the cross-split check: trimmed, whitespace runs folded. */
export function textKey(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}
