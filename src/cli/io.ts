import type { Readable, Writable } from "node:stream";

/** Output streams of the CLI, injectable so commands can be tested without a terminal. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
  /** Standard input, for commands that stream it. @default process.stdin */
  inputStream?: Readable | undefined;
  /** Standard output as a stream, for commands that write as they go. @default process.stdout */
  outputStream?: Writable;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};
