import { z } from "zod";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";
import { type GenerationItem, generationItemKey } from "./plan.ts";

/** Bumped whenever the prompt's wording changes: part of every item's key. */
export const generatePromptVersion = 1;

/** The answer: one document's text. */
export interface GenerateOutput {
  text: string;
}

/** How the prompt marks its parts, so a scripted generator (tests, the bench) can read them back. */
export const generatePromptMarkers = {
  /** Followed by one `- dimension: value` line per grid dimension. */
  characteristics: "Characteristics:",
  seedStart: "<<<STYLE REFERENCE",
  seedEnd: "STYLE REFERENCE>>>",
  /** `Item N` names the item's index. */
  item: "Item ",
} as const;

/** Seed examples longer than this are cut for the prompt. */
const maxSeedChars = 6_000;
/** Hard bound of an answer, whatever the spec says: a runaway answer is not a document. */
const maxTextChars = 60_000;

const systemPrompt = [
  "You write realistic synthetic documents that train a text classifier.",
  "Write exactly one complete document as plain text (no markdown fences, no commentary).",
  "Invent every name, employer, place, date and figure; never reuse wording from a style reference.",
  'Answer with a JSON object only: {"text": "<the document>"}.',
].join("\n");

const wordCount = (text: string): number => text.split(/\s+/).filter((word) => word.length > 0).length;

function userPrompt(item: GenerationItem): string {
  const { characteristics, seedStart, seedEnd } = generatePromptMarkers;
  const cellLines = Object.entries(item.cell).map(([dimension, value]) => `- ${dimension}: ${value}`);
  return [
    `Write one ${item.document}: ${item.description}`,
    `Class label: ${item.label}`,
    ...(cellLines.length > 0 ? [characteristics, ...cellLines] : []),
    `Length: between ${item.words.min} and ${item.words.max} words.`,
    ...(item.instructions ? [`Instructions: ${item.instructions}`] : []),
    `${generatePromptMarkers.item}${item.index}: make it unlike any other ${item.document} of this kind — other people, employers, places, structure and wording.`,
    ...(item.seed
      ? [
          "Match only the tone and level of detail of this example; do not copy any of its sentences:",
          seedStart,
          item.seed.text.slice(0, maxSeedChars),
          seedEnd,
        ]
      : []),
  ].join("\n");
}

/**
 * The `generate` teacher task: one synthetic document per item, from the label's description,
 * the item's grid cell and (optionally) a seed example as style reference. An answer outside the
 * spec's length bounds is re-asked. Documents are stored by the generate workflow after its
 * quality gates, not as annotations, so the task itself makes none.
 */
export function createGenerateTask(): TeacherTask<GenerationItem, GenerateOutput> {
  return {
    name: "generate",
    version: hashValue({ promptVersion: generatePromptVersion, systemPrompt }).slice(0, 16),
    outputSchema: z.object({ text: z.string().trim().min(1, "text must not be empty").max(maxTextChars) }),
    itemId: (item) => `${item.label}#${item.index}`,
    itemFingerprint: (item) => generationItemKey(item),
    buildMessages: (item): ChatMessage[] => [
      { role: "system", content: systemPrompt },
      { role: "user", content: userPrompt(item) },
    ],
    check: (item, output) => {
      const words = wordCount(output.text);
      if (words < item.words.min) return [`text has ${words} words: write at least ${item.words.min}`];
      if (words > item.words.max) return [`text has ${words} words: write at most ${item.words.max}`];
      return [];
    },
    toAnnotations: () => [],
    estimateOutputTokens: (item) => Math.ceil(item.words.max * 1.4) + 16,
  };
}

/** Whether a stored answer still passes the task's schema and length checks (a cache from older bounds may not). */
export function generationIssues(item: GenerationItem, output: unknown): string[] {
  const task = createGenerateTask();
  const parsed = task.outputSchema.safeParse(output);
  if (!parsed.success) return parsed.error.issues.map((issue) => issue.message);
  return task.check?.(item, parsed.data) ?? [];
}
