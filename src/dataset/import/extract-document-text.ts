import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { errorMessage } from "../../core/errors.ts";

/** The file kinds a folder import (and `screen`) reads as one document each. */
export const textExtensions = [".txt", ".md", ".markdown"] as const;
export const htmlExtensions = [".html", ".htm"] as const;
export const binaryDocumentExtensions = [".pdf", ".docx"] as const;

/** A file's text, or why there is none (unreadable, encrypted, image-only, not the format it claims). */
export type ExtractedText =
  | { ok: true; text: string; format: "text" | "html" }
  | { ok: false; reason: string };

const has = (list: readonly string[], extension: string): boolean => list.includes(extension);

/** True for the names `extractDocumentText` reads. */
export function isExtractableFileName(name: string): boolean {
  const extension = extname(name).toLowerCase();
  return (
    has(textExtensions, extension) ||
    has(htmlExtensions, extension) ||
    has(binaryDocumentExtensions, extension)
  );
}

/** PDF text by unpdf (PDF.js): pages joined by blank lines; no text at all means image-only. */
async function pdfText(bytes: Uint8Array): Promise<ExtractedText> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  let pages: string[];
  try {
    // verbosity 0: PDF.js warns on stderr about broken files, which the reason already says.
    const document = await getDocumentProxy(bytes, { verbosity: 0 });
    try {
      pages = (await extractText(document, { mergePages: false })).text;
    } finally {
      await document.destroy();
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "PasswordException") return { ok: false, reason: "encrypted PDF (needs a password)" };
    return { ok: false, reason: `unreadable PDF: ${errorMessage(error)}` };
  }
  const text = pages.map((page) => page.trim()).join("\n\n");
  if (text.trim() === "") {
    return { ok: false, reason: `no text in the PDF (${pages.length} page(s); scanned or image-only?)` };
  }
  return { ok: true, text, format: "text" };
}

/** DOCX text by mammoth (paragraphs as lines). */
async function docxText(bytes: Uint8Array): Promise<ExtractedText> {
  const mammoth = (await import("mammoth")).default;
  let text: string;
  try {
    text = (await mammoth.extractRawText({ buffer: Buffer.from(bytes) })).value;
  } catch (error) {
    return { ok: false, reason: `unreadable DOCX: ${errorMessage(error)}` };
  }
  if (text.trim() === "") return { ok: false, reason: "no text in the DOCX" };
  return { ok: true, text: text.replace(/\n{3,}/g, "\n\n").trim(), format: "text" };
}

/**
 * The text of one document file by its extension: .txt/.md as is, .html kept as HTML (the store
 * and the students reduce it with `htmlToText`), .pdf through unpdf, .docx through mammoth. Never
 * throws for a bad file: the reason comes back so callers report the file by name.
 */
export async function extractDocumentText(path: string, bytes?: Uint8Array): Promise<ExtractedText> {
  let content: Uint8Array;
  try {
    content = bytes ?? (await readFile(path));
  } catch (error) {
    return { ok: false, reason: `cannot read the file: ${errorMessage(error)}` };
  }
  const extension = extname(path).toLowerCase();
  if (extension === ".pdf") return pdfText(new Uint8Array(content));
  if (extension === ".docx") return docxText(content);
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("utf8");
  if (text.trim() === "") return { ok: false, reason: "empty file" };
  return { ok: true, text, format: has(htmlExtensions, extension) ? "html" : "text" };
}
