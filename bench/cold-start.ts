/**
 * Cold start of the CLI: wall time of `node bin/jobdistill.js --help` (the built package's CLI
 * bundle, dist/cli-bundle/, as a user runs it), median of many runs, beside `node -e 0` (Node.js starting and doing nothing) measured
 * alternately in the same run. Wall clock, so a busy machine inflates both; the difference and the
 * ratio are what the CLI adds. Then `predict --task requirements` of one advert (about 40 words) on
 * the students `demo --no-serve` trains in a temporary workspace (the demo runs first, untimed).
 * The predict runs also give their CPU time, which a busy machine inflates less than the wall clock.
 * Targets (issue 11): medians of at most 200 ms for `--help` and 400 ms for the one-advert predict.
 *
 * Run: `node bin/run-ts.js bench/cold-start.ts [--quick] [--write-results]` (needs `npm run build`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { invokedDirectly } from "./invoked-directly.ts";
import { median } from "./median.ts";
import { recordBench } from "./results-file.ts";

const repoRoot = resolve(import.meta.dirname, "..");

function wallMs(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${run.stderr.toString()}`);
  return elapsed;
}

/**
 * Wall and CPU milliseconds of one process (its own user + system time, every thread, written at
 * its exit by bench/report-usage.mjs): on a busy machine the wall clock waits for a core, the CPU
 * time much less.
 */
function timedRun(args: string[], usageFile: string): { wallMs: number; cpuMs: number } {
  const wall = wallMs(["--import", join(repoRoot, "bench", "report-usage.mjs"), ...args], {
    ...process.env,
    JOBDISTILL_USAGE_FILE: usageFile,
  });
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as { userSeconds: number; systemSeconds: number };
  return { wallMs: wall, cpuMs: (usage.userSeconds + usage.systemSeconds) * 1000 };
}

/** A short advert (about 40 words) in three of the categories. */
const advert =
  "We are looking for a senior data engineer with 5+ years of experience in Python and SQL. You will build " +
  "and run our data pipelines. We offer flexible hours and a pension scheme. A degree in computer science is required.";

export async function runColdStartBench(options: { quick?: boolean; writeResults?: boolean } = {}) {
  if (!existsSync(join(repoRoot, "dist", "cli-bundle", "main.js"))) {
    throw new Error("cold-start bench: no dist/cli-bundle/ (run `npm run build` first)");
  }
  const record = recordBench("cold-start", {
    measure: "wall-clock milliseconds of whole processes, median of alternating runs",
    quick: options.quick,
    writeResults: options.writeResults && !options.quick,
  });
  const runs = options.quick ? 7 : 31;
  const help: number[] = [];
  const bare: number[] = [];
  wallMs([join("bin", "jobdistill.js"), "--help"]);
  for (let run = 0; run < runs; run++) {
    bare.push(wallMs(["-e", "0"]));
    help.push(wallMs([join("bin", "jobdistill.js"), "--help"]));
  }
  const workspace = mkdtempSync(join(tmpdir(), "jobdistill-cold-"));
  const predict: number[] = [];
  const predictCpu: number[] = [];
  const bareBeside: number[] = [];
  try {
    console.log("cold start: training the demo's students in a temporary workspace (untimed) …");
    wallMs([join("bin", "jobdistill.js"), "-w", workspace, "demo", "--no-serve"]);
    const predictArgs = [
      join("bin", "jobdistill.js"),
      "-w",
      workspace,
      "predict",
      "--task",
      "requirements",
      advert,
    ];
    wallMs(predictArgs);
    // Alternating with `node -e 0` as --help does: this machine's own speed drifts by a fifth within
    // an afternoon, and the ratio to Node.js starting shows what the CLI adds whatever it is.
    for (let run = 0; run < Math.ceil((2 * runs) / 3); run++) {
      const timed = timedRun(predictArgs, join(workspace, "usage.json"));
      predict.push(timed.wallMs);
      predictCpu.push(timed.cpuMs);
      bareBeside.push(wallMs(["-e", "0"]));
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const result = {
    runs,
    helpMedianMs: median(help),
    nodeMedianMs: median(bare),
    addedMs: median(help) - median(bare),
    ratioToNode: median(help) / median(bare),
    targetMs: 200,
    predictRuns: predict.length,
    predictMedianMs: median(predict),
    predictCpuMedianMs: median(predictCpu),
    predictFastestMs: Math.min(...predict),
    predictSlowestMs: Math.max(...predict),
    nodeBesidePredictMedianMs: median(bareBeside),
    predictRatioToNode: median(predict) / median(bareBeside),
    predictTargetMs: 400,
  };
  const verdict = (value: number, target: number) => (value <= target ? "met" : "not met");
  console.log(
    `jobdistill --help: median ${result.helpMedianMs.toFixed(0)} ms over ${runs} runs; node -e 0: ${result.nodeMedianMs.toFixed(0)} ms (×${result.ratioToNode.toFixed(2)}, ${result.addedMs.toFixed(0)} ms added); target ≤ ${result.targetMs} ms: ${verdict(result.helpMedianMs, result.targetMs)}`,
  );
  console.log(
    `jobdistill predict, one advert: median ${result.predictMedianMs.toFixed(0)} ms over ${predict.length} runs (${result.predictCpuMedianMs.toFixed(0)} ms of CPU; ${result.predictFastestMs.toFixed(0)}–${result.predictSlowestMs.toFixed(0)} ms; node -e 0 beside it ${result.nodeBesidePredictMedianMs.toFixed(0)} ms, ×${result.predictRatioToNode.toFixed(2)}); target ≤ ${result.predictTargetMs} ms: ${verdict(result.predictMedianMs, result.predictTargetMs)}`,
  );
  console.log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  await runColdStartBench({
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
}
