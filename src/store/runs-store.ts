import type Database from "better-sqlite3";
import { z } from "zod";
import {
  type NewRun,
  type RunProgress,
  type RunRecorder,
  type RunStatus,
  runStatuses,
} from "../core/ports.ts";
import { redactCredentials, redactUrlsInText } from "../core/redact-url.ts";

export { type NewRun, type RunProgress, type RunStatus, runStatuses } from "../core/ports.ts";

export interface Run {
  id: number;
  kind: string;
  task?: string;
  provider?: string;
  model?: string;
  params: Record<string, unknown>;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  itemsTotal: number;
  itemsDone: number;
  itemsSkipped: number;
  itemsFailed: number;
  report?: unknown;
  error?: string;
}

const runRowSchema = z.object({
  id: z.number(),
  kind: z.string(),
  task: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  params: z.string().nullable(),
  status: z.enum(runStatuses),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  items_total: z.number(),
  items_done: z.number(),
  items_skipped: z.number(),
  items_failed: z.number(),
  report: z.string().nullable(),
  error: z.string().nullable(),
});

function rowToRun(row: unknown): Run {
  const parsed = runRowSchema.parse(row);
  const run: Run = {
    id: parsed.id,
    kind: parsed.kind,
    // Redacted on the way out too, for rows written before the ledger redacted on the way in.
    params:
      parsed.params === null
        ? {}
        : redactCredentials(z.record(z.string(), z.unknown()).parse(JSON.parse(parsed.params))),
    status: parsed.status,
    startedAt: parsed.started_at,
    itemsTotal: parsed.items_total,
    itemsDone: parsed.items_done,
    itemsSkipped: parsed.items_skipped,
    itemsFailed: parsed.items_failed,
  };
  if (parsed.task !== null) run.task = parsed.task;
  if (parsed.provider !== null) run.provider = parsed.provider;
  if (parsed.model !== null) run.model = parsed.model;
  if (parsed.ended_at !== null) run.endedAt = parsed.ended_at;
  if (parsed.report !== null) run.report = redactCredentials(JSON.parse(parsed.report));
  if (parsed.error !== null) run.error = redactUrlsInText(parsed.error);
  return run;
}

/**
 * The run ledger. Every URL in what it stores (settings, report, error) has its credentials
 * taken out first (src/core/redact-url.ts): a key in `--base-url` is never written down.
 */
export class RunsStore implements RunRecorder {
  /**
   * @param isHolderAlive whether a run's lease holder (src/store/leases-store.ts) is still alive;
   *   without it every run left "running" counts as abandoned.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly isHolderAlive: (holder: string) => boolean = () => false,
  ) {}

  start(run: NewRun): number {
    const result = this.db
      .prepare(
        `INSERT INTO runs (kind, task, provider, model, params, status, started_at, items_total, holder)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(
        run.kind,
        run.task ?? null,
        run.provider ?? null,
        run.model ?? null,
        run.params ? JSON.stringify(redactCredentials(run.params)) : null,
        new Date().toISOString(),
        run.itemsTotal ?? 0,
        run.holder ?? null,
      );
    return Number(result.lastInsertRowid);
  }

  progress(id: number, progress: RunProgress): void {
    this.db
      .prepare(
        `UPDATE runs SET items_total = coalesce(?, items_total), items_done = coalesce(?, items_done),
         items_skipped = coalesce(?, items_skipped), items_failed = coalesce(?, items_failed) WHERE id = ?`,
      )
      .run(
        progress.itemsTotal ?? null,
        progress.itemsDone ?? null,
        progress.itemsSkipped ?? null,
        progress.itemsFailed ?? null,
        id,
      );
  }

  finish(
    id: number,
    status: Exclude<RunStatus, "running">,
    extra: { report?: unknown; error?: string } = {},
  ): void {
    this.db
      .prepare(
        "UPDATE runs SET status = ?, ended_at = ?, report = coalesce(?, report), error = ? WHERE id = ?",
      )
      .run(
        status,
        new Date().toISOString(),
        extra.report === undefined ? null : JSON.stringify(redactCredentials(extra.report)),
        extra.error === undefined ? null : redactUrlsInText(extra.error),
        id,
      );
  }

  /**
   * Runs still marked running whose process died (no lease holder, or one that is no longer
   * alive): mark them interrupted. A run another live process is doing is left running.
   */
  markAbandoned(): number {
    const running = z
      .array(z.object({ id: z.number(), holder: z.string().nullable() }))
      .parse(this.db.prepare("SELECT id, holder FROM runs WHERE status = 'running'").all());
    const abandoned = running.filter((run) => run.holder === null || !this.isHolderAlive(run.holder));
    const mark = this.db.prepare(
      "UPDATE runs SET status = 'interrupted', ended_at = coalesce(ended_at, ?) WHERE id = ? AND status = 'running'",
    );
    const endedAt = new Date().toISOString();
    return this.db.transaction(() =>
      abandoned.reduce((changes, run) => changes + mark.run(endedAt, run.id).changes, 0),
    )();
  }

  get(id: number): Run | undefined {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id);
    return row === undefined ? undefined : rowToRun(row);
  }

  list(options: { kind?: string | undefined; limit?: number | undefined } = {}): Run[] {
    const rows =
      options.kind === undefined
        ? this.db.prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?").all(options.limit ?? -1)
        : this.db
            .prepare("SELECT * FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?")
            .all(options.kind, options.limit ?? -1);
    return rows.map(rowToRun);
  }
}
