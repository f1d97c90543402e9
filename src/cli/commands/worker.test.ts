import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import {
  answerFromDocument,
  labelArgs,
  seedWorkspace,
  spawnCli,
  storedLabels,
  userText,
  waitFor,
} from "../../../test/label-cli.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { describeWithRedis, startTestRedis, type TestRedis } from "../../../test/redis-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { QUEUE_NAME } from "../../teacher/queue/queue-url.ts";
import { runCli } from "../program.ts";

const password = "s3cret-queue-pass";
let redis: TestRedis | undefined;
let server: OpenAiTestServer | undefined;
const dirs: string[] = [];
const children: ReturnType<typeof spawnCli>[] = [];

function workspaceWith(items: number): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-queue-"));
  dirs.push(dir);
  seedWorkspace(dir, items);
  return dir;
}

function startWorker(url: string, queueUrl: string): ReturnType<typeof spawnCli> & { ready(): boolean } {
  const spawned = spawnCli([
    "worker",
    "--queue",
    queueUrl,
    "--base-url",
    url,
    "--api-key",
    "sk-test",
    "--concurrency",
    "4",
    "--lock-duration",
    "2s",
    "--stalled-interval",
    "1s",
  ]);
  children.push(spawned);
  let stderr = "";
  spawned.child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { ...spawned, ready: () => stderr.includes("worker: taking jobs") };
}

describeWithRedis("label --queue with jobdistill workers on a real Redis", () => {
  beforeAll(async () => {
    redis = await startTestRedis({ password });
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
      await child.exited;
    }
    await server?.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("two workers, one SIGKILLed mid-job, a coordinator killed and restarted: every item labelled once", async () => {
    const items = 48;
    server = await startOpenAiTestServer({ latencyMs: 200, defaultBehaviour: answerFromDocument });
    const live = server;
    const queueUrl = redis?.url ?? "";
    const dir = workspaceWith(items);
    const doomed = startWorker(live.url, queueUrl);
    const survivor = startWorker(live.url, queueUrl);
    const args = [...labelArgs(dir, live.url), "--queue", queueUrl];
    // All three boot at once (booting is most of this test's time on a busy machine).
    const first = spawnCli(args);
    children.push(first);
    const answered = (): number => live.requests.filter((request) => request.status === 200).length;
    await waitFor(() => doomed.ready() && survivor.ready(), 60_000);
    const bothReadyAt = answered();
    await waitFor(() => answered() >= bothReadyAt + 4, 30_000);
    // Both workers hold jobs at this moment (the queue shows more active jobs than one worker takes).
    const queue = new Queue(QUEUE_NAME, { connection: { url: queueUrl } });
    const active = await queue.getActiveCount();
    await queue.close();
    expect(active).toBeGreaterThan(4);
    // Mid-job: each worker has its four requests in flight at the server (200 ms each).
    doomed.child.kill("SIGKILL");
    await waitFor(() => answered() >= bothReadyAt + 16, 30_000);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const restarted = spawnCli(args);
    children.push(restarted);
    const result = await restarted.exited;
    expect(result.code, result.stderr).toBe(0);
    const stored = storedLabels(dir);
    expect([stored.rows, stored.calls]).toEqual([items, items]);
    for (const [documentId, labels] of stored.byDocument) {
      const index = Number(documentId.replace("doc-", ""));
      expect(labels).toEqual([index % 3 === 0 ? "cat" : "dog"]);
    }
    // The server counts requests per item: every item asked for, and again only when the killed
    // worker had it in flight (at most its concurrency); an answer is never delivered twice.
    const asked = live.requests.map(userText);
    expect(new Set(asked).size).toBe(items);
    expect(asked.length - items).toBeLessThanOrEqual(4);
    const delivered = live.requests.filter((request) => request.status === 200).map(userText);
    expect(delivered.length - new Set(delivered).size).toBeLessThanOrEqual(asked.length - items);
    // The restarted coordinator collected what finished while it was down instead of asking again.
    expect(result.stdout).toMatch(/finished run \d+: \d+ labelled/);
    // The redis password reaches neither output nor the workspace.
    const workspace = openWorkspace(dir);
    const runs = JSON.stringify(workspace.runs.list());
    workspace.close();
    expect(runs).toContain("127.0.0.1");
    survivor.child.kill("SIGTERM");
    const stopped = await survivor.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/worker stopped: [1-9]\d* jobs answered, 0 of them failures/);
    for (const text of [runs, result.stdout, result.stderr, stopped.stdout, stopped.stderr]) {
      expect(text).not.toContain(password);
    }
  }, 120_000);

  it("fails at once, without the password, when Redis refuses the credentials", async () => {
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
    const dir = workspaceWith(2);
    const wrong = `redis://:not-the-${password}@127.0.0.1:${redis?.port}`;
    const io = captureIo();
    const code = await runCli([...labelArgs(dir, server.url), "--queue", wrong], io);
    expect(code).toBe(1);
    const printed = [...io.stdout, ...io.stderr].join("\n");
    expect(printed).toMatch(/cannot reach the job queue \(redis:\/\/127\.0\.0\.1:\d+\)/);
    expect(printed).not.toContain(password);
    expect(server.requests).toHaveLength(0);
  });
});
