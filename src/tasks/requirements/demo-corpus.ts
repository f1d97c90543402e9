import { join } from "node:path";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import { readJsonLinesFile } from "../../core/json-lines.ts";
import { projectRoot } from "../../core/shared-data.ts";
import type { SourceDocument, Span } from "../../core/types.ts";
import { requirementCategoryIds } from "./labels.ts";

/** The hand-written demo adverts that ship with the project (see demo/README.md). */
export const defaultDemoCorpusPath = join(projectRoot, "demo", "adverts.jsonl");

export const demoAnnotationSchema = z.strictObject({
  category: z.enum(requirementCategoryIds),
  /** Verbatim text as a reader sees it (for HTML adverts: the visible text, entities decoded). */
  quote: z.string().min(1),
  /** Which match to take (0-based) when the quote occurs more than once. */
  occurrence: z.number().int().nonnegative().optional(),
  requirement: z.enum(["must", "nice"]).optional(),
  years: z.number().nonnegative().optional(),
});
export type DemoAnnotation = z.infer<typeof demoAnnotationSchema>;

export const demoAdvertSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  industry: z.string().min(1),
  seniority: z.enum(["intern", "junior", "mid", "senior", "lead"]),
  format: z.enum(["text", "html"]),
  text: z.string().min(1),
  annotations: z.array(demoAnnotationSchema),
});
export type DemoAdvert = z.infer<typeof demoAdvertSchema>;

/** Reads and validates the demo corpus, one advert per line; a bad line names the file and line. */
export function loadDemoCorpus(path: string = defaultDemoCorpusPath): DemoAdvert[] {
  return readJsonLinesFile(path, demoAdvertSchema, { file: "the demo corpus", row: "a demo advert" }).map(
    ({ row }) => row,
  );
}

/**
 * The advert's annotations as gold spans with offsets into its text. HTML adverts are annotated on
 * their visible text, so the caller must pass the same HTML-to-text reduction the rest of the
 * pipeline uses; the spans then point into that reduced text.
 */
export function demoGoldSpans(advert: DemoAdvert, textOf?: (html: string) => string): Span[] {
  if (advert.format === "html" && !textOf) {
    throw new UsageError(`Demo advert ${advert.id} is HTML: pass a function that reduces it to text`, {
      advertId: advert.id,
    });
  }
  const text = textOf ? textOf(advert.text) : advert.text;
  const spans = advert.annotations.map((annotation): Span => {
    const start = nthOccurrence(text, annotation.quote, annotation.occurrence ?? 0);
    if (start === -1) {
      throw new InputError(
        `Demo advert ${advert.id}: quote not found${annotation.occurrence ? ` (occurrence ${annotation.occurrence})` : ""}: "${annotation.quote}"`,
        { data: { advertId: advert.id, quote: annotation.quote, occurrence: annotation.occurrence } },
      );
    }
    const attrs: Record<string, unknown> = {};
    if (annotation.requirement) attrs.requirement = annotation.requirement;
    if (annotation.years !== undefined) attrs.years = annotation.years;
    return {
      start,
      end: start + annotation.quote.length,
      label: annotation.category,
      text: annotation.quote,
      alignment: "given",
      ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
    };
  });
  return spans.sort((left, right) => left.start - right.start || left.end - right.end);
}

/** The advert as a document for the pipeline (text as written, HTML left for the aligner). */
export function demoDocument(advert: DemoAdvert): SourceDocument {
  return {
    id: advert.id,
    text: advert.text,
    source: "demo",
    format: advert.format,
    meta: { title: advert.title, industry: advert.industry, seniority: advert.seniority },
  };
}

/** Offset of the n-th match (0-based), counting overlapping matches as the corpus builder does. */
function nthOccurrence(text: string, quote: string, occurrence: number): number {
  let at = text.indexOf(quote);
  for (let seen = 0; seen < occurrence && at !== -1; seen += 1) at = text.indexOf(quote, at + 1);
  return at;
}
