import { join, relative, resolve } from "node:path";
import { spansToBio } from "../align/bio.ts";
import { UsageError } from "../core/errors.ts";
import { buildDataset, type DatasetReport } from "../dataset/build/index.ts";
import { labelledText } from "../dataset/document-text.ts";
import { skillSpanLayers } from "../dataset/formats/skill-span.ts";
import {
  isSkillSpanGold,
  readSkillSpanSplits,
  type SkillSpanSentence,
  type SkillSpanSplits,
} from "../dataset/gold/index.ts";
import { resolveAnnotationSource } from "../dataset/select-annotations.ts";
import type { ModelEntry, Workspace } from "../store/index.ts";
import { saveEncoderSegmentClassifier } from "../student/encoder-segments/index.ts";
import {
  readStudentDataset,
  type SplitName,
  type StudentSplit,
  type StudentTrainingData,
  type StudentTrainingProgress,
  type StudentTrainingReport,
  splitNames,
  tokenisedSegments,
  trainingSplitsFile,
  trainRequirementStudents,
  writeTrainingSplits,
} from "../student/requirements/index.ts";
import { SegmentClassifier, saveSegmentClassifier } from "../student/segment-classifier/index.ts";
import {
  overrideSpanStudentSettings,
  type SpanStudentOverrides,
  type SpanStudentSettings,
} from "../student/span-student-settings.ts";
import { type SpanStudentTask, spanStudentDefaults } from "../student/student-definitions.ts";
import { studentModelNames } from "../student/student-model-names.ts";
import { saveTagger } from "../student/tagger/index.ts";
import { ledgerEncoderOptions } from "./embedding-ledger.ts";
import { type EmbeddingProgress, embedSegmentTexts } from "./segment-embeddings.ts";
import {
  type TrainedSkillType,
  type TrainSkillTypeInWorkspaceOptions,
  trainEncoderSkillTypeInWorkspace,
  trainSkillTypeInWorkspace,
} from "./train-skill-type.ts";

/** The skill-type student's options; with `encoder`, the encoder-backed typer over that encoder. */
type SkillTypeTrainOptions = Omit<TrainSkillTypeInWorkspaceOptions, "workspace"> & {
  encoder?: string | undefined;
};

export interface WorkspaceTrainingOptions extends SpanStudentOverrides {
  task: SpanStudentTask;
  /** A dataset folder written by `buildDataset`; without it one is built first from `source`. */
  dataset?: string | undefined;
  /**
   * Annotation source to learn from: "gold", "teacher" or a source name (default: the builder's).
   * For `skills`, SkillSpan's gold ("skillspan") trains on SkillSpan's official splits as published
   * (every sentence, repeats included) instead of a de-duplicated dataset.
   */
  source?: string | undefined;
  /** Registry name prefix. Default: the task (`requirements-tagger`, `requirements-segments`). */
  name?: string | undefined;
  /** Called once the dataset is ready (built or read). */
  onDataset?: (report: DatasetReport) => void;
  /** Called instead of `onDataset` when the students learn from SkillSpan's official splits. */
  onSkillSpanSplits?: (counts: Record<SplitName, number>) => void;
  onProgress?: (progress: StudentTrainingProgress) => void;
  /** Called as the segments are embedded, when the classifier is encoder-backed (`encoder`). */
  onEmbeddingProgress?: (progress: EmbeddingProgress) => void;
}

export interface WorkspaceTrainingResult {
  task: SpanStudentTask;
  runId: number;
  /** The dataset folder trained from; absent for SkillSpan's official splits. */
  datasetDir?: string | undefined;
  models: ModelEntry[];
  /** Where each model file was written. */
  files: string[];
  settings: SpanStudentSettings;
  report: StudentTrainingReport;
}

/** What the students learn from, and how the run and the splits file name it. */
interface TrainingInput {
  data: StudentTrainingData;
  /** Run parameters: the dataset folder or SkillSpan's splits, and the source. */
  origin: { dataset?: string; source: string; skillSpanOfficial?: true };
}

/** A SkillSpan sentence as the tagger reads it: SkillSpan's tokens, bare BIO tags per layer. */
function skillSpanTaggerSentence(sentence: SkillSpanSentence): StudentSplit["sentences"][number] {
  const layers: Record<string, string[]> = {};
  for (const layer of skillSpanLayers) {
    layers[layer] = spansToBio(
      sentence.tokens,
      sentence.spans.filter((span) => span.label === layer),
      { bare: true },
    );
  }
  return { tokens: sentence.tokens.map((token) => token.text), layers };
}

function skillSpanTrainingData(splits: SkillSpanSplits): StudentTrainingData {
  if (splits.train.length === 0 || splits.dev.length === 0) {
    throw new UsageError(
      `SkillSpan gold has ${splits.train.length} train and ${splits.dev.length} dev sentences; import both ` +
        "(dev chooses the epochs and the calibration): jobdistill gold import --format skillspan train.json dev.json test.json",
    );
  }
  const split = (sentences: readonly SkillSpanSentence[]): StudentSplit => ({
    sentences: sentences.map(skillSpanTaggerSentence),
    segments: [],
    documentIds: [...new Set(sentences.map((sentence) => sentence.documentId))],
  });
  return {
    task: "skills",
    layers: [...skillSpanLayers],
    labels: [],
    splits: { train: split(splits.train), dev: split(splits.dev), test: split(splits.test) },
  };
}

async function trainingInput(
  workspace: Workspace,
  options: WorkspaceTrainingOptions,
): Promise<TrainingInput> {
  const { task } = options;
  if (
    task === "skills" &&
    options.dataset === undefined &&
    isSkillSpanGold(resolveAnnotationSource(workspace, task, options.source))
  ) {
    const data = skillSpanTrainingData(readSkillSpanSplits(workspace));
    options.onSkillSpanSplits?.(
      Object.fromEntries(splitNames.map((name) => [name, data.splits[name].sentences.length])) as Record<
        SplitName,
        number
      >,
    );
    return { data, origin: { source: "gold:skillspan", skillSpanOfficial: true } };
  }
  const datasetReport = options.dataset
    ? readStudentDataset(resolve(options.dataset)).report
    : await buildDataset(workspace, {
        task,
        source: options.source,
        seed: options.seed,
      });
  options.onDataset?.(datasetReport);
  const datasetDir = resolve(options.dataset ?? datasetReport.dir);
  const { data } = readStudentDataset(datasetDir);
  if (task === "skills") data.labels = [];
  return {
    data,
    origin: { dataset: datasetDir, source: `${datasetReport.source.kind}:${datasetReport.source.name}` },
  };
}

/**
 * Trains a task's span students in a workspace with the task's settings (its definition's defaults,
 * changed only by the overrides given): reads the data (SkillSpan's official splits for skills from
 * SkillSpan gold; otherwise a dataset, built first when none is given), trains the tagger (and for
 * requirements the segment classifier), saves the model files under `workspace.modelsDir`,
 * registers them, and records a "train" run with its settings, duration and report. A failure marks
 * the run failed and leaves earlier models registered.
 */
export async function trainSpanStudents(
  workspace: Workspace,
  options: WorkspaceTrainingOptions,
): Promise<WorkspaceTrainingResult> {
  const { task } = options;
  const prefix = options.name ?? task;
  const settings = overrideSpanStudentSettings(spanStudentDefaults[task], options);
  if (options.encoder !== undefined && !settings.segmentEncoder) {
    throw new UsageError(
      `--encoder chooses the encoder under a segment classifier; the ${task} students have none (use it with --task requirements or skill-type)`,
    );
  }
  const { data, origin } = await trainingInput(workspace, options);

  const params: Record<string, unknown> = { ...origin, name: prefix, settings };
  const runId = workspace.runs.start({
    kind: "train",
    task,
    params,
    itemsTotal: data.splits.train.sentences.length,
  });
  try {
    const unlabelledSentences =
      settings.clusterDocuments > 0
        ? workspace.documents
            .list({ limit: settings.clusterDocuments })
            .flatMap((document) =>
              tokenisedSegments(labelledText(document)).map((segment) =>
                segment.tokens.map((token) => token.text),
              ),
            )
        : undefined;
    const encoderId = settings.segmentEncoder?.encoder;
    const segmentEmbeddings = encoderId
      ? await embedSegmentTexts(
          encoderId,
          [...data.splits.train.segments, ...data.splits.dev.segments].map((segment) => segment.text),
          {
            onProgress: options.onEmbeddingProgress,
            encoderOptions: ledgerEncoderOptions(workspace.calls, runId, encoderId),
            cache: workspace.embeddings,
          },
        )
      : undefined;
    let trained: ReturnType<typeof trainRequirementStudents>;
    try {
      trained = trainRequirementStudents(data, {
        settings,
        ...(unlabelledSentences ? { unlabelledSentences } : {}),
        segmentEmbeddings,
        onProgress: options.onProgress,
      });
    } finally {
      await segmentEmbeddings?.close();
    }
    const names = studentModelNames(task, prefix);
    const taggerFile = join(workspace.modelsDir, `${names.tagger}.jdtg`);
    saveTagger(trained.tagger, taggerFile);
    const files = [taggerFile];
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
    const classifier = trained.segmentClassifier;
    if (classifier) {
      const lexical = classifier instanceof SegmentClassifier;
      const classifierFile = join(workspace.modelsDir, `${names.segments}.${lexical ? "jdsc" : "jdes"}`);
      if (lexical) await saveSegmentClassifier(classifier, classifierFile);
      else saveEncoderSegmentClassifier(classifier, classifierFile);
      files.push(classifierFile);
      models.push({
        name: names.segments,
        task,
        kind: lexical ? "segment-classifier" : "encoder-segment-classifier",
        path: relative(workspace.dir, classifierFile),
        runId,
        metrics: {
          ...(lexical ? {} : { encoder: classifier.config.encoder }),
          devLoss: trained.report.segmentClassifier?.devLoss ?? null,
          thresholds: trained.report.segmentClassifier?.thresholds,
        },
      });
    }
    writeTrainingSplits(trainingSplitsFile(workspace, prefix), {
      task,
      dataset: origin.dataset,
      ...(origin.skillSpanOfficial ? { origin: "skillspan-official" as const } : {}),
      train: data.splits.train.documentIds,
      dev: data.splits.dev.documentIds,
      test: data.splits.test.documentIds,
    });
    workspace.db.transaction(() => {
      for (const model of models) workspace.models.register(model);
    })();
    workspace.runs.progress(runId, { itemsDone: data.splits.train.sentences.length });
    workspace.runs.finish(runId, "done", {
      report: { ...trained.report, ...origin, models: models.map((model) => model.name) },
    });
    return {
      task,
      runId,
      datasetDir: origin.dataset,
      models,
      files,
      settings,
      report: trained.report,
    };
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
}

export type TrainOptions = WorkspaceTrainingOptions | ({ task: "skill-type" } & SkillTypeTrainOptions);
export type TrainResult = WorkspaceTrainingResult | TrainedSkillType;

/**
 * Trains a task's students in a workspace: what `jobdistill train`, the library's `train` and the
 * benches call. `requirements` and `skills` train span students (`trainSpanStudents`), `skill-type`
 * the skill-type student (`trainSkillTypeInWorkspace`, from the lexicon by default).
 */
export function train(
  workspace: Workspace,
  options: WorkspaceTrainingOptions,
): Promise<WorkspaceTrainingResult>;
export function train(
  workspace: Workspace,
  options: { task: "skill-type" } & SkillTypeTrainOptions,
): Promise<TrainedSkillType>;
export async function train(workspace: Workspace, options: TrainOptions): Promise<TrainResult> {
  if (options.task === "skill-type") {
    const { task: _task, ...rest } = options;
    if (rest.encoder !== undefined)
      return trainEncoderSkillTypeInWorkspace({ ...rest, encoder: rest.encoder, workspace });
    return trainSkillTypeInWorkspace({ ...rest, workspace });
  }
  return trainSpanStudents(workspace, options);
}
