import { z } from "zod";
import { type AlignOptions, alignQuotes } from "../../align/align-quotes.ts";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";
import type { AnnotationDraft, SourceDocument } from "../../core/types.ts";

export const SKILLS_TASK = "skills";

/** The two SkillSpan layers, kept apart: a phrase may be in both (its span then appears twice). */
export const skillLayers = ["skill", "knowledge"] as const;
export type SkillLayer = (typeof skillLayers)[number];

export const skillLayerDefinitions: Record<SkillLayer, string> = {
  skill:
    "what a person can DO: applied skills and competences, including soft skills and attitudes " +
    '("manage a team", "write clean code", "communicate with customers", "work independently", "motivated").',
  knowledge:
    "what a person KNOWS: tools, software, programming languages, spoken languages, fields, methods, " +
    'certifications ("Python", "AWS", "German", "accounting", "Scrum", "CSS").',
};

export const skillsOutputSchema = z.object({
  mentions: z.array(
    z.object({
      layer: z.enum(skillLayers),
      /** Copied verbatim from the advert. */
      quote: z.string().min(1),
    }),
  ),
});
export type SkillsOutput = z.infer<typeof skillsOutputSchema>;

export interface SkillsTaskOptions {
  alignment?: AlignOptions;
  /** Re-ask when more than this share of quotes cannot be found in the text (default 1/3). */
  reaskUnalignedShare?: number;
}

const examples = [
  {
    text: "You are a motivated team player with solid Java and Spring experience and can design REST APIs.",
    mentions: [
      { layer: "skill", quote: "motivated" },
      { layer: "skill", quote: "team player" },
      { layer: "knowledge", quote: "Java" },
      { layer: "knowledge", quote: "Spring" },
      { layer: "skill", quote: "design REST APIs" },
    ],
  },
  {
    text: "Fluent English required; experience leading projects and knowledge of accounting standards.",
    mentions: [
      { layer: "knowledge", quote: "English" },
      { layer: "skill", quote: "leading projects" },
      { layer: "knowledge", quote: "accounting standards" },
    ],
  },
];

export function buildSkillsSystemPrompt(): string {
  return [
    "You extract skill mentions from a job advert, as SkillSpan annotates them, in two separate layers:",
    ...skillLayers.map((layer) => `- ${layer}: ${skillLayerDefinitions[layer]}`),
    "Rules: copy each quote exactly as written (same words, same spelling), as short as keeps its meaning;",
    'leave out requirement words ("experience with", "knowledge of", "strong") unless they are the skill;',
    "do not invent, paraphrase, or list benefits, duties of the company, or job titles.",
    'Answer as JSON: {"mentions": [{"layer": "skill"|"knowledge", "quote": "…"}]} in the order they appear.',
    "Examples:",
    ...examples.map(
      (example) => `Advert: ${example.text}\nAnswer: ${JSON.stringify({ mentions: example.mentions })}`,
    ),
  ].join("\n");
}

const PROMPT_VERSION = 1;

/**
 * The skills task: an advert in, skill and knowledge quotes out, aligned to character offsets as
 * spans labelled `skill` or `knowledge` (gold SkillSpan imports use the same task name and labels).
 */
export function createSkillsTask(options: SkillsTaskOptions = {}): TeacherTask<SourceDocument, SkillsOutput> {
  const system = buildSkillsSystemPrompt();
  const reaskShare = options.reaskUnalignedShare ?? 1 / 3;
  const align = (document: SourceDocument, output: SkillsOutput) =>
    alignQuotes(
      document.text,
      output.mentions.map((mention) => ({ label: mention.layer, quote: mention.quote })),
      options.alignment ?? {},
    );
  return {
    name: SKILLS_TASK,
    version: `v${PROMPT_VERSION}-${hashValue({ system, schema: z.toJSONSchema(skillsOutputSchema) }).slice(0, 12)}`,
    outputSchema: skillsOutputSchema,
    itemId: (document) => document.id,
    itemFingerprint: (document) => hashValue({ text: document.text, format: document.format ?? "text" }),
    buildMessages(document): ChatMessage[] {
      return [
        { role: "system", content: system },
        { role: "user", content: `Advert:\n${document.text}` },
      ];
    },
    check(document, output) {
      if (output.mentions.length === 0) return [];
      const { unaligned } = align(document, output);
      if (unaligned.length / output.mentions.length <= reaskShare) return [];
      return unaligned
        .slice(0, 10)
        .map((quote) => `quote not found verbatim in the advert (copy it exactly): "${quote.quote}"`);
    },
    toAnnotations(document, output): AnnotationDraft[] {
      const { spans, unaligned } = align(document, output);
      return [{ documentId: document.id, payload: { spans, unaligned } }];
    },
    estimateOutputTokens: (document) => Math.min(2000, 40 + Math.ceil(document.text.length / 12)),
  };
}
