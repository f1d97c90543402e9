import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRedis, startTestRedis, type TestRedis } from "../../../test/redis-server.ts";
import { openJobClient } from "./job-client.ts";
import { parseQueueUrl, type QueueConnection } from "./queue-url.ts";

describeWithRedis("the coordinator's job client on a real Redis", () => {
  let redis: TestRedis;
  let connection: QueueConnection;
  let worker: Worker;
  const processed: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    connection = parseQueueUrl(redis.url);
    worker = new Worker(
      connection.queueName,
      async (job) => {
        processed.push(job.id ?? "");
        const data = job.data as { value: number; fail?: boolean };
        if (data.fail) throw new Error("the worker gave up");
        return { doubled: data.value * 2 };
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, concurrency: 8, autorun: false },
    );
  });
  afterAll(async () => {
    await worker.close();
    await redis.stop();
  });

  it("resolves every job with its own result, however fast workers finish them", async () => {
    void worker.run();
    const client = await openJobClient({ connection });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, value) => client.run("double", `fast-${value}`, { value })),
    );
    expect(results).toEqual(Array.from({ length: 300 }, (_, value) => ({ doubled: value * 2 })));
    await client.close();
  });

  it("adds one job for one id, and a restarted coordinator collects a job that finished without it", async () => {
    const client = await openJobClient({ connection });
    const [a, b] = await Promise.all([
      client.run("double", "same", { value: 4 }),
      client.run("double", "same", { value: 4 }),
    ]);
    expect([a, b]).toEqual([{ doubled: 8 }, { doubled: 8 }]);
    expect(processed.filter((id) => id === "same")).toHaveLength(1);
    await client.close();

    // Finished while no coordinator waited (one that died after adding it).
    const queue = new Queue(connection.queueName, { connection: { url: redis.url } });
    await queue.add("double", { value: 21 }, { jobId: "orphan" });
    for (let tries = 0; (await queue.getJobState("orphan")) !== "completed"; tries++) {
      expect(tries).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const restarted = await openJobClient({ connection });
    expect(await restarted.run("double", "orphan", { value: 21 })).toEqual({ doubled: 42 });
    expect(processed.filter((id) => id === "orphan")).toHaveLength(1);
    await restarted.close();
    // Collected, then removed: nothing is left behind in Redis.
    expect(await queue.getJobState("orphan")).toBe("unknown");
    await queue.close();
  });

  it("rejects a failed job with the queue's code, and removes it so a rerun asks again", async () => {
    const client = await openJobClient({ connection });
    await expect(client.run("double", "doomed", { value: 1, fail: true })).rejects.toMatchObject({
      code: "queue",
      message: expect.stringContaining("the worker gave up"),
    });
    await client.close();
    const again = await openJobClient({ connection });
    await expect(again.run("double", "doomed", { value: 1, fail: true })).rejects.toMatchObject({
      code: "queue",
    });
    await again.close();
    expect(processed.filter((id) => id === "doomed")).toHaveLength(2);
  });

  it("says so when jobs wait and no worker is connected; a stopped wait leaves the job for the next run", async () => {
    // A Redis of its own: workers are counted across databases, and this file's worker is on the other.
    const lonely = await startTestRedis();
    const empty = parseQueueUrl(lonely.url);
    const warnings: string[] = [];
    const client = await openJobClient({
      connection: empty,
      sweepEveryMs: 50,
      onWarning: (w) => warnings.push(w),
    });
    const stop = new AbortController();
    const waiting = client.run("double", "nobody", { value: 1 }, stop.signal);
    for (let tries = 0; warnings.length === 0; tries++) {
      expect(tries).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(warnings[0]).toMatch(/1 jobs wait on redis:\/\/127\.0\.0\.1:\d+ and no worker is connected/);
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ code: "interrupted" });
    await client.close();
    const queue = new Queue(empty.queueName, { connection: { url: empty.url } });
    expect(await queue.getJobState("nobody")).toBe("waiting");
    await queue.close();
    await lonely.stop();
  });
});
