import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { DEFAULT_WORKSPACE_DIR, openWorkspace, type Workspace } from "../store/index.ts";

/** Output streams of the CLI, injectable so commands can be tested without a terminal. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
  /** Standard input, for commands that stream it. @default process.stdin */
  inputStream?: Readable;
  /** Standard output as a stream, for commands that write as they go. @default process.stdout */
  outputStream?: Writable;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** The workspace folder chosen with the global `--workspace` option (or the default). */
export function workspaceDirOf(command: Command): string {
  const options = command.optsWithGlobals<{ workspace?: string }>();
  return options.workspace ?? process.env.JOBDISTILL_WORKSPACE ?? DEFAULT_WORKSPACE_DIR;
}

/** Opens the command's workspace, runs `body`, and always closes the database. */
export async function withWorkspace<T>(
  command: Command,
  body: (workspace: Workspace) => Promise<T> | T,
): Promise<T> {
  const workspace = openWorkspace(workspaceDirOf(command));
  try {
    return await body(workspace);
  } finally {
    workspace.close();
  }
}
