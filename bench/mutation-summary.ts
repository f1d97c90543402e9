/**
 * Mutation score per module from Stryker's JSON report (`npm run mutate` writes it):
 *
 *   node bin/run-ts.js bench/mutation-summary.ts                 # the table, as Markdown
 *   node bin/run-ts.js bench/mutation-summary.ts --survivors     # and every surviving mutant, by kind
 *   node bin/run-ts.js bench/mutation-summary.ts --report FILE   # another report
 *
 * Score is Stryker's: detected (killed + timeout) over detected + undetected (survived + no
 * coverage); mutants that do not compile or crash the run are left out of both.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { invokedDirectly } from "./invoked-directly.ts";

type MutantStatus =
  | "Killed"
  | "Survived"
  | "NoCoverage"
  | "Timeout"
  | "CompileError"
  | "RuntimeError"
  | "Ignored"
  | "Pending";

interface Position {
  line: number;
  column: number;
}

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: MutantStatus;
  location: { start: Position; end: Position };
}

interface MutationReport {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

export interface ModuleScore {
  module: string;
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Compile and runtime errors: neither detected nor undetected. */
  errors: number;
  ignored: number;
  /** Percent, or undefined when nothing counted. */
  score: number | undefined;
  /** Percent of the covered mutants detected. */
  coveredScore: number | undefined;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const defaultReport = resolve(root, "reports", "mutation", "mutation.json");

export function readReport(path: string): MutationReport {
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof parsed !== "object" || parsed === null || !("files" in parsed)) {
    throw new Error(`${path}: not a mutation-testing report (no "files")`);
  }
  return parsed as MutationReport;
}

function percent(part: number, whole: number): number | undefined {
  return whole === 0 ? undefined : (100 * part) / whole;
}

export function scoreModule(module: string, mutants: readonly Mutant[]): ModuleScore {
  const count = (...statuses: MutantStatus[]) => mutants.filter((m) => statuses.includes(m.status)).length;
  const killed = count("Killed");
  const timeout = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const detected = killed + timeout;
  return {
    module,
    mutants: mutants.length,
    killed,
    survived,
    timeout,
    noCoverage,
    errors: count("CompileError", "RuntimeError"),
    ignored: count("Ignored"),
    score: percent(detected, detected + survived + noCoverage),
    coveredScore: percent(detected, detected + survived),
  };
}

export function scores(report: MutationReport): ModuleScore[] {
  const modules = Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, file]) => scoreModule(path, file.mutants));
  const all = Object.values(report.files).flatMap((file) => file.mutants);
  return [...modules, scoreModule("all", all)];
}

const fixed = (value: number | undefined) => (value === undefined ? "n/a" : value.toFixed(1));

export function scoreTable(rows: readonly ModuleScore[]): string {
  const header =
    "| module | mutants | killed | survived | timeout | no coverage | errors | score % | covered % |";
  const lines = rows.map(
    (r) =>
      `| ${r.module === "all" ? "**all**" : `\`${r.module}\``} | ${r.mutants} | ${r.killed} | ${r.survived} | ` +
      `${r.timeout} | ${r.noCoverage} | ${r.errors} | ${fixed(r.score)} | ${fixed(r.coveredScore)} |`,
  );
  return [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", ...lines].join("\n");
}

/** The function or method a line sits in, by the nearest declaration above it (a good guess, no parse). */
function enclosingName(lines: readonly string[], line: number): string | undefined {
  const declaration =
    /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?\s+(\w+)|(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?(?:\(|function)|(?:(?:private|public|protected|static|readonly|async|get|set)\s+)*(\w+)\s*(?:<[^>]*>)?\([^)]*\)?\s*(?::[^=]*)?\{?\s*$)/;
  const skip = new Set(["if", "for", "while", "switch", "catch", "return", "await", "new", "constructor"]);
  for (let i = line - 1; i >= 0; i--) {
    const text = lines[i] ?? "";
    const match = declaration.exec(text);
    const name = match?.[1] ?? match?.[2] ?? match?.[3];
    if (name && !skip.has(name)) return name;
    if (/^(?:export\s+)?(?:class|interface)\s+\w+/.test(text)) return undefined;
  }
  return undefined;
}

function excerpt(source: string, mutant: Mutant): string {
  const lines = source.split("\n");
  const { start, end } = mutant.location;
  const first = lines[start.line - 1] ?? "";
  const original =
    start.line === end.line
      ? first.slice(start.column - 1, end.column - 1)
      : `${first.slice(start.column - 1)} …`;
  return original.replace(/\s+/g, " ").trim();
}

function shorten(text: string, max = 70): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Surviving and uncovered mutants per module, grouped by mutator, one line each. */
export function survivorList(report: MutationReport): string {
  const out: string[] = [];
  for (const [path, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const undetected = file.mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage");
    out.push(`## \`${path}\` (${undetected.length} undetected)`, "");
    if (undetected.length === 0) {
      out.push("None.", "");
      continue;
    }
    const lines = file.source.split("\n");
    const byKind = new Map<string, Mutant[]>();
    for (const mutant of undetected) {
      byKind.set(mutant.mutatorName, [...(byKind.get(mutant.mutatorName) ?? []), mutant]);
    }
    for (const [kind, mutants] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`### ${kind} (${mutants.length})`, "");
      mutants.sort((a, b) => a.location.start.line - b.location.start.line);
      for (const m of mutants) {
        const where = enclosingName(lines, m.location.start.line - 1);
        const status = m.status === "NoCoverage" ? " (no coverage)" : "";
        out.push(
          `- L${m.location.start.line}:${m.location.start.column}${where ? ` in \`${where}\`` : ""}${status}: ` +
            `\`${shorten(excerpt(file.source, m))}\` → \`${shorten(m.replacement ?? "")}\``,
        );
      }
      out.push("");
    }
  }
  return out.join("\n");
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf("--report");
  const path = reportAt >= 0 ? resolve(args[reportAt + 1] ?? "") : defaultReport;
  const report = readReport(path);
  console.log(scoreTable(scores(report)));
  if (args.includes("--survivors")) console.log(`\n${survivorList(report)}`);
}
