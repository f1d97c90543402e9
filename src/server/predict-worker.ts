/**
 * One worker of the prediction pool (predictor-pool.ts): loads the workspace's students once, on
 * its first task, and answers highlight, skill-typing and skill-extraction requests. Errors go back
 * as data, so the main thread can rethrow them with their code (a missing model is a 404, not a 500).
 */
import { workerData } from "node:worker_threads";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import { openWorkspace } from "../store/index.ts";
import { type LoadPredictorsOptions, loadPredictors } from "../student/load-predictors.ts";
import type { Predictors } from "../student/predictors.ts";

export interface PredictWorkerData {
  workspaceDir: string;
  options: LoadPredictorsOptions;
}

export type PredictTask =
  | { op: "highlight"; input: Parameters<Predictors["highlight"]>[0] }
  | { op: "typeSkills"; input: readonly string[] }
  | { op: "extractSkills"; input: Parameters<Predictors["extractSkills"]>[0] }
  | { op: "models" };

export type PredictAnswer =
  | { ok: true; value: unknown }
  | {
      ok: false;
      error: { message: string; code: string; isRetryable: boolean; data: Record<string, unknown> };
    };

let loaded: Promise<Predictors> | undefined;

function predictors(): Promise<Predictors> {
  loaded ??= (async () => {
    const { workspaceDir, options } = workerData as PredictWorkerData;
    const workspace = openWorkspace(workspaceDir);
    try {
      return await loadPredictors(workspace, options);
    } finally {
      workspace.close();
    }
  })();
  return loaded;
}

export default async function predict(task: PredictTask): Promise<PredictAnswer> {
  try {
    const students = await predictors();
    switch (task.op) {
      case "highlight":
        return { ok: true, value: students.highlight(task.input) };
      case "typeSkills":
        return { ok: true, value: students.typeSkills(task.input) };
      case "extractSkills":
        return { ok: true, value: students.extractSkills(task.input) };
      case "models":
        return { ok: true, value: students.models() };
    }
  } catch (error) {
    const known = error instanceof JobdistillError;
    return {
      ok: false,
      error: {
        message: errorMessage(error),
        code: known ? error.code : "internal",
        isRetryable: known ? error.isRetryable : false,
        data: known ? error.data : {},
      },
    };
  }
}
