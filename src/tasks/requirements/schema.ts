import { z } from "zod";
import { requirementCategoryIds } from "./labels.ts";

/**
 * One labelled quote. The answer is a flat list of these rather than one list per category:
 * small models keep document order and fill one short object shape far more reliably than ten
 * parallel arrays, and the aligner wants document order to tell repeated phrases apart.
 *
 * Lenient where a model's habits do no harm: unknown extra fields are dropped, `null` stands for
 * "not given", and an empty quote is kept (it becomes an unaligned quote, not a failed answer).
 */
export const requirementSpanSchema = z.object({
  category: z.enum(requirementCategoryIds),
  /** Copied verbatim from the advert. */
  quote: z.string(),
  /** Whether a requirement is required or only preferred; absent for non-requirements. */
  requirement: z.enum(["must", "nice"]).nullish(),
  /** Minimum years asked for, when the quote states a duration ("3–5 years" → 3). */
  years: z.number().nonnegative().nullish(),
});
export type RequirementSpan = z.infer<typeof requirementSpanSchema>;

export const requirementsOutputSchema = z.object({
  spans: z.array(requirementSpanSchema),
});
export type RequirementsOutput = z.infer<typeof requirementsOutputSchema>;

/** A chunk of one document's text; `offset` is where the chunk starts in the document's text. */
export const requirementsInputSchema = z.object({
  documentId: z.string().min(1),
  text: z.string(),
  chunkIndex: z.number().int().nonnegative(),
  chunkCount: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
});
export type RequirementsInput = z.infer<typeof requirementsInputSchema>;

export const alignmentStatsSchema = z.object({
  exact: z.number().int().nonnegative(),
  normalised: z.number().int().nonnegative(),
  fuzzy: z.number().int().nonnegative(),
  unaligned: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});

/** The `data` of each chunk's stored annotation. */
export const requirementsAnnotationDataSchema = z.object({
  chunkIndex: z.number().int().nonnegative(),
  chunkCount: z.number().int().positive(),
  stats: alignmentStatsSchema,
});
export type RequirementsAnnotationData = z.infer<typeof requirementsAnnotationDataSchema>;
