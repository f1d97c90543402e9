import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openWorkspace, type Workspace } from "../src/store/workspace.ts";

/** Fresh workspaces in temporary folders, closed and removed after each test of the file that calls this. */
export function tempWorkspaces(prefix: string): () => Workspace {
  const dirs: string[] = [];
  const open: Workspace[] = [];
  afterEach(() => {
    for (const opened of open.splice(0)) opened.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    const opened = openWorkspace(dir);
    open.push(opened);
    return opened;
  };
}
