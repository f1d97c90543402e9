import { join, relative, resolve } from "node:path";
import { buildDataset, type DatasetReport } from "../../dataset/build/index.ts";
import { labelledText } from "../../dataset/document-text.ts";
import type { ModelEntry, Workspace } from "../../store/index.ts";
import { saveSegmentClassifier } from "../segment-classifier/index.ts";
import { studentModelNames } from "../student-model-names.ts";
import { saveTagger } from "../tagger/index.ts";
import { readStudentDataset } from "./read-student-dataset.ts";
import {
  type StudentTrainingOptions,
  type StudentTrainingReport,
  trainRequirementStudents,
} from "./train-students.ts";
import { tokenisedSegments } from "./training-examples.ts";
import { writeTrainingSplits } from "./training-splits.ts";

export interface WorkspaceTrainingOptions extends Omit<StudentTrainingOptions, "segmentClassifier"> {
  task: "requirements" | "skills";
  /** A dataset folder written by `buildDataset`; without it one is built first from `source`. */
  dataset?: string;
  /** Annotation source to build the dataset from: "gold", "teacher" or a source name (default: the builder's). */
  source?: string;
  /** Registry name prefix. Default: the task (`requirements-tagger`, `requirements-segments`). */
  name?: string;
  /**
   * How many of the workspace's documents (in import order, labelled or not) the tagger reads to
   * learn word clusters from; 0 turns clusters off. Default 5,000 (demo corpus, 5-fold: strict F1
   * of the highlights +2.8 points).
   */
  clusterDocuments?: number;
  /** Called once the dataset is ready (built or read). */
  onDataset?: (report: DatasetReport) => void;
}

export interface WorkspaceTrainingResult {
  runId: number;
  datasetDir: string;
  models: ModelEntry[];
  report: StudentTrainingReport;
}

/** Where the trainer keeps the documents the students saw, beside their model files. */
export function trainingSplitsFile(workspace: Pick<Workspace, "modelsDir">, prefix: string): string {
  return join(workspace.modelsDir, `${prefix}.splits.json`);
}

/**
 * Trains a task's students in a workspace: reads the dataset (building one first when none is
 * given), trains the tagger (and for requirements the segment classifier), saves the model files
 * under `workspace.modelsDir`, registers them, and records a "train" run with its parameters,
 * duration and report. A failure marks the run failed and leaves earlier models registered.
 */
export async function trainStudentsInWorkspace(
  workspace: Workspace,
  options: WorkspaceTrainingOptions,
): Promise<WorkspaceTrainingResult> {
  const { task } = options;
  const prefix = options.name ?? task;
  const datasetReport = options.dataset
    ? readStudentDataset(resolve(options.dataset)).report
    : await buildDataset(workspace, {
        task,
        ...(options.source === undefined ? {} : { source: options.source }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
  options.onDataset?.(datasetReport);
  const datasetDir = resolve(options.dataset ?? datasetReport.dir);
  const { data } = readStudentDataset(datasetDir);
  if (task === "skills") data.labels = [];

  const params: Record<string, unknown> = {
    dataset: datasetDir,
    source: `${datasetReport.source.kind}:${datasetReport.source.name}`,
    name: prefix,
    seed: options.seed ?? 1,
    ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
    clusterDocuments: options.clusterDocuments ?? 5000,
  };
  const runId = workspace.runs.start({
    kind: "train",
    task,
    params,
    itemsTotal: data.splits.train.sentences.length,
  });
  try {
    const clusterDocuments = options.clusterDocuments ?? 5000;
    const unlabelledSentences =
      clusterDocuments > 0
        ? workspace.documents
            .list({ limit: clusterDocuments })
            .flatMap((document) =>
              tokenisedSegments(labelledText(document)).map((segment) =>
                segment.tokens.map((token) => token.text),
              ),
            )
        : undefined;
    const trained = trainRequirementStudents(data, {
      ...options,
      segmentClassifier: task === "requirements",
      ...(unlabelledSentences ? { unlabelledSentences } : {}),
    });
    const names = studentModelNames(task, prefix);
    const taggerFile = join(workspace.modelsDir, `${names.tagger}.jdtg`);
    saveTagger(trained.tagger, taggerFile);
    const models: ModelEntry[] = [
      {
        name: names.tagger,
        task,
        kind: "tagger",
        path: relative(workspace.dir, taggerFile),
        runId,
        metrics: {
          devF1: Object.fromEntries(
            trained.report.tagger.layers.map((layer) => [layer.name, layer.devF1 ?? null]),
          ),
        },
      },
    ];
    if (trained.segmentClassifier) {
      const classifierFile = join(workspace.modelsDir, `${names.segments}.jdsc`);
      await saveSegmentClassifier(trained.segmentClassifier, classifierFile);
      models.push({
        name: names.segments,
        task,
        kind: "segment-classifier",
        path: relative(workspace.dir, classifierFile),
        runId,
        metrics: {
          devLoss: trained.report.segmentClassifier?.devLoss ?? null,
          thresholds: trained.report.segmentClassifier?.thresholds,
        },
      });
    }
    writeTrainingSplits(trainingSplitsFile(workspace, prefix), {
      task,
      dataset: datasetDir,
      train: data.splits.train.documentIds,
      dev: data.splits.dev.documentIds,
      test: data.splits.test.documentIds,
    });
    workspace.db.transaction(() => {
      for (const model of models) workspace.models.register(model);
    })();
    workspace.runs.progress(runId, { itemsDone: data.splits.train.sentences.length });
    workspace.runs.finish(runId, "done", {
      report: { ...trained.report, dataset: datasetDir, models: models.map((model) => model.name) },
    });
    return { runId, datasetDir, models, report: trained.report };
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
}
