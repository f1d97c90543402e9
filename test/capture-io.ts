import { type Readable, Writable } from "node:stream";
import type { CliIo } from "../src/cli/context.ts";
import { runCli } from "../src/cli/program.ts";

/**
 * CLI output streams that keep what commands print, for assertions: lines given to `out`, and the
 * lines written to the `stdout` stream, in one list. `onLine` sees each streamed line as it comes.
 */
export function captureIo(
  options: { stdin?: Readable; onLine?: (line: string) => void } = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let partial = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        stdout.push(line);
        options.onLine?.(line);
      }
      done();
    },
  });
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interactive: false,
    outputStream: stream,
    inputStream: options.stdin,
  };
}

/** Runs the CLI with captured output: the exit code and what it printed on each stream. */
export async function runCaptured(
  args: readonly string[],
  options: { stdin?: Readable } = {},
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(options);
  const code = await runCli(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}
