/**
 * Teacher engine benchmark, against the local OpenAI-protocol test server:
 * 1. pacing — 200 ms latency and a server limit of 600 requests/minute: the share of the limit a
 *    run achieves, and the 429s the client's own pacing caused (must be 0);
 * 2. overhead — a zero-latency server, one call at a time: time per call in the engine minus time
 *    in the server (median, p90), next to a bare fetch round trip for scale.
 * For pacing the server runs in a child process, so its work and the client's share no event loop.
 * Both are wall-clock figures (pacing is about time; the overhead is a latency), so the results file
 * keeps the load average beside them, and the overhead run's CPU time per call as a load-proof measure.
 * Run: `node bin/run-ts.js bench/teacher.ts [--seconds 120] [--overhead-calls 500] [--quick] [--write-results]`;
 * writes bench/out/teacher.json, and with --write-results bench/results/teacher.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceDocument } from "../src/core/types.ts";
import { openWorkspace } from "../src/store/index.ts";
import { createClassifyTask } from "../src/tasks/classify/index.ts";
import { OpenAiLanguageModel, runTeacher } from "../src/teacher/index.ts";
import { type RecordedRequest, startOpenAiTestServer } from "../test/openai-test-server.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export interface TeacherBenchOptions {
  /** Length of the pacing run (the stored figure must come from 120). */
  seconds?: number;
  latencyMs?: number;
  requestsPerMinute?: number;
  concurrency?: number;
  overheadCalls?: number;
  /** Write bench/results/teacher.json as well as bench/out/teacher.json. @default false */
  writeResults?: boolean;
  log?: (line: string) => void;
}

export interface TeacherBenchResult {
  pacing: {
    seconds: number;
    latencyMs: number;
    limitPerMinute: number;
    concurrency: number;
    requests: number;
    achievedPerMinute: number;
    shareOfLimit: number;
    serverRateLimited: number;
    itemsDone: number;
  };
  overhead: {
    calls: number;
    engineMedianMs: number;
    engineP90Ms: number;
    serverMedianMs: number;
    bareFetchMedianMs: number;
    overheadMedianMs: number;
    overheadP90Ms: number;
    overheadBeyondFetchMedianMs: number;
    /** CPU time of this process (engine, HTTP client and the in-process server) per call. */
    processCpuMsPerCall: number;
  };
}

const task = createClassifyTask({ labels: ["cat", "dog"] });

function answer(request: RecordedRequest) {
  const document = request.body.messages?.find((message) => message.role === "user")?.content ?? "";
  return { kind: "json" as const, value: { label: document.includes("cat") ? "cat" : "dog" } };
}

function makeDocuments(count: number, prefix: string): SourceDocument[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    text: `Advert ${prefix} ${index}: we are hiring a ${index % 2 ? "cat" : "dog"} groomer for our busy salon.`,
  }));
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface ServedRequest {
  /** Milliseconds since the epoch (performance.timeOrigin + now), comparable across processes. */
  receivedAt: number;
  answeredAt: number;
  status: number;
}

interface ServerReport {
  requests: ServedRequest[];
  rateLimitedCount: number;
}

interface ServerProcess {
  url: string;
  report(): Promise<ServerReport>;
  close(): Promise<void>;
}

const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Starts the test server in a child process (this file with --serve) and talks to it over IPC. */
async function startServerProcess(options: {
  latencyMs: number;
  requestsPerMinute?: number;
}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(benchRoot, "bin/run-ts.js"),
      fileURLToPath(import.meta.url),
      "--serve",
      String(options.latencyMs),
      String(options.requestsPerMinute ?? 0),
    ],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const nextMessage = <T>(): Promise<T> =>
    new Promise((resolveMessage, reject) => {
      child.once("message", (message) => resolveMessage(message as T));
      child.once("exit", (code) => reject(new Error(`the bench server exited (${code})`)));
    });
  const { url } = await nextMessage<{ url: string }>();
  return {
    url,
    report: () => {
      const reply = nextMessage<ServerReport>();
      child.send("report");
      return reply;
    },
    close: async () => {
      const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
      child.send("close");
      await exited;
    },
  };
}

/** The child side: serve until told to close, report what was served when asked. */
async function serveForBench(latencyMs: number, requestsPerMinute: number): Promise<void> {
  const server = await startOpenAiTestServer({
    latencyMs,
    ...(requestsPerMinute > 0 ? { requestsPerMinute } : {}),
    defaultBehaviour: answer,
  });
  const epoch = (time: number): number => performance.timeOrigin + time;
  process.on("message", async (message) => {
    if (message === "report") {
      const report: ServerReport = {
        requests: server.requests.map((request) => ({
          receivedAt: epoch(request.receivedAt),
          answeredAt: epoch(request.answeredAt ?? request.receivedAt),
          status: request.status ?? 0,
        })),
        rateLimitedCount: server.rateLimitedCount,
      };
      process.send?.(report);
    } else if (message === "close") {
      await server.close();
      process.disconnect?.();
      process.exit(0);
    }
  });
  process.send?.({ url: server.url });
}

async function pacingBench(
  options: Required<Omit<TeacherBenchOptions, "writeResults" | "log" | "overheadCalls">>,
) {
  const server = await startServerProcess({
    latencyMs: options.latencyMs,
    requestsPerMinute: options.requestsPerMinute,
  });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-"));
  const workspace = openWorkspace(dir);
  try {
    const documents = makeDocuments(
      Math.ceil((options.requestsPerMinute * options.seconds) / 60) + 100,
      "pace",
    );
    workspace.documents.insertMany(documents);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), options.seconds * 1000);
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task,
      items: documents,
      model: new OpenAiLanguageModel({ model: "bench-model", apiKey: "sk-bench", baseUrl: server.url }),
      limits: {
        concurrency: options.concurrency,
        requestsPerMinute: options.requestsPerMinute,
        timeoutMs: 10_000,
      },
      signal: stop.signal,
    });
    clearTimeout(timer);
    const served = await server.report();
    const first = served.requests[0]?.receivedAt ?? 0;
    const inWindow = served.requests.filter((request) => request.receivedAt - first < options.seconds * 1000);
    const achievedPerMinute = inWindow.length / (options.seconds / 60);
    return {
      seconds: options.seconds,
      latencyMs: options.latencyMs,
      limitPerMinute: options.requestsPerMinute,
      concurrency: options.concurrency,
      requests: served.requests.length,
      achievedPerMinute,
      shareOfLimit: achievedPerMinute / options.requestsPerMinute,
      serverRateLimited: served.rateLimitedCount,
      itemsDone: summary.done,
    };
  } finally {
    workspace.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The overhead run keeps the server in this process: a second process would add the operating
 * system's scheduling delays (large on a busy machine) to every call. The server's own HTTP
 * parsing then counts as engine time, so the figure errs on the high side.
 */
async function overheadBench(calls: number) {
  const server = await startOpenAiTestServer({ defaultBehaviour: answer });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-"));
  const workspace = openWorkspace(dir);
  try {
    // A bare keep-alive round trip to the same server, for scale.
    const fetchTimes: number[] = [];
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "cat" }] });
    for (let index = 0; index < 200; index++) {
      const start = performance.now();
      const response = await fetch(`${server.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await response.json();
      fetchTimes.push(performance.now() - start);
    }

    const warmup = makeDocuments(50, "warm");
    const documents = makeDocuments(calls, "over");
    workspace.documents.insertMany([...warmup, ...documents]);
    const model = new OpenAiLanguageModel({ model: "bench-model", apiKey: "sk-bench", baseUrl: server.url });
    await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task,
      items: warmup,
      model,
      limits: { concurrency: 1 },
    });
    const before = server.requests.length;

    const finishedAt: number[] = [];
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task,
      items: documents,
      model,
      limits: { concurrency: 1 },
      onEvent: (event) => {
        if (event.type === "progress") finishedAt.push(performance.now());
      },
    });
    const cpu = process.cpuUsage(cpuBefore);
    // With one call at a time, an item's time is the gap between consecutive completions.
    const engineTimes = finishedAt
      .slice(0, calls)
      .map((time, index) => time - (index === 0 ? startedAt : (finishedAt[index - 1] ?? 0)));
    const serverTimes = server.requests
      .slice(before)
      .map((request) => (request.answeredAt ?? request.receivedAt) - request.receivedAt);
    const overheads = engineTimes.map((time, index) => time - (serverTimes[index] ?? 0));
    const bareFetchMedianMs = quantile(fetchTimes, 0.5);
    const overheadMedianMs = quantile(overheads, 0.5);
    return {
      calls,
      engineMedianMs: quantile(engineTimes, 0.5),
      engineP90Ms: quantile(engineTimes, 0.9),
      serverMedianMs: quantile(serverTimes, 0.5),
      bareFetchMedianMs,
      overheadMedianMs,
      overheadP90Ms: quantile(overheads, 0.9),
      overheadBeyondFetchMedianMs: overheadMedianMs - bareFetchMedianMs,
      processCpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls,
    };
  } finally {
    workspace.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runTeacherBench(options: TeacherBenchOptions = {}): Promise<TeacherBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seconds = options.seconds ?? 120;
  const overheadCalls = options.overheadCalls ?? 500;
  const record = recordBench("teacher", {
    measure:
      "wall clock: pacing counts requests the server received in the first `seconds` of the run; overhead is " +
      "the median per-call time in the engine minus the time in the server, one call at a time (the server in " +
      "this process, so its HTTP parsing counts as engine time); processCpuMsPerCall is CPU time instead. The " +
      "machine was shared: see the load average",
    quick: seconds !== 120 || overheadCalls !== 500,
    writeResults: options.writeResults,
  });
  log(`teacher pacing: ${seconds} s against 200 ms latency and a 600/min server limit…`);
  const pacing = await pacingBench({
    seconds,
    latencyMs: options.latencyMs ?? 200,
    requestsPerMinute: options.requestsPerMinute ?? 600,
    concurrency: options.concurrency ?? 8,
  });
  log(
    `  ${pacing.requests} requests, ${pacing.achievedPerMinute.toFixed(1)}/min = ${(pacing.shareOfLimit * 100).toFixed(1)}% ` +
      `of the limit (target ≥ 95%); 429s from the server: ${pacing.serverRateLimited} (target 0); items done ${pacing.itemsDone}`,
  );
  const overhead = await overheadBench(overheadCalls);
  log(
    `teacher overhead per call (zero-latency server, ${overhead.calls} calls, one at a time): ` +
      `median ${overhead.overheadMedianMs.toFixed(2)} ms, p90 ${overhead.overheadP90Ms.toFixed(2)} ms (target median ≤ 2 ms)`,
  );
  log(
    `  per call: engine ${overhead.engineMedianMs.toFixed(2)} ms, of it in the server ${overhead.serverMedianMs.toFixed(3)} ms; ` +
      `a bare fetch round trip ${overhead.bareFetchMedianMs.toFixed(2)} ms, so beyond HTTP ${overhead.overheadBeyondFetchMedianMs.toFixed(2)} ms; ` +
      `${overhead.processCpuMsPerCall.toFixed(2)} ms of CPU per call (engine, client and server)`,
  );
  const result: TeacherBenchResult = { pacing, overhead };
  log(`  written to ${record.write(result).join(", ")}`);
  return result;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (process.argv.includes("--serve")) {
  const at = process.argv.indexOf("--serve");
  await serveForBench(Number(process.argv[at + 1] ?? 0), Number(process.argv[at + 2] ?? 0));
} else if (invokedDirectly(import.meta.url)) {
  // --quick: a 20-second pacing run (the stored figure comes from the full 2 minutes).
  const seconds = argument("--seconds") ?? (process.argv.includes("--quick") ? "20" : undefined);
  const overheadCalls = argument("--overhead-calls");
  await runTeacherBench({
    ...(seconds === undefined ? {} : { seconds: Number(seconds) }),
    ...(overheadCalls === undefined ? {} : { overheadCalls: Number(overheadCalls) }),
    writeResults: process.argv.includes("--write-results"),
  });
}
