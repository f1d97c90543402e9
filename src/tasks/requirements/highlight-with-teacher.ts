import { htmlToText } from "../../align/index.ts";
import { generateObject } from "../../teacher/generate-object.ts";
import type { LanguageModel } from "../../teacher/language-model.ts";
import { chunkDocument } from "./chunk.ts";
import { mergeChunkSpans } from "./merge-chunk-spans.ts";
import { requirementsTask } from "./task.ts";

export interface TeacherHighlight {
  /** The text the offsets refer to: the input, or the visible text of an HTML input. */
  text: string;
  spans: { start: number; end: number; category: string; text: string; score: number }[];
}

/**
 * Highlights one advert with the teacher LLM directly (no cache, no run): the same prompt, schema,
 * repair and alignment as `jobdistill label --task requirements`. For a server whose caller asks
 * for the teacher explicitly; unaligned quotes are left out, as a highlight needs offsets.
 */
export async function highlightWithTeacher(
  model: LanguageModel,
  input: { text: string; format?: "text" | "html" },
  options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined } = {},
): Promise<TeacherHighlight> {
  const text = input.format === "html" ? htmlToText(input.text).text : input.text;
  const spansPerChunk = [];
  for (const item of chunkDocument("request", text)) {
    const { object } = await generateObject({
      model,
      messages: requirementsTask.buildMessages(item),
      schema: requirementsTask.outputSchema,
      schemaName: requirementsTask.name,
      check: (output) => requirementsTask.check?.(item, output) ?? [],
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    spansPerChunk.push(
      requirementsTask.toAnnotations(item, object).flatMap((draft) => draft.payload.spans ?? []),
    );
  }
  return {
    text,
    spans: mergeChunkSpans(spansPerChunk).map((span) => ({
      start: span.start,
      end: span.end,
      category: span.label,
      text: span.text,
      score: 1,
    })),
  };
}
