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
});
