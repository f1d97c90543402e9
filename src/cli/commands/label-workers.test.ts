import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import {
  answerFromDocument,
  labelArgs,
  seedWorkspace,
  spawnCli,
  storedLabels,
  waitFor,
} from "../../../test/label-cli.ts";
import {
  type OpenAiTestServer,
  type RecordedRequest,
  startOpenAiTestServer,
} from "../../../test/openai-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const dirs: string[] = [];
let server: OpenAiTestServer | undefined;

afterEach(async () => {
  await server?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runningRuns(dir: string): number {
  const workspace = openWorkspace(dir, { create: false });
  try {
    return workspace.runs.list().filter((run) => run.status === "running").length;
  } finally {
    workspace.close();
  }
}

/**
 * A server that answers after `latencyMs`, but holds every answer until `open()`: the first
 * process to boot cannot finish the job before the second has started its run.
 */
async function gatedServer(latencyMs: number): Promise<{ server: OpenAiTestServer; open(): void }> {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const started = await startOpenAiTestServer({
    latencyMs,
    defaultBehaviour: (request: RecordedRequest) => ({
      kind: "held",
      until: gate,
      next: answerFromDocument(request),
    }),
  });
  return { server: started, open };
}

const userText = (request: RecordedRequest): string =>
  request.body.messages?.find((message) => message.role === "user")?.content ?? "";

function workspaceWith(items: number): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-workers-"));
  dirs.push(dir);
  seedWorkspace(dir, items);
  return dir;
}

describe("two jobdistill label processes on one workspace", () => {
  it("split the items: every item is billed once, both do some, both exit 0", async () => {
    const items = 80;
    const gate = await gatedServer(40);
    server = gate.server;
    const dir = workspaceWith(items);
    const args = labelArgs(dir, server.url, "--concurrency", "4");
    const first = spawnCli(args);
    const second = spawnCli(args);
    await waitFor(() => runningRuns(dir) === 2, 20_000);
    gate.open();
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(server.requests).toHaveLength(items);
    expect(new Set(server.requests.map(userText)).size).toBe(items);
    const labelled = [a.stdout, b.stdout].map((stdout) => Number(/(\d+) labelled/.exec(stdout)?.[1]));
    expect(labelled[0]).toBeGreaterThan(0);
    expect(labelled[1]).toBeGreaterThan(0);
    expect((labelled[0] ?? 0) + (labelled[1] ?? 0)).toBe(items);
    const stored = storedLabels(dir);
    expect([stored.rows, stored.calls]).toEqual([items, items]);
    const workspace = openWorkspace(dir);
    const runs = workspace.runs.list();
    workspace.close();
    expect(runs.map((run) => run.status)).toEqual(["done", "done"]);
  });

  it("a SIGKILLed process's items are done by the other, which exits 0 and marks the dead run interrupted", async () => {
    const items = 60;
    const gate = await gatedServer(60);
    server = gate.server;
    const live = server;
    const dir = workspaceWith(items);
    const args = labelArgs(dir, server.url, "--concurrency", "4", "--lease-ttl", "2s");
    const doomed = spawnCli(args);
    await waitFor(() => runningRuns(dir) === 1, 20_000);
    // The survivor runs in this process (no second boot); it starts while the doomed one is live.
    const io = captureIo();
    const survivor = runCli(args, io);
    await waitFor(() => runningRuns(dir) === 2, 20_000);
    gate.open();
    await waitFor(() => live.requests.filter((request) => request.status === 200).length >= 16, 20_000);
    doomed.child.kill("SIGKILL");
    expect((await doomed.exited).signal).toBe("SIGKILL");
    expect(await survivor).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/finished run 2: [1-9]\d* labelled/);
    const stored = storedLabels(dir);
    expect([stored.rows, stored.calls]).toEqual([items, items]);
    // Only answers the killed process had not stored yet are asked for again: at most its concurrency.
    const asked = server.requests.map(userText);
    expect(new Set(asked).size).toBe(items);
    expect(asked.length - items).toBeLessThanOrEqual(4);
    const workspace = openWorkspace(dir);
    const statuses = workspace.runs.list().map((run) => run.status);
    const leases = workspace.db.prepare("SELECT count(*) AS n FROM leases").get();
    workspace.close();
    expect(statuses).toEqual(["done", "interrupted"]);
    expect(leases).toEqual({ n: 0 });
  });
});
