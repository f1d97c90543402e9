import type { ChatMessage } from "../../core/task.ts";
import type { Span } from "../../core/types.ts";
import type { SkillsOutput } from "./task.ts";

/** A document whose recorded answer is its gold spans. */
export interface SkillsReplayDocument {
  text: string;
  spans: readonly Span[];
}

const advertPrefix = "Advert:\n";

/** The answer a perfect teacher would give: every gold span's text, in document order, in its layer. */
export function goldSkillsAnswer(spans: readonly Span[]): SkillsOutput {
  const mentions = spans
    .filter(
      (span): span is Span & { label: "skill" | "knowledge" } =>
        (span.label === "skill" || span.label === "knowledge") && span.end > span.start,
    )
    .sort((a, b) => a.start - b.start || b.end - a.end || a.label.localeCompare(b.label))
    .map((span) => ({ layer: span.label, quote: span.text }));
  return { mentions };
}

/**
 * Recorded answers for the skills task from gold: a prompt is answered by the advert text it
 * carries, so the engine's prompting, caching, parsing and quote alignment all run as with a real
 * teacher (the simulation's stand-in). Where two documents share a text, the first one's answer is kept.
 */
export function skillsReplayAnswers(
  documents: Iterable<SkillsReplayDocument>,
): (messages: readonly ChatMessage[]) => string | undefined {
  const answers = new Map<string, string>();
  for (const document of documents) {
    if (!answers.has(document.text))
      answers.set(document.text, JSON.stringify(goldSkillsAnswer(document.spans)));
  }
  return (messages) => {
    const user = messages.findLast((message) => message.role === "user")?.content;
    if (user === undefined || !user.startsWith(advertPrefix)) return undefined;
    return answers.get(user.slice(advertPrefix.length));
  };
}
