import type { Annotation } from "./types.ts";

/**
 * The narrow ports the steps below the workflows take instead of the whole workspace: what the
 * teacher engine reads and writes. The store implements them (src/store); a workflow wires the
 * workspace's stores in; tests may pass small in-memory fakes (src/teacher/in-memory-ports.ts).
 */

/** An annotation as written: the store assigns `id` and `createdAt`. */
export type NewAnnotation = Omit<Annotation, "id" | "createdAt">;

/** A successful teacher call, as stored in the call cache. */
export interface CallRecord {
  key: string;
  runId?: number;
  task: string;
  taskVersion: string;
  provider: string;
  model: string;
  itemId: string;
  /** The validated output, as JSON. */
  output: unknown;
  rawText?: string;
  finishReason?: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  attempts: number;
  latencyMs?: number;
}

/** One failed attempt (or the final failure) of a teacher call, with its evidence. */
export interface CallFailureRecord {
  key: string;
  runId?: number;
  task: string;
  provider: string;
  model: string;
  itemId: string;
  attempt: number;
  /** True when the engine gave up on the item after this attempt. */
  final: boolean;
  errorCode: string;
  message: string;
  rawText?: string;
  finishReason?: string;
  tokensIn?: number;
  tokensOut?: number;
  costUsd?: number;
  issues?: unknown;
}

/** The teacher's call cache: what is already answered, and where answers and failures go. */
export interface CallCache {
  has(key: string): boolean;
  /**
   * Stores a successful call and the annotations made from it together (both or neither); a
   * repeated key changes nothing. Returns false when the key was already stored.
   */
  recordSuccess(call: CallRecord, annotations: readonly NewAnnotation[]): boolean;
  recordFailure(failure: CallFailureRecord): void;
}

export const runStatuses = ["running", "done", "interrupted", "failed"] as const;
export type RunStatus = (typeof runStatuses)[number];

export interface NewRun {
  kind: string;
  task?: string;
  provider?: string;
  model?: string;
  /** Settings of the run: never secrets (API keys are not run parameters). */
  params?: Record<string, unknown>;
  itemsTotal?: number;
}

export interface RunProgress {
  itemsTotal?: number;
  itemsDone?: number;
  itemsSkipped?: number;
  itemsFailed?: number;
}

/** The run ledger as a run writes it: start, progress, end. */
export interface RunRecorder {
  /** Marks runs left "running" by a process that died as interrupted. */
  markAbandoned(): void;
  /** Returns the new run's id. */
  start(run: NewRun): number;
  progress(id: number, progress: RunProgress): void;
  finish(
    id: number,
    status: Exclude<RunStatus, "running">,
    extra?: { report?: unknown; error?: string },
  ): void;
}
