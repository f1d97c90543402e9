import { z } from "zod";
import { type AlignmentStats, mergeAlignmentStats } from "../align/index.ts";
import { UsageError } from "../core/errors.ts";
import type { Annotation, AnnotationSource, SourceDocument, Span } from "../core/types.ts";
import type { AnnotationReader } from "../store/index.ts";
import { alignmentStatsSchema } from "../tasks/requirements/schema.ts";
import { labelledText } from "./document-text.ts";

const sourceKinds: readonly AnnotationSource["kind"][] = ["teacher", "gold", "human", "lexicon", "student"];

/** A document with the merged spans of the chosen source. */
export interface LabelledDocument {
  document: SourceDocument;
  /** The text the spans point into (HTML reduced). */
  text: string;
  spans: Span[];
  /** Quotes the teacher returned that could not be aligned. */
  unaligned: number;
  /** The aligner's own counts summed over the annotations (`payload.data.stats`), when they carry them. */
  alignmentStats?: AlignmentStats | undefined;
}

const dataWithStatsSchema = z.looseObject({ stats: alignmentStatsSchema });

export interface AnnotationSelection {
  task: string;
  /** The source as chosen: a kind ("teacher") narrowed to its one name, or a name. */
  source: { kind: AnnotationSource["kind"]; name: string };
  documents: LabelledDocument[];
  /** Spans whose offsets do not reproduce their text: left out, counted. */
  invalidSpans: number;
  /** Annotations that point at a document no longer in the store. */
  missingDocuments: number;
}

function describeSources(workspace: AnnotationReader, task: string): string {
  const sources = workspace.annotations.sources(task);
  return sources.length === 0
    ? "none"
    : sources.map((source) => `${source.kind} "${source.name}" (${source.count})`).join(", ");
}

/** The one source a request names: a kind narrowed to its single name, a name, or (undefined) the first kind present. */
export function resolveAnnotationSource(
  workspace: AnnotationReader,
  task: string,
  requested: string | undefined,
): { kind: AnnotationSource["kind"]; name: string } {
  const sources = workspace.annotations.sources(task);
  if (sources.length === 0) throw new UsageError(`no annotations for task "${task}" in this workspace`);
  const kind =
    requested === undefined
      ? sourceKinds.find((candidate) => sources.some((source) => source.kind === candidate))
      : sourceKinds.find((candidate) => candidate === requested);
  if (kind !== undefined) {
    const names = sources.filter((source) => source.kind === kind).map((source) => source.name);
    const [only] = names;
    if (only === undefined) {
      throw new UsageError(
        `no ${kind} annotations for task "${task}" (sources: ${describeSources(workspace, task)})`,
      );
    }
    if (names.length > 1) {
      throw new UsageError(
        `task "${task}" has ${kind} annotations from ${names.length} sources; choose one with --source: ${names.join(", ")}`,
      );
    }
    return { kind, name: only };
  }
  const byName = sources.filter((source) => source.name === requested);
  const [match] = byName;
  if (match === undefined || byName.length > 1) {
    throw new UsageError(
      `no single annotation source "${requested}" for task "${task}" (sources: ${describeSources(workspace, task)})`,
    );
  }
  return { kind: match.kind as AnnotationSource["kind"], name: match.name };
}

/**
 * The annotations of one task and source, merged per document. A source is a kind (`teacher`,
 * `gold`, …; it must have a single name) or a source name; by default the first kind present in
 * the order teacher, gold, human, lexicon, student. A document's annotations (the chunks of a long
 * advert) are merged: spans are united and identical ones kept once. When a source annotated a
 * document under several task versions (a prompt change), only the newest version counts.
 */
export function selectAnnotations(
  workspace: AnnotationReader,
  options: { task: string; source?: string | undefined },
): AnnotationSelection {
  const source = resolveAnnotationSource(workspace, options.task, options.source);
  const annotations = workspace.annotations.list({
    task: options.task,
    sourceKind: source.kind,
    sourceName: source.name,
  });
  const byDocument = new Map<string, Annotation[]>();
  for (const annotation of annotations) {
    const list = byDocument.get(annotation.documentId) ?? [];
    list.push(annotation);
    byDocument.set(annotation.documentId, list);
  }
  const selection: AnnotationSelection = {
    task: options.task,
    source,
    documents: [],
    invalidSpans: 0,
    missingDocuments: 0,
  };
  for (const [documentId, list] of byDocument) {
    const document = workspace.documents.get(documentId);
    if (!document) {
      selection.missingDocuments++;
      continue;
    }
    const newestVersion = list.reduce((newest, annotation) =>
      annotation.createdAt > newest.createdAt ? annotation : newest,
    ).taskVersion;
    const text = labelledText(document);
    const spans = new Map<string, Span>();
    let unaligned = 0;
    let alignmentStats: AlignmentStats | undefined;
    for (const annotation of list) {
      if (annotation.taskVersion !== newestVersion) continue;
      unaligned += annotation.payload.unaligned?.length ?? 0;
      const stats = dataWithStatsSchema.safeParse(annotation.payload.data);
      if (stats.success) {
        alignmentStats = mergeAlignmentStats(...(alignmentStats ? [alignmentStats] : []), stats.data.stats);
      }
      for (const span of annotation.payload.spans ?? []) {
        if (text.slice(span.start, span.end) !== span.text || span.end <= span.start) {
          selection.invalidSpans++;
          continue;
        }
        const key = `${span.start}:${span.end}:${span.label}`;
        if (!spans.has(key)) spans.set(key, span);
      }
    }
    selection.documents.push({
      document,
      text,
      spans: [...spans.values()].sort((a, b) => a.start - b.start || a.end - b.end),
      unaligned,
      alignmentStats,
    });
  }
  return selection;
}
