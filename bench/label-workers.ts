/**
 * Several `jobdistill label` processes on one workspace, against the local OpenAI-protocol test
 * server with latency: items/s with 1 and with 2 processes (each `--concurrency 4`), beside one
 * process with `--concurrency 8` (as many calls in flight as the two together, without leases), and
 * the billed requests against the items (duplicates must be 0). Answers are held until every
 * process has started its run, so boot time is not counted; the rate is items over the time from
 * then to the last answer. Run: `node bin/run-ts.js bench/label-workers.ts [--items 400] [--latency 100] [--quick]`;
 * writes bench/out/label-workers.json.
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
import { invokedDirectly, numberFlag } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export interface LabelWorkersScenario {
  processes: number;
  concurrency: number;
  items: number;
  billedRequests: number;
  duplicates: number;
  /** Items labelled by each process. */
  labelledBy: number[];
  seconds: number;
  itemsPerSecond: number;
}

function runningRuns(dir: string): number {
  const workspace = openWorkspace(dir, { create: false });
  try {
    return workspace.runs.list().filter((run) => run.status === "running").length;
  } finally {
    workspace.close();
  }
}

async function scenario(
  processes: number,
  concurrency: number,
  items: number,
  latencyMs: number,
): Promise<LabelWorkersScenario> {
  const { server, open } = await heldAnswersServer(latencyMs);
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-workers-"));
  try {
    seedWorkspace(dir, items);
    const args = labelArgs(dir, server.url, "--concurrency", String(concurrency));
    const children = Array.from({ length: processes }, () => spawnCli(args));
    await waitFor(() => runningRuns(dir) === processes, 120_000);
    const openedAt = performance.now();
    open();
    const exits = await Promise.all(children.map((child) => child.exited));
    const failed = exits.find((exit) => exit.code !== 0);
    if (failed) throw new Error(`a label process failed (${failed.code}): ${failed.stderr}`);
    const { requests, duplicates, seconds, itemsPerSecond } = answeredRate(server, openedAt, items);
    return {
      processes,
      concurrency,
      items,
      billedRequests: requests,
      duplicates,
      labelledBy: exits.map((exit) => Number(/(\d+) labelled/.exec(exit.stdout)?.[1] ?? Number.NaN)),
      seconds,
      itemsPerSecond,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function labelWorkersBench(
  options: {
    items?: number | undefined;
    latencyMs?: number | undefined;
    quick?: boolean | undefined;
    log?: ((line: string) => void) | undefined;
  } = {},
) {
  const items = options.items ?? (options.quick ? 120 : 400);
  const latencyMs = options.latencyMs ?? 100;
  const log = options.log ?? console.log;
  const record = recordBench("label-workers", {
    measure:
      "wall clock, server side: items over the time from the moment every process had started its run to the " +
      "last answer (process boot not counted); the machine was shared: see the load average",
    quick: items !== 400 || latencyMs !== 100,
  });
  const one = await scenario(1, 4, items, latencyMs);
  const two = await scenario(2, 4, items, latencyMs);
  const wide = await scenario(1, 8, items, latencyMs);
  for (const result of [one, two, wide]) {
    log(
      `${result.processes} process${result.processes > 1 ? "es" : ""} × --concurrency ${result.concurrency}: ` +
        `${result.itemsPerSecond} items/s (${result.seconds} s), ${result.billedRequests} billed for ${result.items} items ` +
        `(${result.duplicates} duplicates), labelled by each: ${result.labelledBy.join(" + ")}`,
    );
  }
  const speedup = Math.round((two.itemsPerSecond / one.itemsPerSecond) * 100) / 100;
  const againstWide = Math.round((two.itemsPerSecond / wide.itemsPerSecond) * 100) / 100;
  log(`2 processes vs 1: ×${speedup}; vs 1 process with the same calls in flight: ×${againstWide}`);
  const paths = record.write({ latencyMs, items, scenarios: [one, two, wide], speedup, againstWide });
  log(`wrote ${paths.join(", ")}`);
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  await labelWorkersBench({
    items: numberFlag(args, "--items"),
    latencyMs: numberFlag(args, "--latency"),
    quick: args.includes("--quick"),
  });
}
