import type { ChatMessage } from "../../core/task.ts";
import { promptCategoryBlock, promptRuleSections } from "./guide.ts";
import type { RequirementsInput } from "./schema.ts";

/**
 * The system prompt: the annotation guide's categories and rules (guide.ts, the text the corpus's
 * human annotators followed), then how to answer.
 */
export function buildRequirementsSystemPrompt(): string {
  return `You annotate job adverts. Find every passage of the advert that belongs to one of these categories, following the annotation guide below.

# Categories

${promptCategoryBlock()}

# Annotation guide

${promptRuleSections()}

# How to answer

1. Copy each quote VERBATIM from the advert: the same words, spelling, capitalisation and punctuation. Never paraphrase, summarise, translate, correct typos or join words from different places. A quote is checked character by character against the advert; a quote that is not in the text is rejected.
2. One entry per span, with the boundaries the guide gives. A quote never runs across a line break.
3. Nested spans are separate entries: a job duty and each hard skill inside it are all listed. List the entries in the order they appear in the advert. If the same words appear again in another place and belong to a category there too, quote them again.
4. For education, certification, qualifications, work_experience, hard_skills and soft_skills, set "requirement" to "must" when the advert requires it and to "nice" when it is preferred, desirable, a plus or an advantage (the rating words stay out of the quote). Leave it out for other categories.
5. Set "years" to the minimum number of years asked for when the quote states a duration ("5+ years" gives 5, "3-5 years" gives 3). Leave it out otherwise.

Reply with a JSON object only, no prose and no code fences:
{"spans": [{"category": "job_duties", "quote": "Design and maintain data pipelines in Python and SQL"}, {"category": "hard_skills", "quote": "Python", "requirement": "must"}, {"category": "hard_skills", "quote": "SQL", "requirement": "must"}, {"category": "work_experience", "quote": "5+ years in backend development", "requirement": "must", "years": 5}]}`;
}

/** What the user message puts around the advert's text (the replay teacher reads the text back out). */
export const advertOpening = "Job advert:\n<<<\n";
export const advertClosing = "\n>>>";

/** The user message: the advert (or one part of a long one). */
export function buildRequirementsUserPrompt(
  input: Pick<RequirementsInput, "text" | "chunkIndex" | "chunkCount">,
): string {
  const part =
    input.chunkCount > 1
      ? `This is part ${input.chunkIndex + 1} of ${input.chunkCount} of a long advert; parts overlap a little. Annotate only this part.\n\n`
      : "";
  return `${part}${advertOpening}${input.text}${advertClosing}`;
}

export function buildRequirementsMessages(input: RequirementsInput): ChatMessage[] {
  return [
    { role: "system", content: buildRequirementsSystemPrompt() },
    { role: "user", content: buildRequirementsUserPrompt(input) },
  ];
}
