import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../core/errors.ts";
import { isSkillSpanGold, readSkillSpanSplits } from "../dataset/gold/index.ts";
import { type AnnotationSelection, selectAnnotations } from "../dataset/select-annotations.ts";
import { taskLabels } from "../dataset/task-labels.ts";
import {
  type EvaluationDocument,
  evaluateOnDocuments,
  evaluateOnSentences,
  type ReferenceResult,
  renderStudentEvaluation,
  type StudentEvaluationReport,
} from "../evaluate/students/index.ts";
import type { Workspace } from "../store/index.ts";
import { loadSpanStudents } from "../student/load-predictors.ts";
import {
  readTrainingSplits,
  type TrainingSplits,
  trainingSplitsFile,
} from "../student/requirements/index.ts";

export const evaluationSplits = ["test", "dev", "unseen"] as const;
export type EvaluationSplit = (typeof evaluationSplits)[number];

export interface WorkspaceEvaluationOptions {
  task: "requirements" | "skills";
  /**
   * The reference: "gold", "teacher" (teacher–student agreement), or an annotation source name.
   * Default: gold when the task has gold annotations, else the first source present.
   */
  against?: string | undefined;
  /**
   * Which documents: a split of the dataset the students were trained from (default "test"), or
   * "unseen": every document with reference annotations that was in neither train nor dev.
   */
  split?: EvaluationSplit;
  /** Model name prefix (`--name` at training). Default: the task. */
  name?: string | undefined;
  /** Folder for report.json and report.md. Default `<workspace>/reports/eval-<task>-<run id>`. */
  out?: string | undefined;
}

export interface WorkspaceEvaluation {
  runId: number;
  report: StudentEvaluationReport;
  markdown: string;
  files: { json: string; markdown: string };
}

function evaluationDocuments(
  selection: AnnotationSelection,
  splits: TrainingSplits,
  split: EvaluationSplit,
): EvaluationDocument[] {
  const seen = new Set([...splits.train, ...splits.dev]);
  const wanted = split === "unseen" ? undefined : new Set(splits[split]);
  // SkillSpan's official splits share texts across splits: a text trained on is not held out.
  const earlier =
    splits.origin === "skillspan-official"
      ? new Set(split === "test" ? [...splits.train, ...splits.dev] : split === "dev" ? splits.train : [])
      : new Set<string>();
  return selection.documents
    .filter(({ document }) =>
      wanted ? wanted.has(document.id) && !earlier.has(document.id) : !seen.has(document.id),
    )
    .map(({ document, text, spans }) => ({ id: document.id, text, spans }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The label of the de-duplicated view beside SkillSpan's published protocol. */
export const deduplicatedView =
  "de-duplicated (each distinct text once, none also in an earlier split; not the published protocol)";
export const publishedSkillSpanView = "published protocol (SkillSpan's official split, every sentence)";

/**
 * Evaluates a task's trained students on held-out documents against a reference (gold, or the
 * teacher for agreement) and, when that reference is not gold and gold exists for some of the same
 * documents, against gold beside it. Students trained on SkillSpan's official splits and scored
 * against SkillSpan gold on test or dev follow the published protocol first (SkillSpan's own tokens,
 * every sentence of the official split, repeats included: test has 1,090 skill spans opening with B
 * and one with an orphan I, 1,174 knowledge spans), with the de-duplicated documents as a second, labelled line. The report is stored with an
 * "eval" run and written as JSON and Markdown.
 */
export async function evaluate(
  workspace: Workspace,
  options: WorkspaceEvaluationOptions,
): Promise<WorkspaceEvaluation> {
  const { task } = options;
  const prefix = options.name ?? task;
  const split = options.split ?? "test";
  const { students, models } = await loadSpanStudents(workspace, task, prefix);
  const splits = readTrainingSplits(trainingSplitsFile(workspace, prefix));
  const hasGold = workspace.annotations.sources(task).some((source) => source.kind === "gold");
  const against = options.against ?? (hasGold ? "gold" : undefined);
  const reference = selectAnnotations(workspace, { task, ...(against ? { source: against } : {}) });
  const documents = evaluationDocuments(reference, splits, split);
  if (documents.length === 0) {
    throw new UsageError(
      `no ${split === "unseen" ? "unseen" : split} documents have ${reference.source.kind} "${reference.source.name}" annotations for task "${task}"` +
        (split === "test" ? "; try --split unseen" : ""),
    );
  }
  const labels = taskLabels(task).map((label) => label.id);
  const modelNames = models.map((model) => model.name);
  const runId = workspace.runs.start({
    kind: "eval",
    task,
    model: modelNames.join(","),
    params: { against: `${reference.source.kind}:${reference.source.name}`, split, models: modelNames },
    itemsTotal: documents.length,
  });
  try {
    const results: ReferenceResult[] = [];
    if (split !== "unseen" && splits.origin === "skillspan-official" && isSkillSpanGold(reference.source)) {
      results.push({
        reference: reference.source,
        view: publishedSkillSpanView,
        ...evaluateOnSentences(students.tagger, readSkillSpanSplits(workspace)[split], labels),
      });
    }
    results.push({
      reference: reference.source,
      ...(results.length > 0 ? { view: deduplicatedView } : {}),
      ...(await evaluateOnDocuments(students, documents, labels)),
    });
    if (reference.source.kind !== "gold" && hasGold) {
      const gold = selectAnnotations(workspace, { task, source: "gold" });
      const ids = new Set(documents.map((document) => document.id));
      const goldDocuments = evaluationDocuments(gold, splits, split).filter((document) =>
        ids.has(document.id),
      );
      if (goldDocuments.length > 0) {
        results.push({
          reference: gold.source,
          ...(await evaluateOnDocuments(students, goldDocuments, labels)),
        });
      }
    }
    const report: StudentEvaluationReport = {
      task,
      split,
      against: `${reference.source.kind}:${reference.source.name}`,
      models: modelNames,
      ...(splits.dataset ? { dataset: splits.dataset } : {}),
      createdAt: new Date().toISOString(),
      results,
    };
    const markdown = renderStudentEvaluation(report);
    const outDir = resolve(options.out ?? join(workspace.dir, "reports", `eval-${task}-${runId}`));
    mkdirSync(outDir, { recursive: true });
    const files = { json: join(outDir, "report.json"), markdown: join(outDir, "report.md") };
    writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(files.markdown, markdown);
    workspace.runs.progress(runId, { itemsDone: documents.length });
    workspace.runs.finish(runId, "done", { report: { ...report, files } });
    return { runId, report, markdown, files };
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
}
