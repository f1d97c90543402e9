/**
 * `label --queue` with `jobdistill worker`s on a real Redis (a throwaway redis-server), against the
 * local OpenAI-protocol test server with latency: items/s with 1 and with 2 workers (each
 * `--concurrency 4`), and the requests the server received against the items (duplicates must be
 * 0). Answers are held until the coordinator has started its run and every worker is taking jobs,
 * so boot time is not counted; the rate is items over the time from then to the last answer.
 * Run: `node bin/run-ts.js bench/label-queue.ts [--items 400] [--latency 200] [--quick] [--write-results]`;
 * writes bench/out/label-queue.json, and with --write-results bench/results/label-queue.json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWorkspace } from "../src/store/index.ts";
import {
  answeredRate,
  heldAnswersServer,
  labelArgs,
  seedWorkspace,
  spawnCli,
  waitFor,
} from "../test/label-cli.ts";
import { redisServerInstalled, startTestRedis } from "../test/redis-server.ts";
import { invokedDirectly, numberFlag } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export interface LabelQueueScenario {
  workers: number;
  concurrency: number;
  items: number;
  /** Requests the server received. */
  requests: number;
  duplicates: number;
  seconds: number;
  itemsPerSecond: number;
}

function runStarted(dir: string): boolean {
  const workspace = openWorkspace(dir, { create: false });
  try {
    return workspace.runs.list().some((run) => run.status === "running");
  } finally {
    workspace.close();
  }
}

async function scenario(
  workers: number,
  concurrency: number,
  items: number,
  latencyMs: number,
): Promise<LabelQueueScenario> {
  const { server, open } = await heldAnswersServer(latencyMs);
  const redis = await startTestRedis();
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-queue-"));
  const processes: ReturnType<typeof spawnCli>[] = [];
  try {
    seedWorkspace(dir, items);
    const ready: boolean[] = [];
    for (let index = 0; index < workers; index++) {
      const worker = spawnCli([
        "worker",
        "--queue",
        redis.url,
        "--base-url",
        server.url,
        "--api-key",
        "sk-test",
        "--concurrency",
        String(concurrency),
      ]);
      ready.push(false);
      worker.child.stderr?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("worker: taking jobs")) ready[index] = true;
      });
      processes.push(worker);
    }
    const coordinator = spawnCli([...labelArgs(dir, server.url), "--queue", redis.url]);
    await waitFor(() => ready.every(Boolean) && runStarted(dir), 180_000);
    const openedAt = performance.now();
    open();
    const exit = await coordinator.exited;
    if (exit.code !== 0) throw new Error(`the coordinator failed (${exit.code}): ${exit.stderr}`);
    return { workers, concurrency, items, ...answeredRate(server, openedAt, items) };
  } finally {
    for (const spawned of processes) spawned.child.kill("SIGTERM");
    await Promise.all(processes.map((spawned) => spawned.exited));
    await server.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function labelQueueBench(
  options: {
    items?: number | undefined;
    latencyMs?: number | undefined;
    quick?: boolean | undefined;
    writeResults?: boolean | undefined;
    log?: ((line: string) => void) | undefined;
  } = {},
) {
  const log = options.log ?? console.log;
  if (!redisServerInstalled()) {
    log("skipped: label-queue needs redis-server (apt-get install redis-server)");
    return;
  }
  const items = options.items ?? (options.quick ? 120 : 400);
  const latencyMs = options.latencyMs ?? 200;
  const record = recordBench("label-queue", {
    measure:
      "wall clock, server side: items over the time from the moment the coordinator's run had started and every " +
      "worker was taking jobs to the last answer (process boot not counted); the machine was shared: see the load average",
    quick: items !== 400 || latencyMs !== 200,
    writeResults: options.writeResults,
  });
  const one = await scenario(1, 4, items, latencyMs);
  const two = await scenario(2, 4, items, latencyMs);
  for (const result of [one, two]) {
    log(
      `${result.workers} worker${result.workers > 1 ? "s" : ""} × --concurrency ${result.concurrency}: ` +
        `${result.itemsPerSecond} items/s (${result.seconds} s), ${result.requests} requests for ${result.items} items ` +
        `(${result.duplicates} duplicates)`,
    );
  }
  const speedup = Math.round((two.itemsPerSecond / one.itemsPerSecond) * 100) / 100;
  log(`2 workers vs 1: ×${speedup}`);
  const paths = record.write({ latencyMs, items, scenarios: [one, two], speedup });
  log(`wrote ${paths.join(", ")}`);
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  await labelQueueBench({
    items: numberFlag(args, "--items"),
    latencyMs: numberFlag(args, "--latency"),
    quick: args.includes("--quick"),
    writeResults: args.includes("--write-results"),
  });
}
