import type { CliIo } from "../src/cli/context.ts";

/** CLI output streams that keep what commands print, for assertions. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interactive: false,
  };
}
