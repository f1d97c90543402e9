import { type ErrorCode, JobdistillError } from "../core/errors.ts";

/** How a teacher run (labelling, a round of active learning, generation, batches) ended. */
export interface RunEnding {
  interrupted: boolean;
  failed: number;
  /** Items of the run, when the message says "N of M". */
  total?: number | undefined;
  /** The run whose failures `jobdistill failures --run` lists. */
  runId?: number | undefined;
}

export interface RunEndingWording {
  /** After "interrupted", e.g. "in round 2 of 5". */
  where?: string | undefined;
  /** What failed, e.g. "items of round 2" or "calls". @default "items" */
  unit?: string | undefined;
  /** @default "label-failed" */
  failedCode?: ErrorCode | undefined;
}

/**
 * Ends a run that stopped short with a non-zero exit that says how to go on: an interruption
 * (`interrupted`), else items that failed for good (`label-failed` unless told). Nothing is lost
 * either way: the rerun takes up what was not done.
 */
export function throwIfRunUnfinished(run: RunEnding, wording: RunEndingWording = {}): void {
  if (run.interrupted) {
    const where = wording.where === undefined ? "" : ` ${wording.where}`;
    throw new JobdistillError(`interrupted${where}: rerun the same command to continue`, {
      code: "interrupted",
    });
  }
  if (run.failed > 0) {
    const of = run.total === undefined ? "" : ` of ${run.total}`;
    const list = run.runId === undefined ? "" : ` --run ${run.runId}`;
    throw new JobdistillError(
      `${run.failed}${of} ${wording.unit ?? "items"} failed (see: jobdistill failures${list}); ` +
        "rerun the same command to try them again",
      { code: wording.failedCode ?? "label-failed" },
    );
  }
}
