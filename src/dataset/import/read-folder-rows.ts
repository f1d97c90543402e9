import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { extractDocumentText, isExtractableFileName } from "./extract-document-text.ts";
import type { ReadRow } from "./source-rows.ts";

/** True for the file names a folder import takes: .txt/.md/.html, .pdf and .docx. */
export function isDocumentFileName(name: string): boolean {
  return isExtractableFileName(name);
}

/** The document files under a folder, recursively, in name order (hidden ones left out). */
export function listDocumentFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isDocumentFileName(entry.name)) files.push(path);
    }
  };
  walk(root);
  return files;
}

/**
 * One row per document file under a folder (recursively, in name order), id = the path relative to
 * the folder with forward slashes. Each file is one document; PDF and DOCX files are reduced to
 * their text. A file with no readable text (broken, encrypted, image-only, empty) is a bad row that
 * names the file and the reason, so it is reported, never skipped. A single file is taken as a
 * folder of one (id = its name).
 */
export async function* readFolderRows(folderOrFile: string): AsyncGenerator<ReadRow> {
  const single = !statSync(folderOrFile).isDirectory();
  const root = single ? dirname(folderOrFile) : folderOrFile;
  for (const path of single ? [folderOrFile] : listDocumentFiles(root)) {
    const id = relative(root, path).split(sep).join("/");
    const extracted = await extractDocumentText(path);
    if (!extracted.ok) {
      yield { kind: "bad", file: path, reason: extracted.reason };
      continue;
    }
    yield { kind: "row", file: path, values: { id, text: extracted.text }, format: extracted.format };
  }
}
