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

/** The value after `name` in a bench's command line (`--items 400`), if the flag is there. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** `flagValue` as a number (NaN when it is not one, for the bench to refuse). */
export function numberFlag(args: readonly string[], name: string): number | undefined {
  const value = flagValue(args, name);
  return value === undefined ? undefined : Number(value);
}
