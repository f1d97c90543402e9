import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import type { Piscina } from "piscina";
import { isErrorCode, JobdistillError } from "../core/errors.ts";
import { runningTreeFolder } from "../core/shared-data.ts";
import type { LoadPredictorsOptions } from "../student/load-predictors.ts";
import type {
  HighlightResult,
  LoadedModelInfo,
  Predictors,
  SkillMention,
  SkillTypeRow,
} from "../student/predictors.ts";
import type { PredictInput, PredictRequest, PredictResult } from "./predict-record.ts";
import type { PredictAnswer, PredictWorkerData, PredictWorkerTask } from "./predict-worker.ts";

/** `Predictors` answered by worker threads, plus whole runs of batch records. */
export interface PredictorPool {
  readonly threads: number;
  highlight(input: Parameters<Predictors["highlight"]>[0]): Promise<HighlightResult>;
  typeSkills(skills: readonly string[]): Promise<SkillTypeRow[]>;
  extractSkills(
    input: Parameters<Predictors["extractSkills"]>[0],
  ): Promise<{ text: string; mentions: SkillMention[] }>;
  /** `predictRecords` on one worker: a run of records costs one message each way. */
  predictRecords(request: PredictRequest, inputs: readonly PredictInput[]): Promise<PredictResult[]>;
  models(): LoadedModelInfo[];
  close(): Promise<void>;
}

export interface PredictorPoolOptions extends LoadPredictorsOptions {
  workspaceDir: string;
  /** Worker threads, each with its own copy of the students. Default: one per CPU, at most 4. */
  threads?: number;
}

/** Worker threads used by default: one per CPU, at most 4 (each holds its own models). */
export function defaultPredictionThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The worker's entry: the compiled module when this file is compiled JavaScript (the package), or a
 * small entry that registers tsx first when it runs from the TypeScript sources (tests, a checkout).
 */
function predictWorkerUrl(): string {
  const compiled = import.meta.url.endsWith(".js");
  // From the project root: the CLI's bundle (dist/cli-bundle/) runs this code away from dist/workflows/.
  return pathToFileURL(
    runningTreeFolder("workflows", compiled ? "predict-worker.js" : "predict-worker-entry.mjs"),
  ).href;
}

/**
 * Prediction on worker threads, so work that arrives together runs on every core instead of
 * queueing on the event loop. Each worker loads the workspace's students once; this resolves when
 * they all have (a missing or damaged model fails here, not on the first request).
 */
export async function createPredictorPool(options: PredictorPoolOptions): Promise<PredictorPool> {
  const { workspaceDir, threads: requested, ...loadOptions } = options;
  const threads = requested ?? defaultPredictionThreads();
  const workerData: PredictWorkerData = { workspaceDir, options: loadOptions };
  // Loaded here, not at the top: a one-advert predict runs on this thread and never needs it.
  const { Piscina: WorkerPool } = await import("piscina");
  const pool: Piscina<PredictWorkerTask, PredictAnswer> = new WorkerPool<PredictWorkerTask, PredictAnswer>({
    filename: predictWorkerUrl(),
    minThreads: threads,
    maxThreads: threads,
    // Keep work waiting rather than refusing it; callers bound how much they send at once.
    maxQueue: Number.POSITIVE_INFINITY,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData,
  });
  const inFlight = new Set<Promise<PredictAnswer>>();
  let closing = false;
  const run = async <T>(task: PredictWorkerTask): Promise<T> => {
    if (closing) {
      throw new JobdistillError("the prediction workers are stopping; try again shortly", {
        code: "unavailable",
        isRetryable: true,
      });
    }
    const pending = pool.run(task);
    inFlight.add(pending);
    let answer: PredictAnswer;
    try {
      answer = await pending;
    } finally {
      inFlight.delete(pending);
    }
    if (answer.ok) return answer.value as T;
    throw new JobdistillError(answer.error.message, {
      // The worker sends codes as text: one this build does not know is the server's fault.
      code: isErrorCode(answer.error.code) ? answer.error.code : "internal",
      isRetryable: answer.error.isRetryable,
      data: answer.error.data,
    });
  };
  let models: LoadedModelInfo[];
  try {
    // Every worker loads its students now: one "models" task each, all in flight at once.
    const loaded = await Promise.all(
      Array.from({ length: threads }, () => run<LoadedModelInfo[]>({ op: "models" })),
    );
    models = loaded[0] ?? [];
  } catch (error) {
    await pool.destroy();
    throw error;
  }
  return {
    threads,
    highlight: (input) => run<HighlightResult>({ op: "highlight", input }),
    typeSkills: (skills) => run<SkillTypeRow[]>({ op: "typeSkills", input: [...skills] }),
    extractSkills: (input) => run<{ text: string; mentions: SkillMention[] }>({ op: "extractSkills", input }),
    predictRecords: (request, inputs) =>
      run<PredictResult[]>({ op: "records", request, inputs: [...inputs] }),
    models: () => models.map((model) => ({ ...model })),
    // Tasks already queued or running finish first: work in flight at shutdown still gets its
    // answer; work sent after this is refused as retryable.
    close: async () => {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await pool.destroy();
    },
  };
}
