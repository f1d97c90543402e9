/**
 * `jobdistill predict --task requirements` over one JSON-lines file of 10,000 and 100,000 adverts
 * (250 and 1,000 with --quick), each run its own CLI process: records per CPU second on one
 * thread, the process's peak RSS at each size (flat in N when prediction streams), and `--threads 2`
 * against one thread on the larger file, in the same run. The adverts are made deterministically from
 * the demo corpus and the requirements corpus: each is one corpus text with its paragraphs in a
 * seeded order. The students are the requirement students trained on the demo gold (no LLM).
 * The CLI is the built package when dist/ exists (run `npm run build` after changing src/), else the
 * sources through tsx; the results say which (`cli`). CPU seconds and peak RSS are the child's own (process.resourceUsage, written at its exit by
 * bench/report-usage.mjs), so other work on the machine slows the wall clock, not the CPU figure.
 *
 *   node bin/run-ts.js bench/predict-batch.ts [--quick] [--write-results]
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRandom, shuffled } from "../src/core/random.ts";
import { importDemoGold } from "../src/dataset/gold/index.ts";
import { openWorkspace } from "../src/store/index.ts";
import { trainSpanStudents } from "../src/workflows/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * The CLI as a user runs it: the built package when dist/ exists (`npm run build`), else the
 * TypeScript sources through tsx, whose start-up costs CPU seconds of its own.
 */
const cliForm: "built" | "source" = existsSync(join(root, "dist", "cli-bundle", "main.js"))
  ? "built"
  : "source";

/** The texts the adverts are made from: the demo corpus and the requirements corpus. */
function corpusTexts(): string[] {
  const texts: string[] = [];
  for (const file of ["demo/adverts.jsonl", "corpus/requirements.jsonl"]) {
    for (const line of readFileSync(join(root, file), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const value = JSON.parse(line) as { text?: unknown };
      if (typeof value.text === "string" && value.text.trim() !== "") texts.push(value.text);
    }
  }
  return texts;
}

/** Writes `count` adverts as JSON lines: advert i is corpus text i mod n, paragraphs in a seeded order. */
export async function writeAdverts(path: string, count: number): Promise<{ bytes: number }> {
  const texts = corpusTexts().map((text) => text.split(/\n\s*\n/));
  const out = createWriteStream(path);
  let bytes = 0;
  for (let index = 0; index < count; index++) {
    const paragraphs = texts[index % texts.length] ?? [];
    const text = shuffled(paragraphs, createRandom(index + 1)).join("\n\n");
    const line = `${JSON.stringify({ id: `advert-${index}`, text })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((done) => out.once("drain", () => done()));
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  return { bytes };
}

export interface PredictRun {
  documents: number;
  threads: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  documentsPerCpuSecond: number;
  documentsPerWallSecond: number;
}

/** One `jobdistill predict` process over `file`, with its own CPU time and peak RSS. */
async function runPredict(
  workspaceDir: string,
  file: string,
  documents: number,
  threads: number,
): Promise<PredictRun> {
  const usageFile = join(workspaceDir, `usage-${documents}-${threads}.json`);
  const args = [
    "--import",
    join(root, "bench", "report-usage.mjs"),
    join(root, "bin", "jobdistill.js"),
    "--workspace",
    workspaceDir,
    "predict",
    "--task",
    "requirements",
    "--file",
    file,
    "--threads",
    String(threads),
    "--output",
    join(workspaceDir, "predictions.jsonl"),
  ];
  const started = performance.now();
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        JOBDISTILL_FROM_SOURCE: cliForm === "source" ? "1" : "0",
        JOBDISTILL_USAGE_FILE: usageFile,
      },
    });
    child.on("error", fail);
    child.on("exit", done);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`predict-batch: predict over ${documents} documents exited with ${code}`);
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as {
    userSeconds: number;
    systemSeconds: number;
    maxRssKb: number;
  };
  const cpuSeconds = usage.userSeconds + usage.systemSeconds;
  return {
    documents,
    threads,
    wallSeconds: round2(wallSeconds),
    cpuSeconds: round2(cpuSeconds),
    peakRssMb: Math.round(usage.maxRssKb / 1024),
    documentsPerCpuSecond: Math.round(documents / cpuSeconds),
    documentsPerWallSecond: Math.round(documents / wallSeconds),
  };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

export async function runPredictBatchBench(options: { quick?: boolean; writeResults?: boolean } = {}) {
  const sizes = options.quick ? [250, 1_000] : [10_000, 100_000];
  const record = recordBench("predict-batch", {
    measure:
      "CPU seconds and peak RSS of each `jobdistill predict` process (process.resourceUsage at its exit, every " +
      "thread, start-up and model loading included); the --threads comparison is wall clock on a shared machine",
    quick: options.quick,
    writeResults: options.writeResults,
  });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-predict-"));
  try {
    const workspace = openWorkspace(dir);
    console.error("predict-batch bench: training the requirement students on the demo gold…");
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold" });
    workspace.close();
    const files = new Map<number, string>();
    for (const size of [100, ...sizes]) {
      const file = join(dir, `adverts-${size}.jsonl`);
      await writeAdverts(file, size);
      files.set(size, file);
    }
    const fileOf = (size: number): string => files.get(size) ?? "";
    // A 100-advert run: start-up and model loading, taken off to give the rate of prediction itself.
    console.error("predict-batch bench: 100 adverts (start-up baseline)…");
    const baseline = await runPredict(dir, fileOf(100), 100, 1);
    const oneThread: PredictRun[] = [];
    for (const size of sizes) {
      console.error(`predict-batch bench: ${size} adverts, one thread…`);
      oneThread.push(await runPredict(dir, fileOf(size), size, 1));
    }
    const largest = sizes[sizes.length - 1] ?? 0;
    console.error(`predict-batch bench: ${largest} adverts, --threads 2…`);
    const twoThreads = await runPredict(dir, fileOf(largest), largest, 2);
    const single = oneThread[oneThread.length - 1] as PredictRun;
    const beyondStartup = (run: PredictRun): number =>
      Math.round((run.documents - baseline.documents) / (run.cpuSeconds - baseline.cpuSeconds));
    const result = {
      benchmark:
        "jobdistill predict --task requirements over one JSON-lines file of generated adverts (demo and requirements corpus text)",
      date: new Date().toISOString().slice(0, 10),
      cli: cliForm,
      baseline,
      oneThread: oneThread.map((run) => ({ ...run, documentsPerCpuSecondBeyondStartup: beyondStartup(run) })),
      twoThreads,
      threadsSpeedup: round2(single.wallSeconds / twoThreads.wallSeconds),
      peakRssGrowthMb: (oneThread[oneThread.length - 1]?.peakRssMb ?? 0) - (oneThread[0]?.peakRssMb ?? 0),
      targets: { documentsPerCpuSecond: 800, peakRssMb: 400, threadsSpeedup: 1.7 },
    };
    console.log(`predict-batch bench: predict --task requirements, one JSON-lines file (${cliForm} CLI)`);
    for (const run of result.oneThread) {
      console.log(
        `  ${String(run.documents).padStart(7)} adverts, 1 thread: ${run.documentsPerCpuSecond} adverts per CPU second ` +
          `(${run.documentsPerCpuSecondBeyondStartup} beyond start-up), peak RSS ${run.peakRssMb} MB, ${run.wallSeconds} s wall`,
      );
    }
    console.log(
      `  ${String(largest).padStart(7)} adverts, --threads 2: ${twoThreads.wallSeconds} s wall against ${single.wallSeconds} s ` +
        `(×${result.threadsSpeedup}), peak RSS ${twoThreads.peakRssMb} MB`,
    );
    console.log(
      `  start-up and loading (100 adverts): ${baseline.cpuSeconds} CPU s, peak RSS ${baseline.peakRssMb} MB`,
    );
    console.log(`written to ${record.write(result).join(", ")}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  await runPredictBatchBench({
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
}
