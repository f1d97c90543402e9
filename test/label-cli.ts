/** Helpers of the tests that run `jobdistill label` against test/openai-test-server.ts. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { openWorkspace } from "../src/store/index.ts";
import type { RecordedRequest } from "./openai-test-server.ts";

const repoRoot = resolve(import.meta.dirname, "..");

/** Documents whose right label can be read off the text: "cat" or "dog". */
export function seedWorkspace(dir: string, count: number): void {
  const workspace = openWorkspace(dir);
  workspace.documents.insertMany(
    Array.from({ length: count }, (_, index) => ({
      id: `doc-${index}`,
      text: `Advert ${index}: we are looking for a ${index % 3 === 0 ? "cat" : "dog"} walker.`,
    })),
  );
  workspace.close();
}

export const answerFromDocument = (request: RecordedRequest) => {
  const document = request.body.messages?.find((message) => message.role === "user")?.content ?? "";
  return { kind: "json" as const, value: { label: document.includes("cat walker") ? "cat" : "dog" } };
};

export function storedLabels(dir: string): {
  byDocument: Map<string, string[]>;
  rows: number;
  calls: number;
} {
  const workspace = openWorkspace(dir);
  try {
    const annotations = workspace.annotations.list({ task: "classify" });
    return {
      byDocument: new Map(
        annotations.map((annotation) => [annotation.documentId, annotation.payload.labels ?? []]),
      ),
      rows: annotations.length,
      calls: workspace.calls.count({ task: "classify" }),
    };
  } finally {
    workspace.close();
  }
}

export const labelArgs = (dir: string, url: string, ...extra: string[]): string[] => [
  "--workspace",
  dir,
  "label",
  "--task",
  "classify",
  "--labels",
  "cat,dog",
  "--model",
  "test-model",
  "--base-url",
  url,
  "--api-key",
  "sk-test",
  ...extra,
];

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
