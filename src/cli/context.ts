import type { Command } from "commander";
import { JobdistillError } from "../core/errors.ts";
import { DEFAULT_WORKSPACE_DIR, openWorkspace, type Workspace } from "../store/index.ts";

// The CLI's streams live apart from the workspace helpers, so the program can start without the store.
export { type CliIo, processIo } from "./io.ts";

/** The workspace folder chosen with the global `--workspace` option (or the default). */
export function workspaceDirOf(command: Command): string {
  const options = command.optsWithGlobals<{ workspace?: string }>();
  return options.workspace ?? process.env.JOBDISTILL_WORKSPACE ?? DEFAULT_WORKSPACE_DIR;
}

export interface WithWorkspaceOptions {
  /**
   * The command only reads the workspace: a missing one is an error (a mistyped `-w` must not
   * create an empty workspace and then report that it holds nothing). Writing commands create it.
   * @default false
   */
  readOnly?: boolean | undefined;
}

/** Opens the command's workspace, runs `body`, and always closes the database. */
export async function withWorkspace<T>(
  command: Command,
  body: (workspace: Workspace) => Promise<T> | T,
  options: WithWorkspaceOptions = {},
): Promise<T> {
  const dir = workspaceDirOf(command);
  const workspace = openCommandWorkspace(dir, options.readOnly === true);
  try {
    return await body(workspace);
  } finally {
    workspace.close();
  }
}

/** `withWorkspace` for a command that only reads: a missing workspace is an error, not created. */
export function withReadOnlyWorkspace<T>(
  command: Command,
  body: (workspace: Workspace) => Promise<T> | T,
): Promise<T> {
  return withWorkspace(command, body, { readOnly: true });
}

function openCommandWorkspace(dir: string, readOnly: boolean): Workspace {
  try {
    return openWorkspace(dir, { create: !readOnly });
  } catch (error) {
    if (error instanceof JobdistillError && error.data.missing === true) {
      throw new JobdistillError(
        `no workspace at ${dir} — create one with \`jobdistill import\` or \`jobdistill demo\`, or pass -w`,
        { code: error.code, cause: error, data: error.data },
      );
    }
    throw error;
  }
}
