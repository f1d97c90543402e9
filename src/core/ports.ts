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
  /** The lease holder of the process running it: while that holder is alive, the run is not abandoned. */
  holder?: string;
}

export interface RunProgress {
  itemsTotal?: number;
  itemsDone?: number;
  itemsSkipped?: number;
  itemsFailed?: number;
}

/** The run ledger as a run writes it: start, progress, end. */
export interface RunRecorder {
  /** Marks runs left "running" by a process that died as interrupted (never one whose holder is alive). */
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

/**
 * Leases on the items of one task, so that several processes labelling the same workspace split
 * the items instead of each calling for all of them. A lease lasts a time-to-live unless renewed;
 * a process that dies stops renewing, and its items become free again.
 */
export interface ItemClaims {
  /** Who holds the leases (pid and a random part): recorded with the run. */
  readonly holder: string;
  /**
   * Takes `key` unless another live holder has it: "claimed" when this holder has it now, "held"
   * when another is working on it, "given-up" when another failed on it for good and is still running.
   */
  claim(key: string): "claimed" | "held" | "given-up";
  /** Lets `key` go (answered, or left for the next run). */
  release(key: string): void;
  /** Keeps `key`, marked failed, while this holder lives: the others do not try it again meanwhile. */
  giveUp(key: string): void;
  /** Extends every lease of this holder, and the holder's own liveness, by the time-to-live. */
  renew(): void;
  /** How often `renew` must be called to keep the leases. */
  readonly renewEveryMs: number;
  /** How often to look again at items another holder has (to take over those it leaves). */
  readonly pollEveryMs: number;
}
