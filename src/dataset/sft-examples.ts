import { z } from "zod";
import { UsageError } from "../core/errors.ts";
import type { ChatMessage } from "../core/task.ts";
import type { Annotation, SourceDocument, Span } from "../core/types.ts";
import type { Workspace } from "../store/index.ts";
import { type LabelTaskSettings, taskRegistry } from "../tasks/registry.ts";
import type { RequirementsInput } from "../tasks/requirements/schema.ts";
import {
  type AnnotationSelection,
  resolveAnnotationSource,
  selectAnnotations,
} from "./select-annotations.ts";

/** One chat example: the task's own prompt for an item, and its answer as the assistant's message. */
export interface SftExample {
  documentId: string;
  itemId: string;
  messages: ChatMessage[];
  /** The stored parsed answer of the teacher call, or the answer rebuilt from the annotations. */
  answerFrom: "call" | "annotations";
}

export interface SftExampleSet {
  task: string;
  source: AnnotationSelection["source"];
  examples: SftExample[];
  /** Items with no answer: no stored call and nothing the annotations can rebuild (counted). */
  unanswered: number;
  /** Stored answers given to an older prompt (the task's version changed since): kept, counted. */
  staleAnswers: number;
  /** Spans and documents `selectAnnotations` left out. */
  invalidSpans: number;
  missingDocuments: number;
}

/** What a document's chosen annotations say, for rebuilding an answer. */
interface DocumentLabels {
  spans: readonly Span[];
  labels: readonly string[];
}

/** How a task's items map to documents and how its answer is rebuilt from annotations. */
interface SftTaskAdapter {
  documentId(item: unknown): string;
  /** The task's JSON answer for the item from the annotations (validated by the task's schema after). */
  answer(item: unknown, labels: DocumentLabels, settings: LabelTaskSettings): unknown;
}

const documentItem = (item: unknown): SourceDocument => item as SourceDocument;
const requirementsItem = (item: unknown): RequirementsInput => item as RequirementsInput;

const sftAdapters: Record<string, SftTaskAdapter> = {
  requirements: {
    documentId: (item) => requirementsItem(item).documentId,
    answer(item, { spans }) {
      const chunk = requirementsItem(item);
      const end = chunk.offset + chunk.text.length;
      return {
        spans: spans
          .filter((span) => span.start >= chunk.offset && span.end <= end)
          .map((span) => ({
            category: span.label,
            quote: span.text,
            ...(span.attrs?.requirement === undefined ? {} : { requirement: span.attrs.requirement }),
            ...(span.attrs?.years === undefined ? {} : { years: span.attrs.years }),
          })),
      };
    },
  },
  skills: {
    documentId: (item) => documentItem(item).id,
    answer: (_item, { spans }) => ({
      mentions: spans.map((span) => ({ layer: span.label, quote: span.text })),
    }),
  },
  classify: {
    documentId: (item) => documentItem(item).id,
    // A stored reasoning cannot be rebuilt from labels: such items need their stored call.
    answer: (_item, { labels }, settings) =>
      settings.reasoning ? undefined : settings.multi ? { labels: [...labels] } : { label: labels[0] },
  },
};

/** The settings a run recorded (`runParams`) that rebuild its task's prompt. */
const runSettingsSchema = z.looseObject({
  labels: z.array(z.string()).optional(),
  multi: z.boolean().optional(),
  reasoning: z.boolean().optional(),
  instructions: z.string().optional(),
  batchSize: z.number().optional(),
});

function settingsOfRun(
  workspace: Pick<Workspace, "runs">,
  runId: number | undefined,
  wanted: readonly string[],
): LabelTaskSettings {
  const run = runId === undefined ? undefined : workspace.runs.get(runId);
  const parsed = runSettingsSchema.safeParse(run?.params ?? {});
  if (!parsed.success) return {};
  const settings: Record<string, unknown> = {};
  for (const key of wanted) if (parsed.data[key] !== undefined) settings[key] = parsed.data[key];
  return settings as LabelTaskSettings;
}

/** The newest task version's annotations per document (as `selectAnnotations` counts them). */
function newestPerDocument(annotations: readonly Annotation[]): Map<string, Annotation[]> {
  const byDocument = new Map<string, Annotation[]>();
  for (const annotation of annotations) {
    const list = byDocument.get(annotation.documentId) ?? [];
    list.push(annotation);
    byDocument.set(annotation.documentId, list);
  }
  for (const [id, list] of byDocument) {
    const newest = list.reduce((a, b) => (b.createdAt > a.createdAt ? b : a)).taskVersion;
    byDocument.set(
      id,
      list.filter((annotation) => annotation.taskVersion === newest),
    );
  }
  return byDocument;
}

/**
 * The chat examples of one task's labels: every item the task makes of the labelled documents
 * (a chunk of a long advert is its own example), its messages built by the task's own prompt
 * builder, and as the answer the stored parsed answer of the teacher call for that item, or else
 * the task's JSON answer rebuilt from the chosen annotations (gold, human, …). The source is
 * chosen as `dataset build` chooses it. Tasks whose items are not single documents (skill-type's
 * batches) are refused.
 */
export function buildSftExamples(
  workspace: Pick<Workspace, "documents" | "annotations" | "calls" | "runs">,
  options: { task: string; source?: string | undefined },
): SftExampleSet {
  const definition = taskRegistry.get(options.task);
  const adapter = sftAdapters[definition.name];
  if (adapter === undefined) {
    throw new UsageError(
      `export sft takes --task ${Object.keys(sftAdapters).join(", ")}: the items of ${definition.name} are not single documents`,
    );
  }
  const source = resolveAnnotationSource(workspace, options.task, options.source);
  const selection = selectAnnotations(workspace, options);
  const annotations = newestPerDocument(
    workspace.annotations.list({ task: options.task, sourceKind: source.kind, sourceName: source.name }),
  );
  const newestRun = [...annotations.values()]
    .flat()
    .filter((annotation) => annotation.runId !== undefined)
    .reduce<Annotation | undefined>(
      (a, b) => (a === undefined || b.createdAt > a.createdAt ? b : a),
      undefined,
    );
  const settings = settingsOfRun(workspace, newestRun?.runId, definition.settings);
  const documents = selection.documents.map((labelled) => labelled.document);
  const prepared = definition.prepare(settings, { iterate: () => documents });
  const task = prepared.task;

  const storedAnswers = new Map<string, { output: unknown; stale: boolean }>();
  // A document the teacher answered through calls: an item of it without a stored call was never
  // answered (a failed chunk), and rebuilding its answer from the other chunks' spans would be wrong.
  const answeredByCalls = new Set<string>();
  for (const annotation of [...annotations.values()].flat()) {
    if (annotation.callKey === undefined) continue;
    answeredByCalls.add(annotation.documentId);
    const stored = workspace.calls.storedAnswer(annotation.callKey);
    if (stored === undefined || !task.outputSchema.safeParse(stored.output).success) continue;
    storedAnswers.set(stored.itemId, { output: stored.output, stale: stored.taskVersion !== task.version });
  }
  const labelsByDocument = new Map<string, DocumentLabels>(
    selection.documents.map((labelled) => [
      labelled.document.id,
      {
        spans: labelled.spans,
        labels: [
          ...new Set(
            (annotations.get(labelled.document.id) ?? []).flatMap(
              (annotation) => annotation.payload.labels ?? [],
            ),
          ),
        ],
      },
    ]),
  );

  const set: SftExampleSet = {
    task: definition.name,
    source: selection.source,
    examples: [],
    unanswered: 0,
    staleAnswers: 0,
    invalidSpans: selection.invalidSpans,
    missingDocuments: selection.missingDocuments,
  };
  for (const item of prepared.items) {
    const documentId = adapter.documentId(item);
    const itemId = task.itemId(item);
    const stored = storedAnswers.get(itemId);
    let answer: unknown;
    let answerFrom: SftExample["answerFrom"] = "call";
    if (stored !== undefined) {
      answer = stored.output;
      if (stored.stale) set.staleAnswers++;
    } else if (!answeredByCalls.has(documentId)) {
      const labels = labelsByDocument.get(documentId) ?? { spans: [], labels: [] };
      const rebuilt = task.outputSchema.safeParse(adapter.answer(item, labels, settings));
      answer = rebuilt.success ? rebuilt.data : undefined;
      answerFrom = "annotations";
    }
    if (answer === undefined) {
      set.unanswered++;
      continue;
    }
    set.examples.push({
      documentId,
      itemId,
      messages: [...task.buildMessages(item), { role: "assistant", content: JSON.stringify(answer) }],
      answerFrom,
    });
  }
  return set;
}
