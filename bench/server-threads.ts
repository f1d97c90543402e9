/**
 * Prediction worker threads against prediction on the server's own thread, in the same run: the
 * demo's students are trained into a scratch workspace (bundled annotations, no LLM), then the
 * server is started twice, with `--threads 0` and with worker threads, and autocannon (its own
 * process) posts a ~400-word advert to /v1/highlight at concurrency 1 and 8. Prints requests/s,
 * p50/p99 latency and the ratio of the two; with --runs N, N such runs and the range of each figure.
 * These are wall-clock figures on the machine as it is (autocannon shares the cores): the results
 * file keeps the load average beside them, and only the ratios within one run compare fairly.
 *
 *   node bin/run-ts.js bench/server-threads.ts [--threads N] [--duration SECONDS] [--runs N] [--quick]
 *     [--write-results]   write bench/results/server-threads.json (bench/out/server-threads.json always)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo } from "../src/pipeline/run-demo.ts";
import { advertOfWords } from "../src/server/fixtures.ts";
import { openWorkspace } from "../src/store/index.ts";
import { defaultPredictionThreads } from "../src/workflows/predictor-pool.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";
import { autocannon, startServerProcess } from "./server.ts";

export interface ThreadsBenchRow {
  threads: number;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
}

export interface ServerThreadsBenchOptions {
  /** Worker threads of the pool. @default max(2, defaultPredictionThreads()) */
  threads?: number | undefined;
  /** Seconds of each autocannon measurement. @default 10 (3 with `quick`) */
  durationSeconds?: number | undefined;
  /** How many times to measure both servers (the students are trained once). @default 1 */
  runs?: number | undefined;
  /** @default false */
  quick?: boolean | undefined;
  /** Write bench/results/server-threads.json. @default false */
  writeResults?: boolean | undefined;
}

type Range = [number, number];
const range = (values: readonly number[]): Range => [Math.min(...values), Math.max(...values)];
const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The figures of one run at one concurrency: the pool against the server's own thread. */
function compare(rows: readonly ThreadsBenchRow[], connections: number) {
  const own = rows.find((row) => row.threads === 0 && row.connections === connections);
  const pool = rows.find((row) => row.threads > 0 && row.connections === connections);
  if (!own || !pool) throw new Error(`server-threads: a run lacks concurrency ${connections}`);
  return { own, pool, ratio: pool.requestsPerSecond / own.requestsPerSecond };
}

export async function runServerThreadsBench(options: ServerThreadsBenchOptions = {}) {
  const threads = options.threads ?? Math.max(2, defaultPredictionThreads());
  const duration = options.durationSeconds ?? (options.quick ? 3 : 10);
  const runCount = options.runs ?? 1;
  const record = recordBench("server-threads", {
    measure:
      "wall clock: autocannon's mean requests/s and latency percentiles over each measurement, with the server " +
      "and autocannon sharing this machine's cores with whatever else ran (see the load average); compare the " +
      "two servers within one run",
    quick: Boolean(options.quick) || duration !== 10,
    writeResults: options.writeResults,
  });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-threads-"));
  const runs: ThreadsBenchRow[][] = [];
  try {
    const workspace = openWorkspace(dir);
    console.error("server-threads bench: training the demo students…");
    await runDemo(workspace, { log: () => undefined });
    workspace.close();
    const body = JSON.stringify({ text: advertOfWords(400) });
    for (let run = 0; run < runCount; run++) {
      const rows: ThreadsBenchRow[] = [];
      for (const count of [0, threads]) {
        const { child, url } = await startServerProcess(dir, count);
        try {
          const endpoint = `${url}v1/highlight`;
          await autocannon(endpoint, body, ["-c", "8", "-a", "200"]);
          for (const connections of [1, 8]) {
            console.error(
              `server-threads bench: run ${run + 1}/${runCount}, ${count} worker threads, concurrency ${connections}, ${duration} s…`,
            );
            const result = await autocannon(endpoint, body, [
              "-c",
              String(connections),
              "-d",
              String(duration),
            ]);
            rows.push({
              threads: count,
              connections,
              requestsPerSecond: result.requests.average,
              latencyP50Ms: result.latency.p50,
              latencyP99Ms: result.latency.p99,
              non2xx: result.non2xx,
            });
          }
        } finally {
          child.kill("SIGTERM");
        }
      }
      runs.push(rows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("server-threads bench: POST /v1/highlight, 400-word advert, the demo's trained students");
  runs.forEach((rows, index) => {
    if (runs.length > 1) console.log(` run ${index + 1}:`);
    for (const row of rows) {
      const ratio =
        row.threads > 0
          ? ` (×${compare(rows, row.connections).ratio.toFixed(2)} the server's own thread)`
          : "";
      console.log(
        `  ${row.threads === 0 ? "server's own thread" : `${row.threads} worker threads`.padEnd(19)}, concurrency ${row.connections}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.latencyP50Ms} ms, p99 ${row.latencyP99Ms} ms${ratio}${row.non2xx > 0 ? `, ${row.non2xx} non-2xx` : ""}`,
      );
    }
  });
  /** Ranges over the runs, at one concurrency. */
  const over = (connections: number) => {
    const each = runs.map((rows) => compare(rows, connections));
    return {
      ratio: range(each.map((figures) => round2(figures.ratio))),
      poolRequestsPerSecond: range(each.map((figures) => Math.round(figures.pool.requestsPerSecond))),
      ownThreadRequestsPerSecond: range(each.map((figures) => Math.round(figures.own.requestsPerSecond))),
      poolP50Ms: range(each.map((figures) => figures.pool.latencyP50Ms)),
      ownThreadP50Ms: range(each.map((figures) => figures.own.latencyP50Ms)),
      poolP99Ms: range(each.map((figures) => figures.pool.latencyP99Ms)),
      ownThreadP99Ms: range(each.map((figures) => figures.own.latencyP99Ms)),
    };
  };
  const result = {
    benchmark:
      "POST /v1/highlight with a 400-word advert, the demo's students: worker threads vs the server's own thread",
    date: new Date().toISOString().slice(0, 10),
    settings: { workerThreads: threads, durationSeconds: duration, runs: runCount, advertWords: 400 },
    ranges: { concurrency1: over(1), concurrency8: over(8) },
    runs,
    non2xx: runs.flat().reduce((total, row) => total + row.non2xx, 0),
  };
  const { concurrency1, concurrency8 } = result.ranges;
  console.log(
    `over ${runCount} run(s): concurrency 8 ×${concurrency8.ratio.join("–")} (${concurrency8.poolRequestsPerSecond.join("–")} against ` +
      `${concurrency8.ownThreadRequestsPerSecond.join("–")} req/s, p99 ${concurrency8.poolP99Ms.join("–")} against ` +
      `${concurrency8.ownThreadP99Ms.join("–")} ms); concurrency 1 ×${concurrency1.ratio.join("–")} (p50 ` +
      `${concurrency1.poolP50Ms.join("–")} against ${concurrency1.ownThreadP50Ms.join("–")} ms)`,
  );
  console.log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  const value = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const threads = value("--threads");
  const duration = value("--duration");
  const runs = value("--runs");
  const result = await runServerThreadsBench({
    threads: threads ? Number(threads) : undefined,
    durationSeconds: duration ? Number(duration) : undefined,
    runs: runs ? Number(runs) : undefined,
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
  if (result.non2xx > 0) process.exitCode = 1;
}
