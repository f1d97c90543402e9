/**
 * Import and dataset-build throughput: a generated LinkedIn-style CSV imported through the
 * streaming importer (rows/s, MB/s, peak RSS against the file size), then `buildDataset` over the
 * demo gold and, when the shared folder is there, SkillSpan dev.
 * Run: `node bin/run-ts.js bench/dataset.ts [--quick] [--mb N]`.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedPath } from "../src/core/shared-data.ts";
import { buildDataset, importDemoGold, importDocuments, importSkillSpanGold } from "../src/dataset/index.ts";
import { openWorkspace } from "../src/store/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";

export interface DatasetBenchOptions {
  /** Size of the generated CSV in MB (default 100; 10 with quick). */
  csvMegabytes?: number;
  quick?: boolean;
  /** Where the JSON figures go (default bench/out/dataset.json). */
  outputPath?: string;
  log?: (line: string) => void;
}

export interface DatasetBenchResult {
  import: {
    megabytes: number;
    rows: number;
    seconds: number;
    rowsPerSecond: number;
    megabytesPerSecond: number;
    peakRssMb: number;
    baseRssMb: number;
    peakHeapGrowthMb: number;
  };
  builds: { name: string; documents: number; segments: number; pairs: number; seconds: number }[];
}

async function writeCsv(path: string, megabytes: number): Promise<number> {
  const stream = createWriteStream(path);
  stream.write("job_id,company_name,title,description,location\n");
  const paragraph =
    "We are looking for an experienced engineer, with 5+ years in backend development, to join our team. " +
    'You will own services end to end, review code and mentor others; "clear writing" matters here.\n';
  let rows = 0;
  let bytes = 0;
  while (bytes < megabytes * 1_000_000) {
    const description = `${paragraph.repeat(1 + (rows % 6))}Posting ${rows}.`;
    const line = `${rows},Company ${rows % 997},Engineer ${rows % 31},"${description.replaceAll('"', '""')}",City ${rows % 50}\n`;
    bytes += line.length;
    rows++;
    if (!stream.write(line)) await new Promise<void>((done) => stream.once("drain", () => done()));
  }
  await new Promise<void>((done) => stream.end(done));
  return rows;
}

export async function runDatasetBench(options: DatasetBenchOptions = {}): Promise<DatasetBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const megabytes = options.csvMegabytes ?? (options.quick ? 10 : 100);
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-dataset-"));
  try {
    const csv = join(dir, "postings.csv");
    const rows = await writeCsv(csv, megabytes);
    const fileMb = statSync(csv).size / 1e6;
    const workspace = openWorkspace(join(dir, "ws"));
    const baseRssMb = process.memoryUsage().rss / 1e6;
    let peakRssMb = baseRssMb;
    const baseHeapMb = process.memoryUsage().heapUsed / 1e6;
    let peakHeapMb = baseHeapMb;
    const started = performance.now();
    const summary = await importDocuments(workspace, [csv], {
      onProgress: () => {
        const memory = process.memoryUsage();
        peakRssMb = Math.max(peakRssMb, memory.rss / 1e6);
        peakHeapMb = Math.max(peakHeapMb, memory.heapUsed / 1e6);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    workspace.close();
    const result: DatasetBenchResult = {
      import: {
        megabytes: fileMb,
        rows: summary.rows,
        seconds,
        rowsPerSecond: summary.rows / seconds,
        megabytesPerSecond: fileMb / seconds,
        peakRssMb,
        baseRssMb,
        peakHeapGrowthMb: peakHeapMb - baseHeapMb,
      },
      builds: [],
    };
    log(`import: ${rows} rows, ${fileMb.toFixed(1)} MB CSV in ${seconds.toFixed(2)}s`);
    log(
      `  ${Math.round(result.import.rowsPerSecond)} rows/s, ${result.import.megabytesPerSecond.toFixed(1)} MB/s`,
    );
    log(
      `  RSS ${baseRssMb.toFixed(0)} MB before, peak ${peakRssMb.toFixed(0)} MB: growth ${(peakRssMb - baseRssMb).toFixed(0)} MB = ${((peakRssMb - baseRssMb) / fileMb).toFixed(2)}× the file size; JS heap growth peak ${(peakHeapMb - baseHeapMb).toFixed(0)} MB`,
    );

    const demo = openWorkspace(join(dir, "demo"));
    importDemoGold(demo);
    const builds: [string, typeof demo, string][] = [["demo gold (requirements)", demo, "requirements"]];
    const devPath = sharedPath("data", "skillspan", "json", "dev.json");
    let skills: typeof demo | undefined;
    if (devPath && !options.quick) {
      skills = openWorkspace(join(dir, "skills"));
      const importStarted = performance.now();
      const imported = importSkillSpanGold(skills, [devPath]);
      log(
        `SkillSpan dev gold import: ${imported.sentences} sentences in ${((performance.now() - importStarted) / 1000).toFixed(2)}s`,
      );
      builds.push(["SkillSpan dev (skills)", skills, "skills"]);
    }
    for (const [name, workspaceToBuild, task] of builds) {
      const buildStarted = performance.now();
      const report = buildDataset(workspaceToBuild, { task, out: join(dir, `out-${task}`) });
      const buildSeconds = (performance.now() - buildStarted) / 1000;
      const sum = (values: Record<string, number>): number =>
        Object.values(values).reduce((a, b) => a + b, 0);
      const pairs = Object.values(report.pairs).reduce(
        (total, split) => total + split.positive + split.negative,
        0,
      );
      result.builds.push({
        name,
        documents: sum(report.documents),
        segments: sum(report.segments),
        pairs,
        seconds: buildSeconds,
      });
      log(
        `dataset build, ${name}: ${sum(report.documents)} documents, ${sum(report.segments)} segments, ${pairs} pairs in ${buildSeconds.toFixed(2)}s (${Math.round(sum(report.documents) / buildSeconds)} documents/s)`,
      );
    }
    demo.close();
    skills?.close();
    const outputPath =
      options.outputPath ?? resolve(dirname(fileURLToPath(import.meta.url)), "out", "dataset.json");
    mkdirSync(dirname(outputPath), { recursive: true });
    writeFileSync(outputPath, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${outputPath}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  const mbIndex = process.argv.indexOf("--mb");
  const mb = mbIndex >= 0 ? Number(process.argv[mbIndex + 1]) : undefined;
  await runDatasetBench({ quick: process.argv.includes("--quick"), ...(mb ? { csvMegabytes: mb } : {}) });
}
