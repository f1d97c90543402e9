import type Database from "better-sqlite3";
import { z } from "zod";
import type { CallCache, CallFailureRecord, CallRecord, NewAnnotation } from "../core/ports.ts";
import { redactUrlsInText } from "../core/redact-url.ts";
import type { AnnotationsStore } from "./annotations-store.ts";

export type { CallFailureRecord, CallRecord } from "../core/ports.ts";

export interface StoredCallFailure extends CallFailureRecord {
  id: number;
  createdAt: string;
}

const failureRowSchema = z.object({
  id: z.number(),
  key: z.string(),
  run_id: z.number().nullable(),
  task: z.string(),
  provider: z.string(),
  model: z.string(),
  item_id: z.string(),
  attempt: z.number(),
  final: z.number(),
  error_code: z.string(),
  message: z.string(),
  raw_text: z.string().nullable(),
  finish_reason: z.string().nullable(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_usd: z.number(),
  issues: z.string().nullable(),
  created_at: z.string(),
});

export interface SpendRow {
  provider: string;
  model: string;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** A WHERE clause for the usual filters of calls and failures: by run, by task, plus fixed conditions. */
function runAndTaskFilter(
  options: { runId?: number | undefined; task?: string | undefined },
  fixed: readonly string[] = [],
): { where: string; values: (string | number)[] } {
  const clauses = [...fixed];
  const values: (string | number)[] = [];
  if (options.runId !== undefined) {
    clauses.push("run_id = ?");
    values.push(options.runId);
  }
  if (options.task !== undefined) {
    clauses.push("task = ?");
    values.push(options.task);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

export class CallsStore implements CallCache {
  private readonly getOutput: Database.Statement;
  private readonly getAnswer: Database.Statement;
  private readonly insertCall: Database.Statement;
  private readonly insertFailure: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly annotations: AnnotationsStore,
  ) {
    this.getOutput = db.prepare("SELECT output FROM calls WHERE key = ?");
    this.getAnswer = db.prepare("SELECT item_id, task_version, output FROM calls WHERE key = ?");
    this.insertCall = db.prepare(
      `INSERT OR IGNORE INTO calls (key, run_id, task, task_version, provider, model, item_id, output, raw_text,
       finish_reason, tokens_in, tokens_out, cost_usd, attempts, latency_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertFailure = db.prepare(
      `INSERT INTO call_failures (key, run_id, task, provider, model, item_id, attempt, final, error_code, message,
       raw_text, finish_reason, tokens_in, tokens_out, cost_usd, issues, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  has(key: string): boolean {
    return this.getOutput.get(key) !== undefined;
  }

  /** The cached output of a call, parsed as JSON (validate it with the task's schema). */
  cachedOutput(key: string): unknown {
    const row = this.getOutput.get(key) as { output: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.output);
  }

  /** A stored call's item, task version and answer (the parsed output, as JSON), by its key. */
  storedAnswer(key: string): { itemId: string; taskVersion: string; output: unknown } | undefined {
    const row = this.getAnswer.get(key) as
      | { item_id: string; task_version: string; output: string }
      | undefined;
    return row === undefined
      ? undefined
      : { itemId: row.item_id, taskVersion: row.task_version, output: JSON.parse(row.output) };
  }

  /**
   * Stores a successful call and the annotations made from it in one transaction, so a crash
   * leaves either both or neither, and a repeated key changes nothing (no duplicates).
   * Returns false when the key was already stored.
   */
  recordSuccess(call: CallRecord, annotations: readonly NewAnnotation[]): boolean {
    return this.db.transaction(() => {
      const result = this.insertCall.run(
        call.key,
        call.runId ?? null,
        call.task,
        call.taskVersion,
        call.provider,
        call.model,
        call.itemId,
        JSON.stringify(call.output),
        call.rawText ?? null,
        call.finishReason ?? null,
        call.tokensIn,
        call.tokensOut,
        call.costUsd,
        call.attempts,
        call.latencyMs ?? null,
        new Date().toISOString(),
      );
      if (result.changes === 0) return false;
      for (const annotation of annotations) this.annotations.insert({ ...annotation, callKey: call.key });
      return true;
    })();
  }

  recordFailure(failure: CallFailureRecord): void {
    this.insertFailure.run(
      failure.key,
      failure.runId ?? null,
      failure.task,
      failure.provider,
      failure.model,
      failure.itemId,
      failure.attempt,
      failure.final ? 1 : 0,
      failure.errorCode,
      // An error message may quote the endpoint's URL; its credentials stay out of the store.
      redactUrlsInText(failure.message),
      failure.rawText ?? null,
      failure.finishReason ?? null,
      failure.tokensIn ?? 0,
      failure.tokensOut ?? 0,
      failure.costUsd ?? 0,
      failure.issues === undefined ? null : JSON.stringify(failure.issues),
      new Date().toISOString(),
    );
  }

  failures(
    options: {
      runId?: number | undefined;
      task?: string | undefined;
      finalOnly?: boolean | undefined;
      limit?: number | undefined;
    } = {},
  ): StoredCallFailure[] {
    const { where, values } = runAndTaskFilter(options, options.finalOnly ? ["final = 1"] : []);
    const rows = this.db
      .prepare(`SELECT * FROM call_failures ${where} ORDER BY id DESC LIMIT ?`)
      .all(...values, options.limit ?? -1);
    return rows.map((row) => {
      const parsed = failureRowSchema.parse(row);
      const failure: StoredCallFailure = {
        id: parsed.id,
        key: parsed.key,
        task: parsed.task,
        provider: parsed.provider,
        model: parsed.model,
        itemId: parsed.item_id,
        attempt: parsed.attempt,
        final: parsed.final === 1,
        errorCode: parsed.error_code,
        message: parsed.message,
        tokensIn: parsed.tokens_in,
        tokensOut: parsed.tokens_out,
        costUsd: parsed.cost_usd,
        createdAt: parsed.created_at,
      };
      if (parsed.run_id !== null) failure.runId = parsed.run_id;
      if (parsed.raw_text !== null) failure.rawText = parsed.raw_text;
      if (parsed.finish_reason !== null) failure.finishReason = parsed.finish_reason;
      if (parsed.issues !== null) failure.issues = JSON.parse(parsed.issues);
      return failure;
    });
  }

  /** Tokens and cost per provider and model, successes and failed attempts together (both are billed). */
  spend(runId?: number): SpendRow[] {
    const filter = runId === undefined ? "" : "WHERE run_id = ?";
    const args = runId === undefined ? [] : [runId];
    const rows = this.db
      .prepare(
        `SELECT provider, model, sum(calls) AS calls, sum(tokens_in) AS tokensIn, sum(tokens_out) AS tokensOut,
                sum(cost_usd) AS costUsd FROM (
           SELECT provider, model, 1 AS calls, tokens_in, tokens_out, cost_usd FROM calls ${filter}
           UNION ALL
           SELECT provider, model, 0 AS calls, tokens_in, tokens_out, cost_usd FROM call_failures ${filter}
         ) GROUP BY provider, model ORDER BY provider, model`,
      )
      .all(...args, ...args);
    return z
      .array(
        z.object({
          provider: z.string(),
          model: z.string(),
          calls: z.number(),
          tokensIn: z.number(),
          tokensOut: z.number(),
          costUsd: z.number(),
        }),
      )
      .parse(rows);
  }

  count(options: { runId?: number; task?: string } = {}): number {
    const { where, values } = runAndTaskFilter(options);
    return (this.db.prepare(`SELECT count(*) AS n FROM calls ${where}`).get(...values) as { n: number }).n;
  }
}
