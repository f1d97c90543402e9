import type Database from "better-sqlite3";
import { z } from "zod";

/**
 * Where a batch is in its submission, each state written before the next step starts:
 * planned (members and input hash recorded, nothing sent) → uploaded (input file id known) →
 * submitted (provider batch id known) → collected (output and error lines stored).
 */
export const batchStates = ["planned", "uploaded", "submitted", "collected"] as const;
export type BatchState = (typeof batchStates)[number];

export interface StoredBatch {
  id: number;
  /** The key the provider's file name and batch metadata carry, so a rerun finds what it sent. */
  runKey: string;
  planKey: string;
  /** What `label --batch` was asked to label (JSON, never secrets). */
  plan: unknown;
  task: string;
  provider: string;
  model: string;
  state: BatchState;
  requests: number;
  inputBytes: number;
  inputHash: string;
  inputFileId?: string;
  providerBatchId?: string;
  providerStatus?: string;
  outputFileId?: string;
  errorFileId?: string;
  completed: number;
  failed: number;
  createdAt: string;
  updatedAt: string;
}

/** One request a batch asks (or will ask): the chat body, and its answer once one came back. */
export interface BatchRequest {
  customId: string;
  planKey: string;
  callKey: string;
  body: string;
  /** The answer (a GenerateResult, as JSON), once a batch returned one. */
  answer?: unknown;
  /** True once a labelling pass has read the answer. */
  applied: boolean;
  /** Batches that answered it with an error line. */
  failures: number;
  /** The last such error. */
  lastError?: string;
  /** True while it is a member of a batch not yet collected. */
  inFlight: boolean;
}

/** A batch as planned: what it is for, its input file's size and hash, and its requests in order. */
export type NewBatch = Pick<
  StoredBatch,
  "runKey" | "planKey" | "plan" | "task" | "provider" | "model" | "inputBytes" | "inputHash"
> & { customIds: readonly string[] };

const batchRowSchema = z.object({
  id: z.number(),
  run_key: z.string(),
  plan_key: z.string(),
  plan: z.string(),
  task: z.string(),
  provider: z.string(),
  model: z.string(),
  state: z.enum(batchStates),
  requests: z.number(),
  input_bytes: z.number(),
  input_hash: z.string(),
  input_file_id: z.string().nullable(),
  provider_batch_id: z.string().nullable(),
  provider_status: z.string().nullable(),
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  completed: z.number(),
  failed: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

const requestRowSchema = z.object({
  custom_id: z.string(),
  plan_key: z.string(),
  call_key: z.string(),
  body: z.string(),
  answer: z.string().nullable(),
  applied: z.number(),
  failures: z.number(),
  last_error: z.string().nullable(),
  in_flight: z.number(),
});

function rowToBatch(row: unknown): StoredBatch {
  const parsed = batchRowSchema.parse(row);
  const batch: StoredBatch = {
    id: parsed.id,
    runKey: parsed.run_key,
    planKey: parsed.plan_key,
    plan: JSON.parse(parsed.plan),
    task: parsed.task,
    provider: parsed.provider,
    model: parsed.model,
    state: parsed.state,
    requests: parsed.requests,
    inputBytes: parsed.input_bytes,
    inputHash: parsed.input_hash,
    completed: parsed.completed,
    failed: parsed.failed,
    createdAt: parsed.created_at,
    updatedAt: parsed.updated_at,
  };
  if (parsed.input_file_id !== null) batch.inputFileId = parsed.input_file_id;
  if (parsed.provider_batch_id !== null) batch.providerBatchId = parsed.provider_batch_id;
  if (parsed.provider_status !== null) batch.providerStatus = parsed.provider_status;
  if (parsed.output_file_id !== null) batch.outputFileId = parsed.output_file_id;
  if (parsed.error_file_id !== null) batch.errorFileId = parsed.error_file_id;
  return batch;
}

function rowToRequest(row: unknown): BatchRequest {
  const parsed = requestRowSchema.parse(row);
  const request: BatchRequest = {
    customId: parsed.custom_id,
    planKey: parsed.plan_key,
    callKey: parsed.call_key,
    body: parsed.body,
    applied: parsed.applied === 1,
    failures: parsed.failures,
    inFlight: parsed.in_flight > 0,
  };
  if (parsed.answer !== null) request.answer = JSON.parse(parsed.answer);
  if (parsed.last_error !== null) request.lastError = parsed.last_error;
  return request;
}

const requestColumns = `r.custom_id, r.plan_key, r.call_key, r.body, r.answer, r.applied,
  (SELECT count(*) FROM batch_members m WHERE m.custom_id = r.custom_id AND m.outcome = 'failed') AS failures,
  (SELECT m.error FROM batch_members m WHERE m.custom_id = r.custom_id AND m.outcome = 'failed'
    ORDER BY m.batch_id DESC LIMIT 1) AS last_error,
  (SELECT count(*) FROM batch_members m JOIN batches b ON b.id = m.batch_id
    WHERE m.custom_id = r.custom_id AND b.state <> 'collected') AS in_flight`;

/**
 * The provider batches of `label --batch`, their requests and which request is in which batch.
 * Every step of a submission is written down before and after it is taken, so a process killed at
 * any point leaves enough to find what it sent (the run key) and never to send it twice.
 */
export class BatchesStore {
  constructor(private readonly db: Database.Database) {}

  /** Records a request to ask in a batch; a request already recorded is left as it is. */
  addRequest(request: { customId: string; planKey: string; callKey: string; body: string }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO batch_requests (custom_id, plan_key, call_key, body, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(request.customId, request.planKey, request.callKey, request.body, new Date().toISOString());
  }

  request(customId: string): BatchRequest | undefined {
    const row = this.db
      .prepare(`SELECT ${requestColumns} FROM batch_requests r WHERE r.custom_id = ?`)
      .get(customId);
    return row === undefined ? undefined : rowToRequest(row);
  }

  /** Every request recorded for one call key (the first ask, its repairs). */
  requestsOfCall(callKey: string): BatchRequest[] {
    return this.db
      .prepare(`SELECT ${requestColumns} FROM batch_requests r WHERE r.call_key = ? ORDER BY r.created_at`)
      .all(callKey)
      .map(rowToRequest);
  }

  /** Requests of a plan with no answer yet, in no batch still open: the next batch's lines. */
  unsent(planKey: string): BatchRequest[] {
    return this.db
      .prepare(
        `SELECT * FROM (SELECT ${requestColumns} FROM batch_requests r WHERE r.plan_key = ? AND r.answer IS NULL)
         WHERE in_flight = 0 ORDER BY custom_id`,
      )
      .all(planKey)
      .map(rowToRequest);
  }

  /**
   * Records a batch and its members, before anything is sent, and returns its id; or undefined, with
   * nothing recorded, when one of its requests was answered or put in an open batch meanwhile (by
   * another process on this workspace): a request is never in two open batches.
   */
  plan(batch: NewBatch): number | undefined {
    const taken = this.db.prepare(
      `SELECT 1 FROM batch_requests r WHERE r.custom_id = ? AND (r.answer IS NOT NULL OR EXISTS (
         SELECT 1 FROM batch_members m JOIN batches b ON b.id = m.batch_id
         WHERE m.custom_id = r.custom_id AND b.state <> 'collected'))`,
    );
    return this.db
      .transaction(() => {
        if (batch.customIds.some((customId) => taken.get(customId) !== undefined)) return undefined;
        const now = new Date().toISOString();
        const result = this.db
          .prepare(
            `INSERT INTO batches (run_key, plan_key, plan, task, provider, model, state, requests, input_bytes,
           input_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?)`,
          )
          .run(
            batch.runKey,
            batch.planKey,
            JSON.stringify(batch.plan),
            batch.task,
            batch.provider,
            batch.model,
            batch.customIds.length,
            batch.inputBytes,
            batch.inputHash,
            now,
            now,
          );
        const id = Number(result.lastInsertRowid);
        const member = this.db.prepare(
          "INSERT INTO batch_members (batch_id, custom_id, position) VALUES (?, ?, ?)",
        );
        for (const [position, customId] of batch.customIds.entries()) member.run(id, customId, position);
        return id;
      })
      .immediate();
  }

  /** The request bodies of a batch, in the order of its input file. */
  memberBodies(batchId: number): { customId: string; body: string }[] {
    return z.array(z.object({ customId: z.string(), body: z.string() })).parse(
      this.db
        .prepare(
          `SELECT m.custom_id AS customId, r.body FROM batch_members m JOIN batch_requests r
             ON r.custom_id = m.custom_id WHERE m.batch_id = ? ORDER BY m.position`,
        )
        .all(batchId),
    );
  }

  recordUpload(batchId: number, inputFileId: string): void {
    this.update(batchId, "state = 'uploaded', input_file_id = ?", inputFileId);
  }

  recordSubmitted(batchId: number, providerBatchId: string, status: string): void {
    this.update(
      batchId,
      "state = 'submitted', provider_batch_id = ?, provider_status = ?",
      providerBatchId,
      status,
    );
  }

  recordStatus(
    batchId: number,
    status: {
      providerStatus: string;
      completed: number;
      failed: number;
      outputFileId?: string | undefined;
      errorFileId?: string | undefined;
    },
  ): void {
    this.update(
      batchId,
      "provider_status = ?, completed = ?, failed = ?, output_file_id = ?, error_file_id = ?",
      status.providerStatus,
      status.completed,
      status.failed,
      status.outputFileId ?? null,
      status.errorFileId ?? null,
    );
  }

  /**
   * Stores a finished batch's answers and errors in one transaction and marks it collected; a member
   * with neither (an expired or cancelled batch's unfinished part) is left unanswered, to be sent again.
   */
  recordCollected(
    batchId: number,
    lines: readonly ({ customId: string; answer: unknown } | { customId: string; error: string })[],
  ): void {
    this.db.transaction(() => {
      const answer = this.db.prepare(
        "UPDATE batch_requests SET answer = ? WHERE custom_id = ? AND answer IS NULL",
      );
      const outcome = this.db.prepare(
        "UPDATE batch_members SET outcome = ?, error = ? WHERE batch_id = ? AND custom_id = ?",
      );
      for (const line of lines) {
        if ("answer" in line) {
          answer.run(JSON.stringify(line.answer), line.customId);
          outcome.run("answered", null, batchId, line.customId);
        } else {
          outcome.run("failed", line.error, batchId, line.customId);
        }
      }
      this.db
        .prepare("UPDATE batch_members SET outcome = 'missing' WHERE batch_id = ? AND outcome IS NULL")
        .run(batchId);
      this.update(batchId, "state = 'collected'");
    })();
  }

  markApplied(customIds: Iterable<string>): void {
    const mark = this.db.prepare("UPDATE batch_requests SET applied = 1 WHERE custom_id = ?");
    this.db.transaction(() => {
      for (const customId of customIds) mark.run(customId);
    })();
  }

  get(id: number): StoredBatch | undefined {
    const row = this.db.prepare("SELECT * FROM batches WHERE id = ?").get(id);
    return row === undefined ? undefined : rowToBatch(row);
  }

  /** Batches, newest first; `open` only those not collected yet; `planKey` only one plan's. */
  list(options: { open?: boolean; planKey?: string } = {}): StoredBatch[] {
    const clauses: string[] = [];
    const values: string[] = [];
    if (options.open) clauses.push("state <> 'collected'");
    if (options.planKey !== undefined) {
      clauses.push("plan_key = ?");
      values.push(options.planKey);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "";
    return this.db
      .prepare(`SELECT * FROM batches ${where} ORDER BY id DESC`)
      .all(...values)
      .map(rowToBatch);
  }

  private update(batchId: number, assignments: string, ...values: (string | number | null)[]): void {
    this.db
      .prepare(`UPDATE batches SET ${assignments}, updated_at = ? WHERE id = ?`)
      .run(...values, new Date().toISOString(), batchId);
  }
}
