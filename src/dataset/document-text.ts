import { htmlToText } from "../align/index.ts";
import type { SourceDocument } from "../core/types.ts";

/**
 * The text a document's spans point into: the text itself, or for HTML the reduced text the
 * aligner works on (the same reduction the teacher, gold imports and datasets use).
 */
export function labelledText(document: SourceDocument): string {
  return document.format === "html" ? htmlToText(document.text).text : document.text;
}
