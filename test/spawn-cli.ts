import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "..");

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `node bin/jobdistill.js …` on the TypeScript sources (so the test sees the code under test,
 * not a build) and resolves with its exit code, signal and output once it ends.
 */
export function spawnCli(args: string[]): { child: ReturnType<typeof spawn>; exited: Promise<CliExit> } {
  const child = spawn(process.execPath, [join(repoRoot, "bin/jobdistill.js"), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, JOBDISTILL_FROM_SOURCE: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // "close", not "exit": the output is all read by then.
  const exited = new Promise<CliExit>((done) =>
    child.on("close", (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
