/**
 * Where a bench's figures go, and where they came from. A bench always writes bench/out/NAME.json;
 * with --write-results it also writes bench/results/NAME.json, the stored figures the README quotes.
 * Each file starts with `writtenBy` (the command) and `provenance` (form, date, commit, machine, load
 * average, how speeds were measured), then `readmeFigures`: which README figure each field backs
 * (from bench/readme-figures.ts, which test/readme-figures.test.ts checks against the README).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readmeFiguresOf, type StoredResultsName } from "./readme-figures.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchFolder, "..");

export interface BenchProvenance {
  /** "full", or "quick": a shorter form of the bench (fewer folds, runs or seconds). */
  form: "full" | "quick";
  /** When the bench ended (ISO 8601, UTC). */
  measuredAt: string;
  /** Wall seconds the bench ran. */
  runSeconds: number;
  gitCommit: string;
  /** Files that differed from `gitCommit` when the bench ran (stored results and Markdown aside). */
  uncommittedChanges: string[];
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  /** os.loadavg() (1, 5 and 15 minutes) when the bench started and when it ended. */
  loadAverage: { atStart: number[]; atEnd: number[] };
  /**
   * The load over the run: of the averages read at its end, the one whose window (1, 5 or 15 minutes)
   * is nearest the run's length. Above `machine.cpus`, other work competed for the cores.
   */
  loadAverageDuringRun: number;
  /** How the speeds (if any) were measured, and what the wall-clock figures are worth. */
  measure: string;
}

export interface BenchRecordOptions {
  /** How speeds were measured (e.g. "CPU seconds of this process, one thread"). */
  measure: string;
  /** @default false */
  quick?: boolean | undefined;
  /** Write bench/results/NAME.json as well as bench/out/NAME.json. @default false */
  writeResults?: boolean | undefined;
  /** The command to record. @default the running one (`node bin/run-ts.js bench/NAME.ts ARGS…`) */
  command?: string | undefined;
}

export interface BenchRecord {
  /** Writes the figures with their provenance; returns the paths written. */
  write(figures: object): string[];
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

function runningCommand(): string {
  const entry = process.env.JOBDISTILL_ENTRY ?? process.argv[1] ?? "";
  return ["node", "bin/run-ts.js", relative(repoRoot, entry), ...process.argv.slice(2)].join(" ");
}

const roundLoad = (loads: number[]): number[] => loads.map((load) => Math.round(load * 100) / 100);

/** Call when the bench starts (the load average and the clock are read now), write when it ends. */
export function recordBench(name: StoredResultsName, options: BenchRecordOptions): BenchRecord {
  const startedAt = performance.now();
  const loadAtStart = roundLoad(loadavg());
  const command = options.command ?? runningCommand();
  return {
    write(figures) {
      const runSeconds = (performance.now() - startedAt) / 1000;
      const loadAtEnd = roundLoad(loadavg());
      // The 1-, 5- or 15-minute average, whichever window is nearest the run's length (the
      // boundaries are the geometric midpoints, √(60·300) and √(300·900) seconds).
      const window = runSeconds < 134 ? 0 : runSeconds < 520 ? 1 : 2;
      const changes = (git(["status", "--porcelain", "--untracked-files=no"]) ?? "")
        .split("\n")
        .map((line) => line.slice(3).trim())
        .filter((path) => path !== "" && !path.startsWith("bench/results/") && !path.endsWith(".md"));
      const provenance: BenchProvenance = {
        form: options.quick ? "quick" : "full",
        measuredAt: new Date().toISOString(),
        runSeconds: Math.round(runSeconds * 10) / 10,
        gitCommit: git(["rev-parse", "HEAD"])?.trim() ?? "unknown",
        uncommittedChanges: changes,
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model.trim() ?? "unknown",
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
        },
        loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
        loadAverageDuringRun: loadAtEnd[window] ?? 0,
        measure: options.measure,
      };
      const text = `${JSON.stringify(
        {
          writtenBy: command,
          provenance,
          readmeFigures: readmeFiguresOf(name),
          ...figures,
        },
        null,
        2,
      )}\n`;
      const paths = [join(benchFolder, "out", `${name}.json`)];
      if (options.writeResults) paths.push(join(benchFolder, "results", `${name}.json`));
      for (const path of paths) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
      return paths;
    },
  };
}
