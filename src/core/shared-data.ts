import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project root (the folder holding package.json): two levels above this module, which is
 * src/core/, dist/core/ or a chunk of the CLI's bundle in dist/cli-bundle/ (scripts/build.mjs).
 */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * A folder of the source tree as this code runs it: under src/ from the TypeScript sources, under
 * dist/ from the compiled package (its modules or the CLI's bundle, whose chunks do not sit beside
 * the files the modules name).
 */
export function runningTreeFolder(...segments: string[]): string {
  return join(projectRoot, import.meta.url.endsWith(".ts") ? "src" : "dist", ...segments);
}

/**
 * Where the shared, read-in-place material lives: `$JOBDISTILL_SHARED`, else `../shared` beside
 * the project root. Returns undefined when the folder is absent (a user's fresh clone).
 */
export function sharedRoot(): string | undefined {
  const fromEnv = process.env.JOBDISTILL_SHARED;
  const candidate = fromEnv ? resolve(fromEnv) : resolve(projectRoot, "..", "shared");
  return existsSync(candidate) ? candidate : undefined;
}

/** Path of a file under the shared folder, or undefined when it is not there. */
export function sharedPath(...parts: string[]): string | undefined {
  const root = sharedRoot();
  if (!root) return undefined;
  const path = join(root, ...parts);
  return existsSync(path) ? path : undefined;
}
