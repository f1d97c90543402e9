import type { CallsStore, Run, RunsStore, SpendRow } from "../store/index.ts";
import { type LearningCurve, learningCurvesOfRun } from "./active-learning-ledger.ts";

/** What the ledger reads: the runs and what their calls spent (a workspace is one). */
export interface RunLedgerSource {
  runs: Pick<RunsStore, "list" | "get">;
  calls: Pick<CallsStore, "spend" | "failures">;
}

export interface RunLedgerEntry {
  run: Run;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** Wall time; to now for a run still going. */
  durationMs: number;
  /** Failed call attempts (each billed), and the items whose last attempt failed. */
  failedAttempts: number;
  finalFailures: number;
}

export interface RunLedgerDetail extends RunLedgerEntry {
  /** Per provider and model: successes and failed attempts together (both are billed). */
  spend: SpendRow[];
  /** For a round of an active-learning job: its job's curve first, then the task's other jobs. */
  learningCurves: LearningCurve[];
}

function detailOf(source: RunLedgerSource, run: Run): Omit<RunLedgerDetail, "learningCurves"> {
  const spend = source.calls.spend(run.id);
  const failures = source.calls.failures({ runId: run.id });
  const end = run.endedAt === undefined ? Date.now() : Date.parse(run.endedAt);
  return {
    run,
    spend,
    tokensIn: spend.reduce((sum, row) => sum + row.tokensIn, 0),
    tokensOut: spend.reduce((sum, row) => sum + row.tokensOut, 0),
    costUsd: spend.reduce((sum, row) => sum + row.costUsd, 0),
    durationMs: Math.max(0, end - Date.parse(run.startedAt)),
    failedAttempts: failures.length,
    finalFailures: failures.filter((failure) => failure.final).length,
  };
}

/** Runs, newest first, with what each spent: what `jobdistill runs` and the HTTP API list. */
export function listRunLedger(
  source: RunLedgerSource,
  options: { kind?: string | undefined; limit?: number | undefined } = {},
): RunLedgerEntry[] {
  return source.runs.list(options).map((run) => {
    const { spend: _spend, ...entry } = detailOf(source, run);
    return entry;
  });
}

/** One run with its spend per model and its failure counts, or undefined when there is no such run. */
export function runLedgerDetail(source: RunLedgerSource, runId: number): RunLedgerDetail | undefined {
  const run = source.runs.get(runId);
  return run === undefined
    ? undefined
    : { ...detailOf(source, run), learningCurves: learningCurvesOfRun(source.runs, run) };
}
