import type { ChatMessage } from "../../core/task.ts";
import { requirementCategories } from "./labels.ts";
import type { RequirementsInput } from "./schema.ts";

function categoryBlock(): string {
  return requirementCategories
    .map((category) => {
      const examples = category.examples.map((example) => `"${example}"`).join("; ");
      return `- ${category.id} (${category.name}): ${category.definition}\n  Examples: ${examples}`;
    })
    .join("\n");
}

/** The system prompt: categories with definitions and examples, and how to quote. */
export function buildRequirementsSystemPrompt(): string {
  return `You annotate job adverts. Find every passage of the advert that belongs to one of these categories:

${categoryBlock()}

How to answer:
1. Copy each quote VERBATIM from the advert: the same words, spelling, capitalisation and punctuation. Never paraphrase, summarise, translate, correct typos or join words from different places. A quote is checked character by character against the advert; a quote that is not in the text is rejected.
2. Quote one item per entry: one requirement, skill, duty, benefit or statement, usually a bullet point, a sentence or a clause. Quote the item itself: leave out bullet symbols, list numbers and words that only rate it ("is a plus", "preferred"), which set "requirement" instead. A quote never runs across a line break.
3. Give each passage one category; entries never overlap. List the entries in the order they appear in the advert. If the same words appear again in another place and belong to a category there too, quote them again.
4. For education, certification, qualifications, work_experience, hard_skills and soft_skills, set "requirement" to "must" when the advert requires it and to "nice" when it is preferred, desirable, a plus or an advantage. Leave it out for other categories.
5. Set "years" to the minimum number of years asked for when the quote states a duration ("5+ years" gives 5, "3-5 years" gives 3). Leave it out otherwise.
6. Skip text that fits no category (job titles, addresses, dates, headings).

Reply with a JSON object only, no prose and no code fences:
{"spans": [{"category": "hard_skills", "quote": "experience with PostgreSQL", "requirement": "must"}, {"category": "work_experience", "quote": "5+ years in backend development", "requirement": "must", "years": 5}]}`;
}

/** The user message: the advert (or one part of a long one). */
export function buildRequirementsUserPrompt(
  input: Pick<RequirementsInput, "text" | "chunkIndex" | "chunkCount">,
): string {
  const part =
    input.chunkCount > 1
      ? `This is part ${input.chunkIndex + 1} of ${input.chunkCount} of a long advert; parts overlap a little. Annotate only this part.\n\n`
      : "";
  return `${part}Job advert:\n<<<\n${input.text}\n>>>`;
}

export function buildRequirementsMessages(input: RequirementsInput): ChatMessage[] {
  return [
    { role: "system", content: buildRequirementsSystemPrompt() },
    { role: "user", content: buildRequirementsUserPrompt(input) },
  ];
}
