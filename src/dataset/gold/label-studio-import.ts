import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import type { AnnotationSource, Span } from "../../core/types.ts";
import { contentHash, type GoldImportStore } from "../../store/index.ts";
import { labelledText } from "../document-text.ts";

const resultSchema = z.looseObject({
  type: z.string(),
  value: z.looseObject({
    start: z.number().int().nonnegative().optional(),
    end: z.number().int().nonnegative().optional(),
    text: z.string().optional(),
    labels: z.array(z.string()).optional(),
  }),
});
const completionSchema = z.looseObject({
  was_cancelled: z.boolean().optional(),
  result: z.array(z.unknown()).default([]),
});
const taskSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  data: z.looseObject({ text: z.string(), doc_id: z.string().optional(), id: z.unknown().optional() }),
  annotations: z.array(completionSchema).optional(),
  predictions: z.array(completionSchema).optional(),
});

export interface LabelStudioImportOptions {
  /** Task the annotations belong to (default "requirements"). */
  task?: string | undefined;
  /** Who made them: gold (default) or human. */
  sourceKind?: Extract<AnnotationSource["kind"], "gold" | "human"> | undefined;
  /** Source name (default "label-studio"). */
  sourceName?: string | undefined;
  /** Use a task's last prediction when it has no (uncancelled) annotation. Default false. */
  includePredictions?: boolean | undefined;
}

export interface LabelStudioImportSummary {
  tasks: number;
  documentsInserted: number;
  /** Tasks whose text was already stored (by `data.doc_id` or by content). */
  documentsExisting: number;
  annotations: number;
  spans: number;
  /** Tasks without an annotation to import (or only cancelled ones). */
  unannotated: number;
  /** Spans whose `value.text` differed from the text at their offsets (the offsets win). */
  offsetMismatches: number;
  /** Results that are not span labels (choices, ratings, …) or have no offsets: not imported, counted. */
  skippedResults: number;
  /** Tasks that could not be read, with their position in the file. */
  badTasks: { index: number; reason: string }[];
}

/**
 * Imports a Label Studio JSON export: each task's `data.text` becomes a document (or is matched to
 * the stored document it was exported from, via `data.doc_id`, HTML documents included), and its
 * last uncancelled annotation becomes a gold (or human) annotation whose spans are the `labels`
 * results (one span per label). Offsets are Label Studio's, into `data.text`.
 */
export function importLabelStudio(
  workspace: GoldImportStore,
  path: string,
  options: LabelStudioImportOptions = {},
): LabelStudioImportSummary {
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new InputError(`${path}: not a JSON file: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(parsed)) throw new InputError(`${path}: expected a JSON array of Label Studio tasks`);
  const task = options.task ?? "requirements";
  const source: AnnotationSource = {
    kind: options.sourceKind ?? "gold",
    name: options.sourceName ?? "label-studio",
  };
  const summary: LabelStudioImportSummary = {
    tasks: 0,
    documentsInserted: 0,
    documentsExisting: 0,
    annotations: 0,
    spans: 0,
    unannotated: 0,
    offsetMismatches: 0,
    skippedResults: 0,
    badTasks: [],
  };
  workspace.transaction(() => {
    parsed.forEach((raw: unknown, index: number) => {
      const entry = taskSchema.safeParse(raw);
      if (!entry.success) {
        summary.badTasks.push({ index, reason: z.prettifyError(entry.error) });
        return;
      }
      summary.tasks++;
      const { data } = entry.data;
      const documentId = resolveDocument(workspace, entry.data.data, entry.data.id, basename(path), summary);
      if (documentId === undefined) {
        summary.badTasks.push({ index, reason: `id conflict: document "${data.doc_id}" holds other text` });
        return;
      }
      const completions = (entry.data.annotations ?? []).filter((completion) => !completion.was_cancelled);
      const chosen =
        completions.at(-1) ?? (options.includePredictions ? entry.data.predictions?.at(-1) : undefined);
      if (!chosen) {
        summary.unannotated++;
        return;
      }
      const spans: Span[] = [];
      for (const rawResult of chosen.result) {
        const result = resultSchema.safeParse(rawResult);
        const value = result.success ? result.data.value : undefined;
        if (
          !result.success ||
          result.data.type !== "labels" ||
          value?.start === undefined ||
          value.end === undefined ||
          !value.labels
        ) {
          summary.skippedResults++;
          continue;
        }
        const text = data.text.slice(value.start, value.end);
        if (value.text !== undefined && value.text !== text) summary.offsetMismatches++;
        for (const label of value.labels) {
          spans.push({ start: value.start, end: value.end, label, text, alignment: "given" });
        }
      }
      spans.sort((a, b) => a.start - b.start || a.end - b.end);
      workspace.annotations.insert({
        documentId,
        task,
        taskVersion: "label-studio",
        source,
        payload: { spans },
      });
      summary.annotations++;
      summary.spans += spans.length;
    });
  });
  return summary;
}

function resolveDocument(
  workspace: GoldImportStore,
  data: { text: string; doc_id?: string | undefined; id?: unknown },
  taskId: number | string | undefined,
  fileName: string,
  summary: LabelStudioImportSummary,
): string | undefined {
  if (data.doc_id !== undefined) {
    const stored = workspace.documents.get(data.doc_id);
    if (stored && labelledText(stored) === data.text) {
      summary.documentsExisting++;
      return stored.id;
    }
  }
  const givenId =
    data.doc_id ??
    (typeof data.id === "string" || typeof data.id === "number" ? String(data.id) : undefined) ??
    (taskId === undefined ? undefined : `label-studio-${taskId}`) ??
    `doc-${contentHash(data.text).slice(0, 16)}`;
  const result = workspace.documents.insert({ id: givenId, text: data.text, source: fileName });
  if (result.status === "id-conflict") return undefined;
  if (result.status === "inserted") summary.documentsInserted++;
  else summary.documentsExisting++;
  return result.existingId ?? result.id;
}
