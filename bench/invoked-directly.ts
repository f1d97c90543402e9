import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * True when the module at `moduleUrl` is the script being run (`node bin/run-ts.js bench/x.ts`, or
 * `tsx bench/x.ts`), false when another script imports it for its exported bench function.
 */
export function invokedDirectly(moduleUrl: string): boolean {
  const entry = process.env.JOBDISTILL_ENTRY ?? process.argv[1];
  return entry !== undefined && resolve(entry) === fileURLToPath(moduleUrl);
}
