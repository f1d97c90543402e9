/**
 * Import speed: `jobdistill import` of a postings CSV (through `importDocuments`, the function the
 * CLI calls, with the CLI's defaults) against Python's `csv` module feeding `sqlite3.executemany`
 * (bench/import_baseline.py) into the same table, made by the store's own migrations, in the same run.
 * The CSV is generated, deterministic: 100,000 rows of id, title and text, the text recombined from
 * the lines of the demo adverts and the requirements corpus (about 1 in 100 texts repeats an earlier
 * one, so deduplication has work to do). Runs alternate, ours then Python's, each into a fresh
 * workspace; the figures are medians of wall-clock rows/s.
 *
 *   node bin/run-ts.js bench/import.ts [--quick] [--rows 100000] [--runs 3] [--write-results]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { createRandom } from "../src/core/random.ts";
import { loadRequirementsCorpus } from "../src/dataset/gold/requirements-corpus.ts";
import { importDocuments } from "../src/dataset/import/index.ts";
import { openWorkspace } from "../src/store/index.ts";
import { loadDemoCorpus } from "../src/tasks/requirements/demo-corpus.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));

export interface ImportBenchOptions {
  /** Rows in the generated CSV. @default 100,000 (20,000 with quick) */
  rows?: number | undefined;
  /** Timed runs of each importer, alternating. @default 3 (1 with quick) */
  runs?: number | undefined;
  /** @default false */
  quick?: boolean | undefined;
  /** Write bench/results/import.json. @default false */
  writeResults?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface ImportRun {
  rows: number;
  inserted: number;
  wallSeconds: number;
  cpuSeconds: number;
  rowsPerSecond: number;
  rowsPerCpuSecond: number;
}

export interface ImportBenchResult {
  csv: { rows: number; megabytes: number; duplicateTexts: number };
  jobdistill: ImportRun[];
  python: ImportRun[];
  /**
   * Medians of rows/s (wall clock) and rows per CPU second, and ours over Python's: at least 1 is the
   * target. On a loaded machine the wall figures mostly measure waiting; the CPU ones do not.
   */
  median: {
    jobdistillRowsPerSecond: number;
    pythonRowsPerSecond: number;
    ratio: number;
    jobdistillRowsPerCpuSecond: number;
    pythonRowsPerCpuSecond: number;
    cpuRatio: number;
  };
}

const pythonOutputSchema = z.object({
  rows: z.number(),
  inserted: z.number(),
  wallSeconds: z.number(),
  cpuSeconds: z.number(),
});

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const quoted = (value: string): string => `"${value.replaceAll('"', '""')}"`;

/** Writes the postings CSV; returns how many texts repeat an earlier row's. */
export async function writePostingsCsv(path: string, rows: number): Promise<number> {
  const demo = loadDemoCorpus();
  const texts = [
    ...demo.map((advert) => advert.text),
    ...loadRequirementsCorpus().map((posting) => posting.text),
  ];
  const lines = texts.flatMap((text) => text.split("\n")).filter((line) => line.trim().length >= 20);
  const titles = demo.map((advert) => advert.title);
  const random = createRandom(20261201);
  const stream = createWriteStream(path);
  const write = async (chunk: string): Promise<void> => {
    if (!stream.write(chunk)) await new Promise<void>((done) => stream.once("drain", () => done()));
  };
  await write("id,title,text\n");
  const recent: string[] = [];
  let duplicates = 0;
  for (let row = 0; row < rows; row++) {
    let text: string;
    if (recent.length > 0 && random.int(100) === 0) {
      text = recent[random.int(recent.length)] as string;
      duplicates++;
    } else {
      const count = 4 + random.int(20);
      const picked: string[] = [];
      for (let index = 0; index < count; index++) picked.push(lines[random.int(lines.length)] as string);
      text = picked.join("\n");
      if (recent.length < 1000) recent.push(text);
      else recent[random.int(recent.length)] = text;
    }
    const title = titles[random.int(titles.length)] as string;
    await write(`posting-${row},${quoted(title)},${quoted(text)}\n`);
  }
  await new Promise<void>((done) => stream.end(done));
  return duplicates;
}

async function timeJobdistill(csv: string, workspaceDir: string): Promise<ImportRun> {
  const workspace = openWorkspace(workspaceDir);
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const summary = await importDocuments(workspace, [csv], { batchSize: 1000 });
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      rows: summary.rows,
      inserted: summary.inserted,
      wallSeconds,
      cpuSeconds,
      rowsPerSecond: summary.rows / wallSeconds,
      rowsPerCpuSecond: summary.rows / cpuSeconds,
    };
  } finally {
    workspace.close();
  }
}

function timePython(csv: string, workspaceDir: string): ImportRun {
  // The store makes the database (its migrations: the same schema and indexes); Python fills it.
  openWorkspace(workspaceDir).close();
  const result = spawnSync(
    "python3",
    [join(benchFolder, "import_baseline.py"), csv, join(workspaceDir, "jobdistill.db")],
    {
      encoding: "utf8",
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `bench/import_baseline.py failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`,
    );
  }
  const output = pythonOutputSchema.parse(JSON.parse(result.stdout));
  return {
    ...output,
    rowsPerSecond: output.rows / output.wallSeconds,
    rowsPerCpuSecond: output.rows / output.cpuSeconds,
  };
}

export async function runImportBench(options: ImportBenchOptions = {}): Promise<ImportBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const record = recordBench("import", {
    measure: "wall-clock seconds of the import (interpreter start excluded), median of alternating runs",
    quick: options.quick,
    writeResults: options.writeResults,
  });
  const rows = options.rows ?? (options.quick ? 20_000 : 100_000);
  const runs = options.runs ?? (options.quick ? 1 : 3);
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-import-"));
  try {
    const csv = join(dir, "postings.csv");
    const duplicateTexts = await writePostingsCsv(csv, rows);
    const megabytes = statSync(csv).size / 1e6;
    log(`postings CSV: ${rows} rows, ${megabytes.toFixed(1)} MB, ${duplicateTexts} repeated texts`);
    const ours: ImportRun[] = [];
    const python: ImportRun[] = [];
    const show = (name: string, run: ImportRun) =>
      log(
        `  ${name.padEnd(10)} ${Math.round(run.rowsPerSecond).toString().padStart(7)} rows/s, ${Math.round(run.rowsPerCpuSecond).toString().padStart(7)} rows/CPU s (${run.wallSeconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, ${run.inserted} inserted)`,
      );
    for (let run = 0; run < runs; run++) {
      const oursRun = await timeJobdistill(csv, join(dir, `ours-${run}`));
      rmSync(join(dir, `ours-${run}`), { recursive: true, force: true });
      show("jobdistill", oursRun);
      ours.push(oursRun);
      const pythonRun = timePython(csv, join(dir, `python-${run}`));
      rmSync(join(dir, `python-${run}`), { recursive: true, force: true });
      show("python", pythonRun);
      python.push(pythonRun);
      if (oursRun.inserted !== pythonRun.inserted || oursRun.rows !== pythonRun.rows) {
        throw new Error(
          `the two imports disagree: jobdistill ${oursRun.rows} rows / ${oursRun.inserted} inserted, Python ${pythonRun.rows} / ${pythonRun.inserted}`,
        );
      }
    }
    const jobdistillRowsPerSecond = median(ours.map((run) => run.rowsPerSecond));
    const pythonRowsPerSecond = median(python.map((run) => run.rowsPerSecond));
    const jobdistillRowsPerCpuSecond = median(ours.map((run) => run.rowsPerCpuSecond));
    const pythonRowsPerCpuSecond = median(python.map((run) => run.rowsPerCpuSecond));
    const result: ImportBenchResult = {
      csv: { rows, megabytes, duplicateTexts },
      jobdistill: ours,
      python,
      median: {
        jobdistillRowsPerSecond,
        pythonRowsPerSecond,
        ratio: jobdistillRowsPerSecond / pythonRowsPerSecond,
        jobdistillRowsPerCpuSecond,
        pythonRowsPerCpuSecond,
        cpuRatio: jobdistillRowsPerCpuSecond / pythonRowsPerCpuSecond,
      },
    };
    log(
      `median: jobdistill ${Math.round(jobdistillRowsPerSecond)} rows/s, Python csv + sqlite3 ${Math.round(pythonRowsPerSecond)} rows/s: ×${result.median.ratio.toFixed(2)} (≥ 1 is the target)`,
    );
    log(
      `  per CPU second: jobdistill ${Math.round(jobdistillRowsPerCpuSecond)}, Python ${Math.round(pythonRowsPerCpuSecond)}: ×${result.median.cpuRatio.toFixed(2)}`,
    );
    for (const path of record.write({ settings: { rows, runs }, ...result })) log(`wrote ${path}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const argument = (name: string): number | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  await runImportBench({
    quick: args.includes("--quick"),
    rows: argument("--rows"),
    runs: argument("--runs"),
    writeResults: args.includes("--write-results"),
  });
}
