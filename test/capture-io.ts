import type { CliIo } from "../src/cli/context.ts";
import { runCli } from "../src/cli/program.ts";

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

/** Runs the CLI with captured output: the exit code and what it printed on each stream. */
export async function runCaptured(
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}
