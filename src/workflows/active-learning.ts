import { join } from "node:path";
import { JobdistillError, UsageError } from "../core/errors.ts";
import { hashValue } from "../core/hash.ts";
import { createRandom, sample } from "../core/random.ts";
import type { SourceDocument } from "../core/types.ts";
import { buildDataset } from "../dataset/build/index.ts";
import { pickDiverse } from "../dataset/dedupe/index.ts";
import { labelledText } from "../dataset/document-text.ts";
import { isSkillSpanGold, readSkillSpanSplits } from "../dataset/gold/index.ts";
import { resolveAnnotationSource, selectAnnotations } from "../dataset/select-annotations.ts";
import { taskLabels } from "../dataset/task-labels.ts";
import {
  type DocumentsEvaluation,
  evaluateOnDocuments,
  evaluateOnSentences,
} from "../evaluate/students/index.ts";
import type { Run, Workspace } from "../store/index.ts";
import {
  type SegmentAggregation,
  segmentClassifierUncertainty,
  taggerUncertainty,
} from "../student/active-learning/index.ts";
import { loadSpanStudents } from "../student/load-predictors.ts";
import type { RequirementStudents } from "../student/requirements/index.ts";
import type { SpanStudentOverrides } from "../student/span-student-settings.ts";
import {
  type ActiveLearningResult,
  type ActiveLearningTask,
  type ActivePick,
  type ActiveRound,
  type ActiveRoundOutcome,
  type ActiveRoundPlan,
  activeLearningRuns,
  activeLearningTasks,
  activeOutcomeOf,
  activeParamsOf,
  type RoundEvaluation,
  type SelectionStrategy,
} from "./active-learning-ledger.ts";
import { type LabellingPlan, planLabelling, type RunLabellingOptions, runLabelling } from "./label.ts";
import { trainSpanStudents } from "./train.ts";
import { throwIfRunUnfinished } from "./unfinished-run.ts";

export * from "./active-learning-ledger.ts";

/** Share of each round's bought documents the student holds out to stop training early on. */
export const ACTIVE_DEV_SHARE = 0.15;

export interface ActiveLearningOptions extends Omit<RunLabellingOptions, "runParams"> {
  task: ActiveLearningTask;
  strategy: SelectionStrategy;
  /** Documents to buy labels for, over all rounds. */
  budget: number;
  /** @default 5 */
  rounds?: number | undefined;
  /** Seeds round 1's sample, the random control's draws and the students' training. @default 1 */
  seed?: number | undefined;
  /** The pool: only documents from this source. @default every document */
  source?: string | undefined;
  /** The pool: only documents whose `meta.split` is one of these. @default every document */
  splits?: readonly string[] | undefined;
  /** A candidate more similar than this (word 3-shingle Jaccard) to one already picked waits. @default 0.5 */
  maxSimilarity?: number | undefined;
  /**
   * Requirements: how a posting's segment uncertainties become one ("mean", or "least-sure": the
   * mean of its three least sure segments). @default "mean"
   */
  aggregation?: SegmentAggregation | undefined;
  /**
   * Share of the labelled documents held out after each round to stop the student's training on
   * (and calibrate it); 0 trains on every label for all its passes. @default ACTIVE_DEV_SHARE
   */
  holdOut?: number | undefined;
  /** Changes to the task's student settings (the simulation trains with fewer passes). */
  training?: SpanStudentOverrides | undefined;
  /**
   * Gold to score each round's student on: an annotation source ("gold" or a name) and the
   * `meta.split` values of the held-out documents (never pool documents). For SkillSpan gold the
   * official test split is scored as published. `false` skips the evaluation.
   * @default the task's gold, when it has exactly one gold source, on split "test"
   */
  evaluation?: { against?: string | undefined; splits?: readonly string[] | undefined } | false | undefined;
  /** More settings to record with every round's run (never secrets). */
  runParams?: Record<string, unknown> | undefined;
  /** Called after each round (also for rounds a resumed job finds done). */
  onRound?: ((round: ActiveRound) => void) | undefined;
}

/** `budget` split over `rounds` as evenly as whole documents allow, the earlier rounds taking the remainder. */
export function roundSizes(budget: number, rounds: number): number[] {
  if (!Number.isInteger(budget) || budget < 1)
    throw new UsageError(`--budget must be a whole number ≥ 1, got ${budget}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds must be a whole number ≥ 1, got ${rounds}`);
  if (rounds > budget)
    throw new UsageError(
      `--rounds ${rounds} is more than --budget ${budget}: a round buys at least one document`,
    );
  const base = Math.floor(budget / rounds);
  return Array.from({ length: rounds }, (_, index) => base + (index < budget % rounds ? 1 : 0));
}

/** The document a task's item belongs to: a requirements chunk names it, a skills item is the document. */
function documentOfItem(task: ActiveLearningTask, item: unknown): string {
  const value = item as { id?: unknown; documentId?: unknown };
  const id = task === "requirements" ? value.documentId : value.id;
  if (typeof id !== "string")
    throw new JobdistillError(`a ${task} item names no document`, { code: "internal" });
  return id;
}

interface PoolDocument {
  id: string;
  text: string;
}

/** Uncertainty of a document for the task's student: the segment classifier's for requirements, the tagger's for skills. */
async function uncertaintyOf(
  students: RequirementStudents,
  task: ActiveLearningTask,
  text: string,
  aggregation: SegmentAggregation,
): Promise<number> {
  if (task === "requirements" && students.segmentClassifier)
    return segmentClassifierUncertainty(students.segmentClassifier, text, aggregation);
  return taggerUncertainty(students.tagger, text);
}

interface HeldOut {
  against: string;
  evaluate: (students: RequirementStudents) => Promise<DocumentsEvaluation>;
}

function heldOutGold(
  workspace: Workspace,
  task: ActiveLearningTask,
  option: ActiveLearningOptions["evaluation"],
  pool: ReadonlySet<string>,
): HeldOut | undefined {
  if (option === false) return undefined;
  const golds = workspace.annotations.sources(task).filter((source) => source.kind === "gold");
  // By default only a single gold source is scored against; with several, the caller names one.
  if (option?.against === undefined && golds.length !== 1) return undefined;
  const source = resolveAnnotationSource(workspace, task, option?.against ?? "gold");
  const labels = taskLabels(task).map((label) => label.id);
  const splits = option?.splits ?? ["test"];
  const against = `${source.kind}:${source.name}`;
  if (task === "skills" && isSkillSpanGold(source)) {
    const sentences = splits.flatMap((split) =>
      split === "train" || split === "dev" || split === "test" ? readSkillSpanSplits(workspace)[split] : [],
    );
    if (sentences.length === 0) return undefined;
    return { against, evaluate: async (students) => evaluateOnSentences(students.tagger, sentences, labels) };
  }
  const documents = selectAnnotations(workspace, { task, source: `${source.name}` })
    .documents.filter(({ document }) => {
      const split = document.meta?.split;
      return !pool.has(document.id) && typeof split === "string" && splits.includes(split);
    })
    .map(({ document, text, spans }) => ({ id: document.id, text, spans }));
  if (documents.length === 0) return undefined;
  return { against, evaluate: (students) => evaluateOnDocuments(students, documents, labels) };
}

function roundEvaluation(
  task: ActiveLearningTask,
  against: string,
  evaluation: DocumentsEvaluation,
): RoundEvaluation {
  const spans =
    task === "requirements"
      ? (evaluation.spans.highlight ?? evaluation.spans.tagger)
      : evaluation.spans.tagger;
  const strictF1 = spans.strict.micro.f1;
  const looseF1 = spans.loose.micro.f1;
  return task === "requirements"
    ? {
        against,
        documents: evaluation.documents,
        f1: looseF1,
        metric: "highlight loose micro F1",
        strictF1,
        looseF1,
      }
    : {
        against,
        documents: evaluation.documents,
        f1: strictF1,
        metric: "tagger strict micro F1",
        strictF1,
        looseF1,
      };
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;

/**
 * Active learning: labels are bought in rounds. Round 1 is a seeded random sample of the pool;
 * each later round ("uncertain") scores every unlabelled pool document with the student trained
 * on the labels so far and buys the least sure ones, passing over any too similar to one already
 * picked; the control ("random") draws a seeded sample instead. After each round the task's
 * student is trained on every label so far (the task's own settings, through `trainSpanStudents`,
 * a random 15% of the labelled documents held out to stop on, or `holdOut`) and, when the workspace has gold,
 * scored on held-out documents.
 *
 * Every round is a label run in the ledger: its parameters say what was bought and why
 * (`params.activeLearning`: the picks with their uncertainty and rank), the engine records the
 * cost, and its report gets the round's outcome (`report.activeLearning`). A job is named by its
 * settings: run again, it skips completed rounds, finishes a round whose teacher run was cut short
 * (with the same picks; the call cache keeps what was bought) and retrains after a round whose
 * training did not finish.
 */
export async function runActiveLearning(
  workspace: Workspace,
  options: ActiveLearningOptions,
): Promise<ActiveLearningResult> {
  const {
    task,
    strategy,
    budget,
    source,
    splits,
    training,
    evaluation: evaluationOption,
    onRound,
    runParams,
    ...labelling
  } = options;
  if (!(activeLearningTasks as readonly string[]).includes(task)) {
    throw new UsageError(
      `--select needs a task with a span student (${activeLearningTasks.join(", ")}), got ${task}`,
    );
  }
  const rounds = options.rounds ?? 5;
  const seed = options.seed ?? 1;
  const maxSimilarity = options.maxSimilarity ?? 0.5;
  const aggregation = options.aggregation ?? "mean";
  const holdOut = options.holdOut ?? ACTIVE_DEV_SHARE;
  if (!(holdOut >= 0 && holdOut < 1))
    throw new UsageError(`the hold-out share must be in [0, 1), got ${holdOut}`);
  const sizes = roundSizes(budget, rounds);
  const plan = planLabelling(workspace, { task, source, splits });
  const itemsByDocument = new Map<string, unknown[]>();
  for (const item of plan.items) {
    const id = documentOfItem(task, item);
    itemsByDocument.set(id, [...(itemsByDocument.get(id) ?? []), item]);
  }
  const pool: PoolDocument[] = [...itemsByDocument.keys()].map((id) => {
    const document = workspace.documents.get(id) as SourceDocument;
    return { id, text: labelledText(document) };
  });
  if (budget > pool.length) {
    throw new UsageError(`--budget ${budget} is more than the ${pool.length} documents to choose from`);
  }
  const job = hashValue({
    task,
    strategy,
    budget,
    rounds,
    seed,
    source: source ?? null,
    splits: splits ?? null,
    maxSimilarity,
    training: training ?? {},
    // Named only when changed, so the jobs of earlier versions keep their names (and resume).
    ...(aggregation === "mean" ? {} : { aggregation }),
    ...(holdOut === ACTIVE_DEV_SHARE ? {} : { holdOut }),
  }).slice(0, 16);
  const name = `active-${task}-${job.slice(0, 8)}`;
  const heldOut = heldOutGold(
    workspace,
    task,
    evaluationOption,
    new Set(pool.map((document) => document.id)),
  );
  const results: ActiveRound[] = [];

  const labelledDocuments = (): Set<string> =>
    new Set(
      workspace.annotations
        .list({ task, sourceKind: "teacher" })
        .map((annotation) => annotation.documentId)
        .filter((id) => itemsByDocument.has(id)),
    );

  const trainAndScore = async (round: number): Promise<Omit<ActiveRoundOutcome, "selectionSeconds">> => {
    const started = performance.now();
    const dataset = buildDataset(workspace, {
      task,
      source: "teacher",
      seed: seed + round,
      split: [1 - holdOut, holdOut, 0],
      splitBy: "random",
      out: join(workspace.dir, "datasets", `${name}-round-${round}`),
    });
    const trained = await trainSpanStudents(workspace, {
      ...training,
      task,
      dataset: dataset.dir,
      name,
      seed,
    });
    const trainSeconds = seconds(started);
    const students = heldOut ? (await loadSpanStudents(workspace, task, name)).students : undefined;
    const evaluation =
      heldOut && students
        ? roundEvaluation(task, heldOut.against, await heldOut.evaluate(students))
        : undefined;
    return {
      job,
      strategy,
      round,
      documentsLabelled: labelledDocuments().size,
      trainRunId: trained.runId,
      trainSeconds,
      evaluation,
      complete: true,
    };
  };

  for (let round = 1; round <= rounds; round++) {
    const earlier = activeLearningRuns(workspace.runs.list({ kind: "label" }), job).filter(
      (run) => activeParamsOf(run)?.round === round,
    );
    const finished = earlier.find((run) => run.status === "done");
    const completed = earlier
      .map((run) => ({ run, outcome: activeOutcomeOf(run) }))
      .find((entry) => entry.outcome);
    if (completed?.outcome) {
      const picks = activeParamsOf(completed.run)?.picks ?? [];
      const round_: ActiveRound = {
        ...completed.outcome,
        runId: completed.run.id,
        picks,
        resumed: true,
        costUsd: 0,
        items: completed.run.itemsTotal,
      };
      results.push(round_);
      onRound?.(round_);
      continue;
    }
    // A round cut short keeps its picks: the teacher finishes what it was buying.
    const resumedPlan = activeParamsOf(earlier.at(-1) ?? ({ params: {} } as Run));
    let roundPlan: ActiveRoundPlan;
    if (resumedPlan) {
      roundPlan = resumedPlan;
    } else {
      const started = performance.now();
      const labelled = labelledDocuments();
      const unlabelled = pool.filter((document) => !labelled.has(document.id));
      const count = Math.min(sizes[round - 1] ?? 0, unlabelled.length);
      let picks: ActivePick[];
      let reason: string;
      if (round === 1 || strategy === "random") {
        const random = createRandom(seed * 1009 + round);
        picks = sample(unlabelled, count, random).map((document) => ({ documentId: document.id }));
        reason =
          round === 1
            ? `round 1: a seeded random sample (seed ${seed})`
            : `random control (seed ${seed}, round ${round})`;
      } else {
        const students = (await loadSpanStudents(workspace, task, name)).students;
        const scored = [];
        for (const document of unlabelled) {
          scored.push({
            id: document.id,
            text: document.text,
            score: await uncertaintyOf(students, task, document.text, aggregation),
          });
        }
        picks = pickDiverse(scored, { count, maxSimilarity }).map((pick) => ({
          documentId: pick.id,
          uncertainty: pick.score,
          rank: pick.rank,
          ...(pick.filled ? { filled: true } : {}),
        }));
        reason =
          `the ${count} documents the student trained on ${labelled.size} labels is least sure of ` +
          `(${task === "requirements" ? `segment classifier: threshold margin, ${aggregation === "mean" ? "mean over its segments" : "its three least sure segments"}` : "tagger: Viterbi path probability per token"}), ` +
          `skipping near-copies (word 3-shingle Jaccard > ${maxSimilarity}) of ones already picked`;
      }
      roundPlan = {
        job,
        task,
        strategy,
        round,
        rounds,
        budget,
        seed,
        reason,
        poolSize: pool.length,
        labelledBefore: labelled.size,
        selectionSeconds: seconds(started),
        picks,
      };
    }
    let runId: number;
    let costUsd = 0;
    let items = 0;
    if (finished) {
      // Bought, but the training or scoring after it did not finish.
      runId = finished.id;
      items = finished.itemsTotal;
    } else {
      const roundItems = roundPlan.picks.flatMap((pick) => itemsByDocument.get(pick.documentId) ?? []);
      const roundLabelling: LabellingPlan = { ...plan, items: roundItems };
      const { summary } = await runLabelling(workspace, roundLabelling, {
        ...labelling,
        runParams: { ...runParams, activeLearning: roundPlan },
      });
      runId = summary.runId;
      costUsd = summary.costUsd;
      items = summary.total;
      throwIfRunUnfinished(summary, {
        where: `in round ${round} of ${rounds}`,
        unit: `items of round ${round}`,
      });
    }
    const outcome: ActiveRoundOutcome = {
      ...(await trainAndScore(round)),
      selectionSeconds: roundPlan.selectionSeconds,
    };
    const run = workspace.runs.get(runId);
    const report = typeof run?.report === "object" && run.report !== null ? run.report : {};
    workspace.runs.finish(runId, "done", { report: { ...report, activeLearning: outcome } });
    const result: ActiveRound = { ...outcome, runId, picks: roundPlan.picks, resumed: false, costUsd, items };
    results.push(result);
    onRound?.(result);
  }
  return { job, rounds: results };
}
