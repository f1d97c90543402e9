import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCaptured } from "../../test/capture-io.ts";
import { describeWithRedis, startTestRedis, type TestRedis } from "../../test/redis-server.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace } from "../store/index.ts";
import { parseQueueUrl } from "../teacher/queue/index.ts";
import { runQueueWorker } from "./queue-worker.ts";
import { trainSpanStudents } from "./train.ts";

describeWithRedis("predict --queue with a jobdistill worker on a real Redis", () => {
  let redis: TestRedis;
  let dir: string;
  const stop = new AbortController();
  let worker: ReturnType<typeof runQueueWorker>;

  beforeAll(async () => {
    redis = await startTestRedis();
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predict-queue-"));
    const workspace = openWorkspace(dir);
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold", epochs: 1 });
    workspace.close();
    // A worker with no workspace: the model comes from Redis.
    worker = runQueueWorker({
      connection: parseQueueUrl(redis.url),
      teacher: { provider: "openai", baseUrl: "http://127.0.0.1:9/v1", apiKey: "unused" },
      limits: { concurrency: 2 },
      signal: stop.signal,
    });
  }, 300_000);
  afterAll(async () => {
    stop.abort();
    await worker;
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the same records, in input order, as predicting here", async () => {
    const adverts = join(dir, "adverts.jsonl");
    const lines = Array.from({ length: 150 }, (_, index) =>
      JSON.stringify({
        id: `a${index}`,
        text: `Advert ${index}. You have ${index % 7} years of Python and a driving licence. We offer ${index % 30} days of holiday.`,
      }),
    );
    writeFileSync(adverts, `${lines.join("\n")}\n`);
    const here = join(dir, "here.jsonl");
    const queued = join(dir, "queued.jsonl");
    const predictTo = (out: string, ...more: string[]) =>
      runCaptured(["-w", dir, "predict", "--task", "requirements", "--file", adverts, ...more, "-o", out]);
    const local = await predictTo(here);
    expect(local.code, local.err).toBe(0);
    const remote = await predictTo(queued, "--queue", redis.url);
    expect(remote.code, remote.err).toBe(0);
    expect(remote.err).toContain("predicted 150 records");
    const written = readFileSync(queued, "utf8");
    expect(
      written
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).id),
    ).toEqual(lines.map((_, index) => `a${index}`));
    expect(written).toBe(readFileSync(here, "utf8"));
  }, 120_000);

  it("refuses skill-type, whose lexicon lives in the workspace", async () => {
    const result = await runCaptured([
      "-w",
      dir,
      "predict",
      "--task",
      "skill-type",
      "--queue",
      redis.url,
      "Python",
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("skill-type reads the workspace lexicon");
  });
});
