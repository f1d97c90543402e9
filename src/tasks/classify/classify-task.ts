import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";
import type { SourceDocument } from "../../core/types.ts";

export interface ClassifyTaskOptions {
  /** The label set, in the order the prompt lists it. */
  labels: readonly string[];
  /** Any number of labels per document instead of exactly one. */
  multi?: boolean | undefined;
  /** Extra guidance for the model (what the labels mean, edge cases). */
  instructions?: string | undefined;
  /** Ask for a short reasoning before the label(s); stored with the call, never used as a label. */
  reasoning?: boolean | undefined;
}

/** The answer: `label` (or `labels` with `multi`), with the reasoning first when it is asked for. */
export interface ClassifyOutput {
  reasoning?: string;
  label?: string;
  labels?: string[];
}

const promptVersion = 1;

/** Documents longer than this are cut for the prompt, so one huge document cannot blow the context. */
const maxDocumentChars = 12_000;

function systemPrompt(options: ClassifyTaskOptions): string {
  const choice = options.multi
    ? "Choose every label that applies (possibly none) and answer with them in `labels`."
    : "Choose exactly one label and answer with it in `label`.";
  return [
    "You classify documents into a fixed set of labels.",
    `Labels: ${options.labels.map((label) => JSON.stringify(label)).join(", ")}.`,
    choice,
    ...(options.reasoning ? ["First give a one- or two-sentence `reasoning`, then the answer."] : []),
    ...(options.instructions ? [`Instructions: ${options.instructions}`] : []),
    "Answer with a JSON object only.",
  ].join("\n");
}

function outputSchema(options: ClassifyTaskOptions): z.ZodType<ClassifyOutput> {
  const label = z.enum(options.labels as [string, ...string[]]);
  if (options.multi) {
    return options.reasoning
      ? z.strictObject({ reasoning: z.string(), labels: z.array(label) })
      : z.strictObject({ labels: z.array(label) });
  }
  return options.reasoning ? z.strictObject({ reasoning: z.string(), label }) : z.strictObject({ label });
}

/** The generic `classify` task: each document gets one (or, with `multi`, several) of the user's labels. */
export function createClassifyTask(
  options: ClassifyTaskOptions,
): TeacherTask<SourceDocument, ClassifyOutput> {
  const labels = options.labels.map((label) => label.trim()).filter((label) => label.length > 0);
  if (labels.length < (options.multi ? 1 : 2)) {
    throw new UsageError(
      `classify needs ${options.multi ? "at least one label" : "at least two labels"} (--labels a,b,c)`,
    );
  }
  if (new Set(labels).size !== labels.length)
    throw new UsageError("classify labels must be distinct (--labels)");
  const normalised: ClassifyTaskOptions = { ...options, labels };
  const system = systemPrompt(normalised);
  const schema = outputSchema(normalised);
  return {
    name: "classify",
    version: hashValue({
      promptVersion,
      system,
      multi: Boolean(options.multi),
      reasoning: Boolean(options.reasoning),
    }).slice(0, 16),
    outputSchema: schema,
    itemId: (document) => document.id,
    itemFingerprint: (document) => hashValue({ id: document.id, text: document.text }),
    buildMessages: (document): ChatMessage[] => [
      { role: "system", content: system },
      { role: "user", content: `Document:\n${document.text.slice(0, maxDocumentChars)}` },
    ],
    toAnnotations: (document, output) => [
      {
        documentId: document.id,
        payload: { labels: output.labels ?? (output.label === undefined ? [] : [output.label]) },
      },
    ],
    estimateOutputTokens: () => (options.reasoning ? 80 : 20) + (options.multi ? 8 * labels.length : 8),
  };
}
