import { z } from "zod";

/** A piece of a document, by character offsets: `text.slice(start, end) === span.text`. */
export const spanSchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  label: z.string().min(1),
  text: z.string(),
  score: z.number().optional(),
  /** How the span was tied to the source: exact, normalised, fuzzy (teacher quotes), or given (gold). */
  alignment: z.enum(["exact", "normalised", "fuzzy", "given"]).optional(),
  /** Task-specific extras (must-have vs nice-to-have, years of experience, ESCO id, …). */
  attrs: z.record(z.string(), z.unknown()).optional(),
});
export type Span = z.infer<typeof spanSchema>;

/** A quote a teacher returned that could not be found in the source. Kept, flagged, re-askable. */
export const unalignedQuoteSchema = z.object({
  label: z.string(),
  quote: z.string(),
  reason: z.string(),
  attrs: z.record(z.string(), z.unknown()).optional(),
});
export type UnalignedQuote = z.infer<typeof unalignedQuoteSchema>;

export const documentSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  /** Where it came from: a file path, a dataset name. */
  source: z.string().optional(),
  /** "text" (default) or "html": HTML is reduced to text with offsets kept by the aligner. */
  format: z.enum(["text", "html"]).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type SourceDocument = z.infer<typeof documentSchema>;

export const annotationSourceKinds = ["teacher", "gold", "human", "lexicon", "student"] as const;
export const annotationSourceSchema = z.object({
  kind: z.enum(annotationSourceKinds),
  /** The teacher's provider/model, the gold set's name, the annotator. */
  name: z.string().min(1),
  /** Prompt or model version where it matters. */
  version: z.string().optional(),
});
export type AnnotationSource = z.infer<typeof annotationSourceSchema>;

/** What an annotation says about its document; tasks fill the parts that apply to them. */
export const annotationPayloadSchema = z.object({
  spans: z.array(spanSchema).optional(),
  labels: z.array(z.string()).optional(),
  unaligned: z.array(unalignedQuoteSchema).optional(),
  /** Task-specific data (for example per-item labels of a batch task). */
  data: z.unknown().optional(),
});
export type AnnotationPayload = z.infer<typeof annotationPayloadSchema>;

export interface Annotation {
  id: number;
  documentId: string;
  task: string;
  taskVersion: string;
  source: AnnotationSource;
  payload: AnnotationPayload;
  /** The teacher call that produced it (teacher annotations only). */
  callKey?: string;
  runId?: number;
  createdAt: string;
}

/** What a task hands back for storage; the engine adds task, version, source and provenance. */
export interface AnnotationDraft {
  documentId: string;
  payload: AnnotationPayload;
}
