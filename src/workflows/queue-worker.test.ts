import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { runCaptured } from "../../test/capture-io.ts";
import {
  answerFromDocument,
  type CliExit,
  labelArgs,
  seedWorkspace,
  spawnCli,
  storedLabels,
} from "../../test/label-cli.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../test/openai-test-server.ts";
import { describeWithRedis, startTestRedis, type TestRedis } from "../../test/redis-server.ts";
import { openWorkspace } from "../store/index.ts";
import { parseQueueUrl } from "../teacher/queue/index.ts";
import { type QueueWorkerOptions, runQueueWorker } from "./queue-worker.ts";

describeWithRedis("a queue worker's answers go through the coordinator's engine", () => {
  let redis: TestRedis;
  let server: OpenAiTestServer;
  const dirs: string[] = [];
  let stopWorker: (() => Promise<unknown>) | undefined;
  let database = 0;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await stopWorker?.();
    stopWorker = undefined;
    await server.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** A worker in this process, and a workspace of `items` documents for the coordinator. */
  async function setUp(items: number, worker: Partial<QueueWorkerOptions["teacher"]> = {}): Promise<string> {
    // Each test its own database, so no job of one is left for the next.
    database++;
    const connection = parseQueueUrl(`${redis.url}/${database}`);
    const stop = new AbortController();
    let ready = (): void => undefined;
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const running = runQueueWorker({
      connection,
      teacher: { provider: "openai", baseUrl: server.url, apiKey: "sk-test", ...worker },
      limits: { concurrency: 2, maxRetries: 1 },
      onEvent: (event) => {
        if (event.type === "ready") ready();
      },
      signal: stop.signal,
    });
    stopWorker = () => {
      stop.abort();
      return running;
    };
    await started;
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-queue-worker-"));
    dirs.push(dir);
    seedWorkspace(dir, items);
    return connection.url;
  }

  const label = (dir: string, queue: string) =>
    runCaptured([...labelArgs(dir, "http://127.0.0.1:9/v1"), "--queue", queue]);

  it("an invalid answer is repaired through a second job; usage and tokens reach the ledger", async () => {
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
    server.enqueue({ kind: "text", content: "not json at all" });
    const queue = await setUp(3);
    const dir = dirs[0] ?? "";
    const result = await label(dir, queue);
    expect(result.code, result.err).toBe(0);
    expect(server.requests).toHaveLength(4);
    expect(storedLabels(dir).rows).toBe(3);
    const workspace = openWorkspace(dir);
    const [run] = workspace.runs.list();
    const failures = workspace.calls.failures({ runId: run?.id ?? 0 });
    workspace.close();
    expect((run?.report as { tokensIn?: number } | undefined)?.tokensIn).toBeGreaterThan(0);
    expect(failures.map((failure) => failure.final)).toEqual([false]);
  });

  it("a call the worker gave up on is a recorded failure, asked again by a rerun", async () => {
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
    server.enqueue({ kind: "error", status: 400, message: "bad request from the test" });
    const queue = await setUp(2);
    const dir = dirs[0] ?? "";
    const first = await label(dir, queue);
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/1 of 2 items failed/);
    const workspace = openWorkspace(dir);
    const [failure] = workspace.calls.failures({});
    workspace.close();
    expect(failure?.message).toContain("HTTP 400: bad request from the test");
    const rerun = await label(dir, queue);
    expect(rerun.code, rerun.err).toBe(0);
    expect(storedLabels(dir).rows).toBe(2);
    expect(server.requests).toHaveLength(3);
  });

  it("a worker limited to another model answers with a failure that names both", async () => {
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
    const queue = await setUp(1, { model: "other-model" });
    const dir = dirs[0] ?? "";
    const result = await label(dir, queue);
    expect(result.code).toBe(1);
    const workspace = openWorkspace(dir);
    const [failure] = workspace.calls.failures({});
    workspace.close();
    expect(failure?.message).toContain("this worker serves --model other-model; the job asks for test-model");
    expect(server.requests).toHaveLength(0);
  });

  it("a coordinator stopped while its jobs wait exits at once, leaving them queued; the rerun collects them, none asked twice", async () => {
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
    database++;
    const connection = parseQueueUrl(`${redis.url}/${database}`);
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-queue-worker-"));
    dirs.push(dir);
    seedWorkspace(dir, 3);
    const coordinator = spawnCli([...labelArgs(dir, "http://127.0.0.1:9/v1"), "--queue", connection.url]);
    const queue = new Queue(connection.queueName, { connection: { url: connection.url } });
    try {
      // The CLI starts from source: under a loaded machine (the whole suite on 2 cores) that can take
      // a minute. A coordinator that ends before its jobs are queued fails the test with its output.
      let ended: CliExit | undefined;
      void coordinator.exited.then((exit) => {
        ended = exit;
      });
      for (let tries = 0; (await queue.getWaitingCount()) < 3; tries++) {
        expect(ended?.stderr ?? "", "the coordinator ended before queueing its jobs").toBe("");
        expect(ended, "the coordinator ended before queueing its jobs").toBeUndefined();
        expect(tries, "the coordinator queued no jobs within 100 s").toBeLessThan(2000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      coordinator.child.kill("SIGTERM");
      const stopped = await coordinator.exited;
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stdout).toMatch(/interrupted run 1: 0 labelled/);
      expect(await queue.getWaitingCount()).toBe(3);
    } finally {
      await queue.close();
    }
    const stop = new AbortController();
    const running = runQueueWorker({
      connection,
      teacher: { provider: "openai", baseUrl: server.url, apiKey: "sk-test" },
      signal: stop.signal,
    });
    stopWorker = () => {
      stop.abort();
      return running;
    };
    const rerun = await label(dir, connection.url);
    expect(rerun.code, rerun.err).toBe(0);
    expect(storedLabels(dir).rows).toBe(3);
    expect(server.requests).toHaveLength(3);
  }, 180_000);
});
