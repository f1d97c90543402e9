import { z } from "zod";
import { type AlignOptions, alignQuotes, type QuoteToAlign } from "../../align/align-quotes.ts";
import { hashValue, sha256Hex } from "../../core/hash.ts";
import type { TeacherTask } from "../../core/task.ts";
import type { AnnotationDraft, Span } from "../../core/types.ts";
import { REQUIREMENT_LABELS_VERSION } from "./labels.ts";
import {
  buildRequirementsMessages,
  buildRequirementsSystemPrompt,
  buildRequirementsUserPrompt,
} from "./prompt.ts";
import {
  type RequirementSpan,
  type RequirementsAnnotationData,
  type RequirementsInput,
  type RequirementsOutput,
  requirementsOutputSchema,
} from "./schema.ts";

export interface RequirementsTaskOptions {
  /** How quotes are tied to the text (fuzzy threshold, fuzzy on/off). */
  alignment?: AlignOptions;
  /**
   * Re-ask only when more than this share of an answer's quotes cannot be found (default 1/3).
   * One slightly-off quote among twenty is cheaper to keep as unaligned than to pay for a second
   * answer; when many are off, the model was paraphrasing and a reminder helps.
   */
  reaskUnalignedShare?: number;
  /** At most this many missing quotes are named in a re-ask (default 10), to keep it short. */
  maxIssues?: number;
}

export const requirementsTaskName = "requirements";

/** A short hash of everything that shapes the teacher's answer. */
export function computeRequirementsTaskVersion(parts: {
  prompts: readonly string[];
  labelsVersion: string;
  outputSchema: z.ZodType;
}): string {
  const schema = JSON.stringify(z.toJSONSchema(parts.outputSchema, { io: "output" }));
  return `v1-${sha256Hex([...parts.prompts, parts.labelsVersion, schema].join("\n\u0000\n")).slice(0, 12)}`;
}

/**
 * Changes with the prompt wording, the label set's version and the answer schema, so a change to
 * any of them is a new cache version.
 */
export const requirementsTaskVersion = computeRequirementsTaskVersion({
  prompts: [
    buildRequirementsSystemPrompt(),
    buildRequirementsUserPrompt({ text: "{text}", chunkIndex: 0, chunkCount: 1 }),
    buildRequirementsUserPrompt({ text: "{text}", chunkIndex: 0, chunkCount: 2 }),
  ],
  labelsVersion: REQUIREMENT_LABELS_VERSION,
  outputSchema: requirementsOutputSchema,
});

function quotesOf(output: RequirementsOutput): QuoteToAlign[] {
  return output.spans.map((span) => {
    const attrs = spanAttrs(span);
    return { label: span.category, quote: span.quote, ...(attrs ? { attrs } : {}) };
  });
}

function spanAttrs(span: RequirementSpan): Record<string, unknown> | undefined {
  const attrs: Record<string, unknown> = {};
  if (span.requirement != null) attrs.requirement = span.requirement;
  if (span.years != null) attrs.years = span.years;
  return Object.keys(attrs).length > 0 ? attrs : undefined;
}

/**
 * The requirements task: a job advert (or a chunk of one) in, labelled verbatim quotes out, tied
 * to character offsets of the document's text by the aligner.
 */
export function createRequirementsTask(
  options: RequirementsTaskOptions = {},
): TeacherTask<RequirementsInput, RequirementsOutput> {
  const alignment = options.alignment ?? {};
  const reaskShare = options.reaskUnalignedShare ?? 1 / 3;
  const maxIssues = options.maxIssues ?? 10;

  return {
    name: requirementsTaskName,
    version: requirementsTaskVersion,
    outputSchema: requirementsOutputSchema,

    itemId: (input) =>
      input.chunkCount > 1 ? `${input.documentId}#chunk${input.chunkIndex}` : input.documentId,

    itemFingerprint: (input) =>
      hashValue({ text: input.text, chunkIndex: input.chunkIndex, chunkCount: input.chunkCount }),

    buildMessages: buildRequirementsMessages,

    check(input, output) {
      const { unaligned, stats } = alignQuotes(input.text, quotesOf(output), alignment);
      if (unaligned.length === 0 || unaligned.length <= stats.total * reaskShare) return [];
      const issues = unaligned
        .slice(0, maxIssues)
        .map((quote) =>
          quote.quote.trim() === ""
            ? `an empty quote for ${quote.label}: quote text from the advert or leave the entry out`
            : `this quote is not in the text, copy it verbatim from the advert: "${quote.quote}"`,
        );
      if (unaligned.length > maxIssues)
        issues.push(`and ${unaligned.length - maxIssues} more quotes not in the text`);
      return issues;
    },

    toAnnotations(input, output): AnnotationDraft[] {
      const { spans, unaligned, stats } = alignQuotes(input.text, quotesOf(output), alignment);
      const shifted = spans.map(
        (span): Span => ({ ...span, start: span.start + input.offset, end: span.end + input.offset }),
      );
      const data: RequirementsAnnotationData = {
        chunkIndex: input.chunkIndex,
        chunkCount: input.chunkCount,
        stats,
      };
      return [{ documentId: input.documentId, payload: { spans: shifted, unaligned, data } }];
    },

    estimateOutputTokens(input) {
      // Quotes cover roughly half an advert's text (~4 characters a token), plus JSON around them.
      return Math.ceil(input.text.length / 8) + 30 * Math.ceil(input.text.length / 400) + 20;
    },
  };
}

export const requirementsTask = createRequirementsTask();
