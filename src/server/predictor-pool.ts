import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { isErrorCode, JobdistillError } from "../core/errors.ts";
import type { Workspace } from "../store/index.ts";
import { type LoadPredictorsOptions, loadPredictors } from "../student/load-predictors.ts";
import type {
  HighlightResult,
  LoadedModelInfo,
  Predictors,
  SkillMention,
  SkillTypeRow,
} from "../student/predictors.ts";
import type { PredictAnswer, PredictTask, PredictWorkerData } from "./predict-worker.ts";

type MaybePromise<T> = T | Promise<T>;

/** What the server asks of the students: `Predictors`, answered in this thread or by a worker pool. */
export interface ServerPredictors {
  highlight(input: Parameters<Predictors["highlight"]>[0]): MaybePromise<HighlightResult>;
  typeSkills(skills: readonly string[]): MaybePromise<SkillTypeRow[]>;
  extractSkills(
    input: Parameters<Predictors["extractSkills"]>[0],
  ): MaybePromise<{ text: string; mentions: SkillMention[] }>;
  models(): LoadedModelInfo[];
}

export interface PredictorPool extends ServerPredictors {
  readonly threads: number;
  highlight(input: Parameters<Predictors["highlight"]>[0]): Promise<HighlightResult>;
  typeSkills(skills: readonly string[]): Promise<SkillTypeRow[]>;
  extractSkills(
    input: Parameters<Predictors["extractSkills"]>[0],
  ): Promise<{ text: string; mentions: SkillMention[] }>;
  close(): Promise<void>;
}

export interface PredictorPoolOptions extends LoadPredictorsOptions {
  workspaceDir: string;
  /** Worker threads, each with its own copy of the students. Default: one per CPU, at most 4. */
  threads?: number;
}

/** Worker threads a server uses by default: one per CPU, at most 4 (each holds its own models). */
export function defaultPredictionThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Prediction on worker threads, so requests that arrive together run on every core instead of
 * queueing behind one another on the event loop. Each worker loads the workspace's students once;
 * this resolves when they all have (a missing or damaged model fails here, not on a request).
 */
/**
 * The worker's entry: the compiled module when this file is compiled JavaScript (the package), or a
 * small entry that registers tsx first when it runs from the TypeScript sources (tests, a checkout).
 */
function predictWorkerUrl(): string {
  const compiled = import.meta.url.endsWith(".js");
  return new URL(compiled ? "./predict-worker.js" : "./predict-worker-entry.mjs", import.meta.url).href;
}

export async function createPredictorPool(options: PredictorPoolOptions): Promise<PredictorPool> {
  const { workspaceDir, threads: requested, ...loadOptions } = options;
  const threads = requested ?? defaultPredictionThreads();
  const workerData: PredictWorkerData = { workspaceDir, options: loadOptions };
  const pool = new Piscina<PredictTask, PredictAnswer>({
    filename: predictWorkerUrl(),
    minThreads: threads,
    maxThreads: threads,
    // Keep requests waiting rather than refusing them; the HTTP layer bounds each request's size.
    maxQueue: Number.POSITIVE_INFINITY,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData,
  });
  const inFlight = new Set<Promise<PredictAnswer>>();
  let closing = false;
  const run = async <T>(task: PredictTask): Promise<T> => {
    if (closing) {
      throw new JobdistillError("the server is stopping; try again shortly", {
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
    models: () => models.map((model) => ({ ...model })),
    // Tasks already queued or running finish first: a request in flight at shutdown still gets
    // its answer; a request after this is refused as retryable (503).
    close: async () => {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await pool.destroy();
    },
  };
}

/** A server's students, ready to answer, and how they were placed. */
export interface ServerStudents {
  predictors: ServerPredictors;
  /** Worker threads predicting (0: the server's own thread). */
  threads: number;
  close(): Promise<void>;
}

/**
 * The students a server answers with: on `threads` worker threads (default one per CPU, at most
 * 4), or on the server's own thread with `threads: 0` or when the workspace has no trained model
 * (a pool would only hold empty workers).
 */
export async function loadServerStudents(
  workspace: Workspace,
  options: LoadPredictorsOptions & { threads?: number } = {},
): Promise<ServerStudents> {
  const { threads: requested, ...loadOptions } = options;
  const threads = requested ?? defaultPredictionThreads();
  if (threads > 0 && workspace.models.list().length > 0) {
    const pool = await createPredictorPool({ ...loadOptions, workspaceDir: workspace.dir, threads });
    return { predictors: pool, threads: pool.threads, close: () => pool.close() };
  }
  return { predictors: await loadPredictors(workspace, loadOptions), threads: 0, close: async () => {} };
}
