import type {
  CallCache,
  CallFailureRecord,
  CallRecord,
  NewAnnotation,
  NewRun,
  RunProgress,
  RunRecorder,
  RunStatus,
} from "../core/ports.ts";

/** A call cache in memory, for tests of the engine without a database: it keeps what it is given. */
export class InMemoryCallCache implements CallCache {
  readonly successes = new Map<string, { call: CallRecord; annotations: NewAnnotation[] }>();
  readonly failures: CallFailureRecord[] = [];

  has(key: string): boolean {
    return this.successes.has(key);
  }

  recordSuccess(call: CallRecord, annotations: readonly NewAnnotation[]): boolean {
    if (this.successes.has(call.key)) return false;
    this.successes.set(call.key, { call, annotations: annotations.map((annotation) => ({ ...annotation })) });
    return true;
  }

  recordFailure(failure: CallFailureRecord): void {
    this.failures.push({ ...failure });
  }
}

export interface RecordedRun extends NewRun {
  id: number;
  status: RunStatus;
  progress: RunProgress;
  report?: unknown;
  error?: string;
}

/** A run recorder in memory, for tests: one entry per run, in the order they started. */
export class InMemoryRunRecorder implements RunRecorder {
  readonly runs: RecordedRun[] = [];

  markAbandoned(): void {
    for (const run of this.runs) if (run.status === "running") run.status = "interrupted";
  }

  start(run: NewRun): number {
    const id = this.runs.length + 1;
    this.runs.push({ ...run, id, status: "running", progress: {} });
    return id;
  }

  progress(id: number, progress: RunProgress): void {
    const run = this.get(id);
    run.progress = { ...run.progress, ...progress };
  }

  finish(
    id: number,
    status: Exclude<RunStatus, "running">,
    extra: { report?: unknown; error?: string } = {},
  ): void {
    const run = this.get(id);
    run.status = status;
    if (extra.report !== undefined) run.report = extra.report;
    if (extra.error !== undefined) run.error = extra.error;
  }

  private get(id: number): RecordedRun {
    const run = this.runs[id - 1];
    if (run === undefined) throw new Error(`no run ${id}`);
    return run;
  }
}
