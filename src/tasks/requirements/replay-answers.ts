import type { ChatMessage } from "../../core/task.ts";
import type { Span } from "../../core/types.ts";
import { type ChunkOptions, chunkDocument } from "./chunk.ts";
import { advertClosing, advertOpening } from "./prompt.ts";
import type { RequirementSpan, RequirementsOutput } from "./schema.ts";

/** A document whose recorded answer is its gold spans. */
export interface ReplayDocument {
  id: string;
  text: string;
  spans: readonly Span[];
}

/** The advert (or chunk) a requirements prompt carries, or undefined for another prompt. */
export function advertOfPrompt(messages: readonly ChatMessage[]): string | undefined {
  const user = messages.findLast((message) => message.role === "user")?.content;
  if (user === undefined) return undefined;
  const start = user.indexOf(advertOpening);
  const end = user.lastIndexOf(advertClosing);
  if (start < 0 || end < start + advertOpening.length) return undefined;
  return user.slice(start + advertOpening.length, end);
}

/**
 * The answer a perfect teacher would give for one chunk: every gold span inside it, in document
 * order (longer first where two start together, so a duty comes before the skills inside it), as
 * the task's answer JSON (`{"spans": [{category, quote, requirement?, years?}]}`).
 */
export function goldAnswerOfChunk(
  spans: readonly Span[],
  offset: number,
  length: number,
): RequirementsOutput {
  const inside = spans
    .filter((span) => span.start >= offset && span.end <= offset + length && span.end > span.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.label.localeCompare(b.label));
  return {
    spans: inside.map((span): RequirementSpan => {
      const answer: RequirementSpan = {
        category: span.label as RequirementSpan["category"],
        quote: span.text,
      };
      const requirement = span.attrs?.requirement;
      if (requirement === "must" || requirement === "nice") answer.requirement = requirement;
      const years = span.attrs?.years;
      if (typeof years === "number" && years >= 0) answer.years = years;
      return answer;
    }),
  };
}

/**
 * Recorded answers for the requirements task from gold: each document is cut into chunks as the
 * task cuts it, and each chunk's text maps to its gold answer. A prompt is answered by the chunk it
 * carries, so the engine's own prompting, caching, parsing and alignment all run on the real text.
 * Where two documents share a chunk's text, the first one's answer is kept.
 */
export function requirementsReplayAnswers(
  documents: Iterable<ReplayDocument>,
  options: ChunkOptions = {},
): (messages: readonly ChatMessage[]) => string | undefined {
  const answers = new Map<string, string>();
  for (const document of documents) {
    for (const chunk of chunkDocument(document.id, document.text, options)) {
      if (answers.has(chunk.text)) continue;
      answers.set(
        chunk.text,
        JSON.stringify(goldAnswerOfChunk(document.spans, chunk.offset, chunk.text.length)),
      );
    }
  }
  return (messages) => {
    const advert = advertOfPrompt(messages);
    return advert === undefined ? undefined : answers.get(advert);
  };
}
