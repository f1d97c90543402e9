import type { Workspace } from "../store/index.ts";
import { type LoadPredictorsOptions, loadPredictors } from "../student/load-predictors.ts";
import type {
  HighlightResult,
  LoadedModelInfo,
  Predictors,
  SkillMention,
  SkillTypeRow,
} from "../student/predictors.ts";
import { createPredictorPool, defaultPredictionThreads } from "../workflows/predictor-pool.ts";

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
