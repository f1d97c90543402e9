import { z } from "zod";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";
import type { AnnotationDraft, SourceDocument } from "../../core/types.ts";
import { normaliseSkillTypeAnswer, type SkillTypeLabel, skillTypeDefinitions } from "./labels.ts";

export const SKILL_TYPE_TASK = "skill-type";

export interface SkillTypeBatch {
  batchId: string;
  skills: { id: string; phrase: string }[];
}

/** Lenient on the label word (normalised afterwards), strict on the shape. */
export const skillTypeOutputSchema = z.object({
  answers: z.array(
    z.object({
      id: z.string(),
      /** Optional thinking, stored for audit and never read as the label. */
      reasoning: z.string().optional(),
      label: z.string(),
    }),
  ),
});
export type SkillTypeOutput = z.infer<typeof skillTypeOutputSchema>;

/** What a skill-type annotation keeps in `payload.data`; `payload.labels` holds the label alone. */
export interface SkillTypeAnnotationData {
  label: SkillTypeLabel;
  raw?: string;
  recognised: boolean;
  reasoning?: string;
  /** Why the label is Unknown without the model saying so (missing from the answer). */
  reason?: string;
}

export interface SkillTypeTaskOptions {
  /** Ask for a short reasoning before each label (stored, never parsed as the label). Default false. */
  reasoning?: boolean;
  /**
   * Re-asks for missing, extra or duplicated ids before giving up on them: then missing ids become
   * Unknown with a reason and extra ids are dropped. Keep it at the engine's maxRepairs (default 2).
   */
  idRepairs?: number;
}

const fewShot: { phrase: string; label: SkillTypeLabel; reasoning: string }[] = [
  { phrase: "Python", label: "Hard", reasoning: "a programming language, learned and tested" },
  { phrase: "team player", label: "Soft", reasoning: "a way of working with others" },
  { phrase: "forklift licence", label: "Hard", reasoning: "a certified, testable qualification" },
  { phrase: "self-motivated", label: "Soft", reasoning: "an attitude" },
  { phrase: "financial reporting", label: "Hard", reasoning: "a domain procedure" },
  { phrase: "great benefits", label: "Unknown", reasoning: "not a skill" },
];

const PROMPT_VERSION = 1;

/**
 * Types skill phrases as Hard, Soft or Unknown, many per call. The answer is matched by id (order
 * does not matter); ids missing, extra or repeated are sent back as issues for a re-ask.
 */
export function createSkillTypeTask(
  options: SkillTypeTaskOptions = {},
): TeacherTask<SkillTypeBatch, SkillTypeOutput> {
  const withReasoning = options.reasoning ?? false;
  const idRepairs = options.idRepairs ?? 2;
  const answersSeen = new WeakMap<SkillTypeBatch, number>();
  const system = systemPrompt(withReasoning);
  return {
    name: SKILL_TYPE_TASK,
    version: hashValue({ PROMPT_VERSION, system, schema: z.toJSONSchema(skillTypeOutputSchema) }).slice(
      0,
      12,
    ),
    outputSchema: skillTypeOutputSchema,
    itemId: (batch) => batch.batchId,
    itemFingerprint: (batch) => hashValue(batch.skills.map((skill) => [skill.id, skill.phrase])),
    buildMessages(batch): ChatMessage[] {
      const list = batch.skills.map((skill) => ({ id: skill.id, phrase: skill.phrase }));
      return [
        { role: "system", content: system },
        {
          role: "user",
          content: `Type these ${list.length} skill phrases. Answer every id exactly once.\n${JSON.stringify(list)}`,
        },
      ];
    },
    check(batch, output) {
      const seen = (answersSeen.get(batch) ?? 0) + 1;
      answersSeen.set(batch, seen);
      if (seen > idRepairs) return [];
      return idIssues(batch, output);
    },
    toAnnotations: (batch, output) => skillTypeAnnotations(batch, output),
    estimateOutputTokens: (batch) => batch.skills.length * (withReasoning ? 40 : 14) + 10,
  };
}

/** Missing, unexpected and repeated ids, as sentences a model can act on. */
export function idIssues(batch: SkillTypeBatch, output: SkillTypeOutput): string[] {
  const expected = new Set(batch.skills.map((skill) => skill.id));
  const counts = new Map<string, number>();
  for (const answer of output.answers) counts.set(answer.id, (counts.get(answer.id) ?? 0) + 1);
  const missing = [...expected].filter((id) => !counts.has(id));
  const extra = [...counts.keys()].filter((id) => !expected.has(id));
  const repeated = [...counts].filter(([id, count]) => expected.has(id) && count > 1).map(([id]) => id);
  const issues: string[] = [];
  if (missing.length > 0) issues.push(`missing ids (answer each once): ${missing.join(", ")}`);
  if (extra.length > 0) issues.push(`ids that were not asked about (leave them out): ${extra.join(", ")}`);
  if (repeated.length > 0) issues.push(`ids answered more than once (answer once): ${repeated.join(", ")}`);
  return issues;
}

/**
 * One annotation per asked id: the first answer for an id wins, extra ids are ignored, and ids
 * still missing become Unknown with a reason. The label comes from `label` alone.
 */
export function skillTypeAnnotations(batch: SkillTypeBatch, output: SkillTypeOutput): AnnotationDraft[] {
  const byId = new Map<string, SkillTypeOutput["answers"][number]>();
  for (const answer of output.answers) if (!byId.has(answer.id)) byId.set(answer.id, answer);
  return batch.skills.map((skill) => {
    const answer = byId.get(skill.id);
    let data: SkillTypeAnnotationData;
    if (answer === undefined) {
      data = { label: "Unknown", recognised: false, reason: "missing from the model's answer after re-asks" };
    } else {
      const normalised = normaliseSkillTypeAnswer(answer.label);
      data = { label: normalised.label, raw: normalised.raw, recognised: normalised.recognised };
      if (answer.reasoning !== undefined) data.reasoning = answer.reasoning;
    }
    return { documentId: skill.id, payload: { labels: [data.label], data } };
  });
}

/** Batches of documents (one skill phrase each), in order. */
export function skillTypeBatches(documents: readonly SourceDocument[], batchSize = 25): SkillTypeBatch[] {
  const batches: SkillTypeBatch[] = [];
  for (let start = 0; start < documents.length; start += batchSize) {
    const skills = documents.slice(start, start + batchSize).map((document) => ({
      id: document.id,
      phrase: document.text,
    }));
    batches.push({ batchId: `skills-${hashValue(skills.map((skill) => skill.id)).slice(0, 12)}`, skills });
  }
  return batches;
}

function systemPrompt(withReasoning: boolean): string {
  const definitions = Object.entries(skillTypeDefinitions)
    .map(([label, definition]) => `- ${label}: ${definition}`)
    .join("\n");
  const example = fewShot
    .map((shot) =>
      JSON.stringify(
        withReasoning
          ? { id: shot.phrase, reasoning: shot.reasoning, label: shot.label }
          : { id: shot.phrase, label: shot.label },
      ),
    )
    .join("\n");
  return [
    "You classify skill phrases from job adverts as Hard, Soft or Unknown.",
    definitions,
    withReasoning
      ? 'Give a short "reasoning" (under 15 words) before each label.'
      : "Answer with the label only.",
    'Answer as JSON: {"answers": [{"id": …, ' +
      (withReasoning ? '"reasoning": …, ' : "") +
      '"label": "Hard"|"Soft"|"Unknown"}]}, one entry per id.',
    "Examples (phrase in place of id):",
    example,
  ].join("\n");
}
