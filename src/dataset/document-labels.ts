import type { SourceDocument } from "../core/types.ts";
import type { AnnotationReader } from "../store/index.ts";

/** The label a stored document carries: `meta.label` (what `generate` and a labelled import write). */
export function documentLabel(document: SourceDocument): string | undefined {
  const label = document.meta?.label;
  return typeof label === "string" && label.trim() !== "" ? label.trim() : undefined;
}

/**
 * Single-label `classify` annotations by document: gold before teacher ones, the latest of a kind
 * winning. Multi-label answers (none or several labels) are not one document label and are left out.
 */
export function classifyLabels(reader: Pick<AnnotationReader, "annotations">): Map<string, string> {
  const byDocument = new Map<string, { label: string; gold: boolean }>();
  for (const annotation of reader.annotations.list({ task: "classify" })) {
    const labels = annotation.payload.labels ?? [];
    if (labels.length !== 1) continue;
    const gold = annotation.source.kind === "gold";
    const previous = byDocument.get(annotation.documentId);
    if (previous?.gold && !gold) continue;
    byDocument.set(annotation.documentId, { label: labels[0] as string, gold });
  }
  return new Map([...byDocument].map(([id, { label }]) => [id, label]));
}

export interface LabelledWholeDocument {
  document: SourceDocument;
  label: string;
  /** Where the label came from: the document's `meta.label`, or a single-label classify annotation. */
  labelledBy: "meta" | "classify";
}

/**
 * Every stored document with its one label (`meta.label`, else a single-label `classify`
 * annotation, gold before teacher), keeping those whose label is in `labels` (all when undefined).
 * The others are counted in `skipped` by label (`(none)` for unlabelled ones), never dropped silently.
 */
export function labelledDocuments(
  reader: AnnotationReader,
  labels?: readonly string[],
): { documents: LabelledWholeDocument[]; skipped: Record<string, number> } {
  const annotated = classifyLabels(reader);
  const skipped: Record<string, number> = {};
  const documents: LabelledWholeDocument[] = [];
  for (const document of reader.documents.list()) {
    const own = documentLabel(document);
    const label = own ?? annotated.get(document.id);
    if (label === undefined || (labels !== undefined && !labels.includes(label))) {
      const key = label ?? "(none)";
      skipped[key] = (skipped[key] ?? 0) + 1;
      continue;
    }
    documents.push({ document, label, labelledBy: own === undefined ? "classify" : "meta" });
  }
  return { documents, skipped };
}
