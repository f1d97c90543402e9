import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import {
  binaryDocumentExtensions,
  extractDocumentText,
  isExtractableFileName,
} from "./extract-document-text.ts";
import type { ReadRow } from "./source-rows.ts";

/** True for the file names a folder import takes: .txt/.md/.html, .pdf and .docx. */
export function isDocumentFileName(name: string): boolean {
  return isExtractableFileName(name);
}

/** Why a folder import left a file out. */
export type SkipReason = "symlink" | "not a regular file" | "other extension" | "binary content";

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface FolderReadOptions {
  /** Told of every file left out (hidden files are left out without a word). */
  onSkip?: ((skipped: SkippedFile) => void) | undefined;
}

/**
 * The document files under a folder, recursively, in name order (hidden ones left out).
 * Symlinks are not followed, and FIFOs, sockets and devices are never opened (a FIFO would block
 * the import forever): each is reported to `onSkip`, as is every file with another extension.
 */
export function listDocumentFiles(root: string, options: FolderReadOptions = {}): string[] {
  const files: string[] = [];
  const skip = (path: string, reason: SkipReason): void => options.onSkip?.({ path, reason });
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink()) skip(path, "symlink");
      else if (!entry.isFile()) skip(path, "not a regular file");
      else if (isDocumentFileName(entry.name)) files.push(path);
      else skip(path, "other extension");
    }
  };
  walk(root);
  return files;
}

/** Like git: a NUL byte in the first 8,000 bytes means the file is not text. */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/**
 * One row per document file under a folder (recursively, in name order), id = the path relative to
 * the folder with forward slashes. Each file is one document; PDF and DOCX files are reduced to
 * their text. A file with no readable text (broken, encrypted, image-only, empty) is a bad row that
 * names the file and the reason, so it is reported, never skipped; a .txt/.md/.html file with binary
 * content is left out and reported to `onSkip`. A single file is taken as a folder of one (id = its name).
 */
export async function* readFolderRows(
  folderOrFile: string,
  options: FolderReadOptions = {},
): AsyncGenerator<ReadRow> {
  const single = !statSync(folderOrFile).isDirectory();
  const root = single ? dirname(folderOrFile) : folderOrFile;
  for (const path of single ? [folderOrFile] : listDocumentFiles(root, options)) {
    const id = relative(root, path).split(sep).join("/");
    const bytes = new Uint8Array(readFileSync(path));
    const binaryFormat = (binaryDocumentExtensions as readonly string[]).includes(
      extname(path).toLowerCase(),
    );
    if (!binaryFormat && looksBinary(bytes)) {
      options.onSkip?.({ path, reason: "binary content" });
      continue;
    }
    const extracted = await extractDocumentText(path, bytes);
    if (!extracted.ok) {
      yield { kind: "bad", file: path, reason: extracted.reason };
      continue;
    }
    yield { kind: "row", file: path, values: { id, text: extracted.text }, format: extracted.format };
  }
}
