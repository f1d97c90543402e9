import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import type { ReadRow } from "./source-rows.ts";

const textExtensions = new Set([".txt", ".md", ".markdown"]);
const htmlExtensions = new Set([".html", ".htm"]);

/** True for the file names a folder import takes. */
export function isDocumentFileName(name: string): boolean {
  const extension = extname(name).toLowerCase();
  return textExtensions.has(extension) || htmlExtensions.has(extension);
}

/** The .txt/.md/.html files under a folder, recursively, in name order (hidden ones left out). */
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
 * One row per .txt/.md/.html file under a folder (recursively, in name order), id = the path
 * relative to the folder with forward slashes. Each file is read whole: it is one document.
 * A single file is taken as a folder of one (id = its name).
 */
export async function* readFolderRows(folderOrFile: string): AsyncGenerator<ReadRow> {
  const single = !statSync(folderOrFile).isDirectory();
  const root = single ? dirname(folderOrFile) : folderOrFile;
  for (const path of single ? [folderOrFile] : listDocumentFiles(root)) {
    const id = relative(root, path).split(sep).join("/");
    const html = htmlExtensions.has(extname(path).toLowerCase());
    yield {
      kind: "row",
      file: path,
      values: { id, text: readFileSync(path, "utf8") },
      format: html ? "html" : "text",
    };
  }
}
