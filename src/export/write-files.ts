import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, InputError } from "../core/errors.ts";

/** Creates `outDir` and writes every file; a failure names the file. */
export function writeFiles(outDir: string, files: Record<string, string | Uint8Array>): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (cause) {
    throw new InputError(`cannot create the export folder ${outDir}: ${errorMessage(cause)}`, { cause });
  }
  for (const [name, contents] of Object.entries(files)) {
    const path = join(outDir, name);
    try {
      writeFileSync(path, contents);
    } catch (cause) {
      throw new InputError(`cannot write ${path}: ${errorMessage(cause)}`, { cause });
    }
  }
}
