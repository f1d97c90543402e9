import { z } from "zod";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";
import type { AnnotationDraft } from "../../core/types.ts";

/** One stored label to grade: a skill phrase and its type, or a quote and its category. */
export interface JudgeItem {
  /** Unique within a batch: the document id, or `docId#spanIndex` for spans. */
  id: string;
  documentId: string;
  /** The phrase or quote being judged. */
  text: string;
  /** The label the labeller gave it. */
  label: string;
  /** Surrounding text for spans (the sentence), when there is one. */
  context?: string;
  /** A span's offsets in its document, to find a gold span at the same place. */
  start?: number;
  end?: number;
}

export interface JudgeBatch {
  batchId: string;
  items: JudgeItem[];
}

export const judgeOutputSchema = z.object({
  verdicts: z.array(
    z.object({
      id: z.string(),
      verdict: z.enum(["correct", "incorrect"]),
      /** The judge's own label for the item. */
      label: z.string(),
      reason: z.string().optional(),
    }),
  ),
});
export type JudgeOutput = z.infer<typeof judgeOutputSchema>;

export interface Judgement {
  itemId: string;
  text: string;
  judgedLabel: string;
  verdict: "correct" | "incorrect";
  /** The judge's own label, or undefined when it answered with a word outside the label set. */
  judgeLabel: string | undefined;
  rawJudgeLabel: string;
  reason?: string;
}

/** What the judge tasks keep in `payload.data` (one annotation per document and batch). */
export interface JudgeAnnotationData {
  judgements: Judgement[];
}

export interface JudgeTaskDefinition {
  /** The task whose labels are judged ("skill-type", "requirements"). */
  judgedTask: string;
  /** Label names and definitions, shown to the judge. */
  labels: readonly { id: string; definition: string }[];
  /** What an item is: "skill phrase", "quote from a job advert". */
  itemNoun: string;
}

const PROMPT_VERSION = 1;

/**
 * An LLM-as-judge task: a batch of stored labels in, a verdict, the judge's own label and a short
 * reason for each out. Ids are checked like the skill-type task's (re-ask on missing, extra or
 * repeated ids); after the re-asks, items without a verdict are left out of the annotation.
 */
export function createJudgeTask(
  definition: JudgeTaskDefinition,
  options: { idRepairs?: number } = {},
): TeacherTask<JudgeBatch, JudgeOutput> {
  const idRepairs = options.idRepairs ?? 2;
  const answersSeen = new WeakMap<JudgeBatch, number>();
  const labelIds = new Map(definition.labels.map((label) => [label.id.toLowerCase(), label.id]));
  const system = [
    `You audit labels that another model gave to each ${definition.itemNoun}. The labels:`,
    ...definition.labels.map((label) => `- ${label.id}: ${label.definition}`),
    "For each item say whether its label is correct, give the label you would choose (one of the labels above),",
    "and a reason in under 15 words.",
    'Answer as JSON: {"verdicts": [{"id": …, "verdict": "correct"|"incorrect", "label": …, "reason": …}]}, one per id.',
  ].join("\n");
  return {
    name: judgeTaskName(definition.judgedTask),
    version: `v${PROMPT_VERSION}-${hashValue({ system, schema: z.toJSONSchema(judgeOutputSchema) }).slice(0, 12)}`,
    outputSchema: judgeOutputSchema,
    itemId: (batch) => batch.batchId,
    itemFingerprint: (batch) =>
      hashValue(batch.items.map((item) => [item.id, item.text, item.label, item.context ?? ""])),
    buildMessages(batch): ChatMessage[] {
      const list = batch.items.map((item) => ({
        id: item.id,
        [definition.itemNoun.includes("quote") ? "quote" : "phrase"]: item.text,
        label: item.label,
        context: item.context,
      }));
      return [
        { role: "system", content: system },
        { role: "user", content: `Judge these ${list.length} items:\n${JSON.stringify(list)}` },
      ];
    },
    check(batch, output) {
      const seen = (answersSeen.get(batch) ?? 0) + 1;
      answersSeen.set(batch, seen);
      if (seen > idRepairs) return [];
      const expected = new Set(batch.items.map((item) => item.id));
      const counts = new Map<string, number>();
      for (const verdict of output.verdicts) counts.set(verdict.id, (counts.get(verdict.id) ?? 0) + 1);
      const issues: string[] = [];
      const missing = [...expected].filter((id) => !counts.has(id));
      const extra = [...counts.keys()].filter((id) => !expected.has(id));
      const repeated = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
      if (missing.length > 0) issues.push(`missing ids (judge each once): ${missing.join(", ")}`);
      if (extra.length > 0) issues.push(`ids that were not asked about: ${extra.join(", ")}`);
      if (repeated.length > 0) issues.push(`ids judged more than once: ${repeated.join(", ")}`);
      return issues;
    },
    toAnnotations(batch, output): AnnotationDraft[] {
      const byId = new Map<string, JudgeOutput["verdicts"][number]>();
      for (const verdict of output.verdicts) if (!byId.has(verdict.id)) byId.set(verdict.id, verdict);
      const byDocument = new Map<string, Judgement[]>();
      for (const item of batch.items) {
        const verdict = byId.get(item.id);
        if (!verdict) continue;
        const judgement: Judgement = {
          itemId: item.id,
          text: item.text,
          judgedLabel: item.label,
          verdict: verdict.verdict,
          judgeLabel: labelIds.get(verdict.label.trim().toLowerCase()),
          rawJudgeLabel: verdict.label,
        };
        if (verdict.reason !== undefined) judgement.reason = verdict.reason;
        byDocument.set(item.documentId, [...(byDocument.get(item.documentId) ?? []), judgement]);
      }
      return [...byDocument].map(([documentId, judgements]) => {
        const data: JudgeAnnotationData = { judgements };
        return { documentId, payload: { data } };
      });
    },
    estimateOutputTokens: (batch) => batch.items.length * 40 + 10,
  };
}

export function judgeTaskName(judgedTask: string): string {
  return `judge-${judgedTask}`;
}

/** Batches of items in order, each with a stable id from its items. */
export function judgeBatches(items: readonly JudgeItem[], batchSize = 10): JudgeBatch[] {
  const batches: JudgeBatch[] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    const slice = items.slice(start, start + batchSize);
    batches.push({
      batchId: `judge-${hashValue(slice.map((item) => [item.id, item.label])).slice(0, 12)}`,
      items: slice,
    });
  }
  return batches;
}
