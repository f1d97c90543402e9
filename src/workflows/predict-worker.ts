/**
 * One worker of the prediction pool (predictor-pool.ts): loads the workspace's students once, on
 * its first task, and answers highlight, skill-typing, skill-extraction and batch-record requests.
 * Errors go back as data, so the main thread can rethrow them with their code (a missing model is a
 * 404, not a 500).
 */
import { workerData } from "node:worker_threads";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import { openWorkspace } from "../store/index.ts";
import { type LoadPredictorsOptions, loadStudentModels, predictorsFrom } from "../student/load-predictors.ts";
import type { Predictors } from "../student/predictors.ts";
import { type PredictInput, type PredictRequest, predictRecords } from "./predict-record.ts";

export interface PredictWorkerData {
  workspaceDir: string;
  options: LoadPredictorsOptions;
}

export type PredictWorkerTask =
  | { op: "highlight"; input: Parameters<Predictors["highlight"]>[0] }
  | { op: "typeSkills"; input: readonly string[] }
  | { op: "extractSkills"; input: Parameters<Predictors["extractSkills"]>[0] }
  | { op: "records"; request: PredictRequest; inputs: PredictInput[] }
  | { op: "models" };

export type PredictAnswer =
  | { ok: true; value: unknown }
  | {
      ok: false;
      error: { message: string; code: string; isRetryable: boolean; data: Record<string, unknown> };
    };

type Loaded = Awaited<ReturnType<typeof loadStudentModels>>;
let loaded: Promise<{ students: Loaded; predictors: Predictors }> | undefined;

function load(): Promise<{ students: Loaded; predictors: Predictors }> {
  loaded ??= (async () => {
    const { workspaceDir, options } = workerData as PredictWorkerData;
    const workspace = openWorkspace(workspaceDir);
    try {
      const students = await loadStudentModels(workspace, options);
      return { students, predictors: predictorsFrom(students, options) };
    } finally {
      workspace.close();
    }
  })();
  return loaded;
}

export default async function predict(task: PredictWorkerTask): Promise<PredictAnswer> {
  try {
    const { students, predictors } = await load();
    switch (task.op) {
      case "highlight":
        return { ok: true, value: await predictors.highlight(task.input) };
      case "typeSkills":
        return { ok: true, value: await predictors.typeSkills(task.input) };
      case "extractSkills":
        return { ok: true, value: predictors.extractSkills(task.input) };
      case "records":
        return { ok: true, value: await predictRecords(students, predictors, task.request, task.inputs) };
      case "models":
        return { ok: true, value: predictors.models() };
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
