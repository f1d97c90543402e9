/**
 * `serve` latency with the requirement students as `train --task requirements` trains them by
 * default (lexical) and with the encoder-backed segment classifier (`train --task requirements
 * --encoder use-lite --encoder-features combined`), each in its own scratch workspace trained on the
 * 40 hand-written demo adverts (their gold: no LLM, and few segments to embed; what the students
 * learn changes their answers, not the work each request costs). Each server runs as `serve` does by
 * default (`defaultPredictionThreads()` worker threads); autocannon (its own process) posts a
 * ~400-word advert to /v1/highlight at concurrency 1 and 8 after a warm-up. Prints requests/s,
 * p50/p99 latency and the server's RSS (after a full GC) when done. Wall clock on the machine as it
 * is: the results file keeps the load average beside them.
 *
 *   node bin/run-ts.js bench/serve-encoder.ts [--duration SECONDS] [--quick] [--write-results]
 *
 * Each measurement lasts 30 s (10 with --quick): an encoder student answers a 400-word advert in
 * seconds on a busy machine, so shorter windows hold too few requests for a percentile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importDemoGold } from "../src/dataset/gold/demo-gold.ts";
import { advertOfWords } from "../src/server/fixtures.ts";
import { openWorkspace } from "../src/store/index.ts";
import { trainSpanStudents } from "../src/workflows/index.ts";
import { defaultPredictionThreads } from "../src/workflows/predictor-pool.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";
import {
  autocannon,
  measureThroughput,
  readMemory,
  startServerProcess,
  type ThroughputFigures,
} from "./server.ts";

/** The two students served, by the `train` options that make them. */
const students = {
  lexical: {},
  combined: { encoder: "use-lite", encoderFeatures: "combined" as const },
} as const;
type StudentName = keyof typeof students;

export interface ServeEncoderBenchResult {
  benchmark: string;
  settings: { workerThreads: number; durationSeconds: number; advertWords: number; trainedOn: string };
  students: Record<
    StudentName,
    {
      train: string;
      trainSeconds: number;
      concurrency1: ThroughputFigures;
      concurrency8: ThroughputFigures;
      /** The server process (worker threads included) after the measurements and a full GC. */
      rssMb: number;
    }
  >;
  errors: number;
}

export async function runServeEncoderBench(
  options: { durationSeconds?: number | undefined; quick?: boolean; writeResults?: boolean } = {},
): Promise<ServeEncoderBenchResult> {
  const duration = options.durationSeconds ?? (options.quick ? 10 : 30);
  const threads = defaultPredictionThreads();
  const record = recordBench("serve-encoder", {
    measure:
      "wall clock: autocannon's mean requests/s and latency percentiles over each measurement, server and " +
      "autocannon sharing this machine's cores with whatever else ran (see the load average)",
    quick: Boolean(options.quick) || duration !== 30,
    writeResults: options.writeResults,
  });
  const body = JSON.stringify({ text: advertOfWords(400) });
  const figures: Partial<ServeEncoderBenchResult["students"]> = {};
  for (const [name, overrides] of Object.entries(students) as [
    StudentName,
    (typeof students)[StudentName],
  ][]) {
    const dir = mkdtempSync(join(tmpdir(), `jobdistill-bench-serve-${name}-`));
    try {
      const workspace = openWorkspace(dir);
      importDemoGold(workspace);
      console.error(`serve-encoder bench: training the ${name} requirement students…`);
      const started = performance.now();
      await trainSpanStudents(workspace, { task: "requirements", seed: 13, ...overrides });
      const trainSeconds = (performance.now() - started) / 1000;
      workspace.close();
      const { child, url } = await startServerProcess(dir, threads);
      try {
        const endpoint = `${url}v1/highlight`;
        // Warm-up: both worker threads load and run their students (the encoder's first calls are slow).
        await autocannon(endpoint, body, ["-c", "8", "-a", name === "lexical" ? "200" : "16", "-t", "120"]);
        const rows: ThroughputFigures[] = [];
        for (const connections of [1, 8]) {
          console.error(`serve-encoder bench: ${name}, concurrency ${connections}, ${duration} s…`);
          rows.push(await measureThroughput(endpoint, body, connections, duration, ["-t", "120"]));
        }
        const memory = await readMemory(child, true);
        const [concurrency1, concurrency8] = rows as [ThroughputFigures, ThroughputFigures];
        figures[name] = {
          train: `train --task requirements${"encoder" in overrides ? ` --encoder ${overrides.encoder} --encoder-features ${overrides.encoderFeatures}` : ""}`,
          trainSeconds,
          concurrency1,
          concurrency8,
          rssMb: memory.rssMb,
        };
      } finally {
        child.kill("SIGTERM");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const { lexical, combined } = figures;
  if (!lexical || !combined) throw new Error("serve-encoder: a student was not measured");
  const result: ServeEncoderBenchResult = {
    benchmark:
      "POST /v1/highlight with a 400-word advert: the lexical requirement students and the combined use-lite ones",
    settings: {
      workerThreads: threads,
      durationSeconds: duration,
      advertWords: 400,
      trainedOn: "the 40 hand-written demo adverts (gold)",
    },
    students: { lexical, combined },
    errors: [lexical, combined]
      .flatMap((student) => [student.concurrency1, student.concurrency8])
      .reduce((total, row) => total + row.errors + row.non2xx, 0),
  };
  console.log(
    `serve-encoder bench: POST /v1/highlight, 400-word advert, ${threads} worker threads (serve's default)`,
  );
  for (const [name, student] of Object.entries(result.students)) {
    for (const row of [student.concurrency1, student.concurrency8]) {
      console.log(
        `  ${name.padEnd(8)} concurrency ${row.connections}: ${row.requestsPerSecond.toFixed(1)} req/s, p50 ${row.latencyP50Ms} ms, ` +
          `p99 ${row.latencyP99Ms} ms over ${row.requests} requests${row.errors + row.non2xx > 0 ? `, ${row.errors} errors, ${row.non2xx} non-2xx` : ""}`,
      );
    }
    console.log(`  ${name.padEnd(8)} server RSS ${student.rssMb.toFixed(0)} MB (after a full GC)`);
  }
  console.log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  const index = process.argv.indexOf("--duration");
  const duration = index >= 0 ? Number(process.argv[index + 1]) : undefined;
  const result = await runServeEncoderBench({
    durationSeconds: duration,
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
  if (result.errors > 0) process.exitCode = 1;
}
