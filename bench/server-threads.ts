/**
 * Prediction worker threads against prediction on the server's own thread, in the same run: the
 * demo's students are trained into a scratch workspace (bundled annotations, no LLM), then the
 * server is started twice, with `--threads 0` and with worker threads, and autocannon (its own
 * process) posts a ~400-word advert to /v1/highlight at concurrency 1 and 8. Prints requests/s,
 * p50/p99 latency and the ratio of the two.
 *
 *   node bin/run-ts.js bench/server-threads.ts [--threads N] [--duration SECONDS] [--quick]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWorkspace } from "../src/core/workspace/index.ts";
import { runDemo } from "../src/pipeline/run-demo.ts";
import { advertOfWords } from "../src/server/fixtures.ts";
import { defaultPredictionThreads } from "../src/server/predictor-pool.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { autocannon, startServerProcess } from "./server.ts";

export interface ThreadsBenchRow {
  threads: number;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
}

export async function runServerThreadsBench(
  options: { threads?: number; durationSeconds?: number } = {},
): Promise<ThreadsBenchRow[]> {
  const threads = options.threads ?? Math.max(2, defaultPredictionThreads());
  const duration = options.durationSeconds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-threads-"));
  const rows: ThreadsBenchRow[] = [];
  try {
    const workspace = openWorkspace(dir);
    console.error("server-threads bench: training the demo students…");
    await runDemo(workspace, { log: () => undefined });
    workspace.close();
    const body = JSON.stringify({ text: advertOfWords(400) });
    for (const count of [0, threads]) {
      const { child, url } = await startServerProcess(dir, count);
      try {
        const endpoint = `${url}v1/highlight`;
        await autocannon(endpoint, body, ["-c", "8", "-a", "200"]);
        for (const connections of [1, 8]) {
          console.error(
            `server-threads bench: ${count} worker threads, concurrency ${connections}, ${duration} s…`,
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("server-threads bench: POST /v1/highlight, 400-word advert, the demo's trained students");
  for (const row of rows) {
    const baseline = rows.find((other) => other.threads === 0 && other.connections === row.connections);
    const ratio =
      baseline && row.threads > 0
        ? ` (×${(row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)} the server's own thread)`
        : "";
    console.log(
      `  ${row.threads === 0 ? "server's own thread" : `${row.threads} worker threads`.padEnd(19)}, concurrency ${row.connections}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.latencyP50Ms} ms, p99 ${row.latencyP99Ms} ms${ratio}${row.non2xx > 0 ? `, ${row.non2xx} non-2xx` : ""}`,
    );
  }
  return rows;
}

if (invokedDirectly(import.meta.url)) {
  const value = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const threads = value("--threads");
  const duration = value("--duration");
  const rows = await runServerThreadsBench({
    ...(threads ? { threads: Number(threads) } : {}),
    durationSeconds: duration ? Number(duration) : process.argv.includes("--quick") ? 3 : 10,
  });
  if (rows.some((row) => row.non2xx > 0)) process.exitCode = 1;
}
