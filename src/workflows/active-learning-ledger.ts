import type { Run, RunsStore } from "../store/index.ts";

/*
 * What the ledger holds of active-learning jobs: each round is a label run whose parameters carry
 * its plan (`params.activeLearning`) and whose report carries its outcome (`report.activeLearning`).
 * Read by the job itself (to resume), by the run ledger (learning curves) and so by the runs page;
 * it imports no training code, so reading the ledger stays cheap.
 */

export const selectionStrategies = ["uncertain", "random"] as const;
export type SelectionStrategy = (typeof selectionStrategies)[number];

/** The tasks with a span student to train between rounds. */
export const activeLearningTasks = ["skills", "requirements"] as const;
export type ActiveLearningTask = (typeof activeLearningTasks)[number];

/** One bought document and why it was bought. */
export interface ActivePick {
  documentId: string;
  /** The student's uncertainty (absent for random picks). */
  uncertainty?: number | undefined;
  /** Its rank by uncertainty alone (0 = the least sure). */
  rank?: number | undefined;
  /** Taken only to fill the round after the diversity step passed it over. */
  filled?: boolean | undefined;
}

/** What a round's run records in its parameters (`params.activeLearning`) before the teacher starts. */
export interface ActiveRoundPlan {
  job: string;
  task: ActiveLearningTask;
  strategy: SelectionStrategy;
  round: number;
  rounds: number;
  budget: number;
  seed: number;
  reason: string;
  poolSize: number;
  labelledBefore: number;
  selectionSeconds: number;
  picks: ActivePick[];
}

export interface RoundEvaluation {
  against: string;
  documents: number;
  /** The headline: loose highlight micro F1 for requirements, strict tagger micro F1 for skills. */
  f1: number;
  metric: string;
  strictF1: number;
  looseF1: number;
}

/** What a completed round adds to its run's report (`report.activeLearning`). */
export interface ActiveRoundOutcome {
  job: string;
  strategy: SelectionStrategy;
  round: number;
  /** Documents labelled for the task after this round (all rounds so far, and earlier labels). */
  documentsLabelled: number;
  trainRunId: number;
  trainSeconds: number;
  selectionSeconds: number;
  evaluation?: RoundEvaluation | undefined;
  complete: true;
}

export interface ActiveRound extends ActiveRoundOutcome {
  runId: number;
  picks: ActivePick[];
  /** Whether the round was done by an earlier process (a resumed job skips it). */
  resumed: boolean;
  costUsd: number;
  items: number;
}

export interface ActiveLearningResult {
  job: string;
  rounds: ActiveRound[];
}

export const activeParamsOf = (run: Run): ActiveRoundPlan | undefined => {
  const value = run.params.activeLearning;
  return typeof value === "object" && value !== null ? (value as ActiveRoundPlan) : undefined;
};

export const activeOutcomeOf = (run: Run): ActiveRoundOutcome | undefined => {
  const report = run.report as { activeLearning?: ActiveRoundOutcome } | undefined;
  return report?.activeLearning?.complete ? report.activeLearning : undefined;
};

/** The label runs of one active-learning job, oldest first. */
export function activeLearningRuns(runs: readonly Run[], job: string): Run[] {
  return runs
    .filter((run) => run.kind === "label" && activeParamsOf(run)?.job === job)
    .sort((a, b) => a.id - b.id);
}

export interface LearningCurvePoint {
  round: number;
  runId: number;
  documentsLabelled: number;
  f1?: number | undefined;
}

export interface LearningCurve {
  job: string;
  task: string;
  strategy: SelectionStrategy;
  seed: number;
  metric?: string | undefined;
  points: LearningCurvePoint[];
}

/**
 * The learning curves the ledger holds: one per active-learning job, each completed round a point
 * (documents labelled so far, the round's held-out F1). Newest job first.
 */
export function learningCurves(runs: readonly Run[]): LearningCurve[] {
  const curves = new Map<string, LearningCurve & { lastRun: number }>();
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    if (run.kind !== "label") continue;
    const plan = activeParamsOf(run);
    const outcome = activeOutcomeOf(run);
    if (!plan || !outcome) continue;
    const curve = curves.get(plan.job) ?? {
      job: plan.job,
      task: plan.task,
      strategy: plan.strategy,
      seed: plan.seed,
      points: [],
      lastRun: run.id,
    };
    curve.points = curve.points.filter((point) => point.round !== outcome.round);
    curve.points.push({
      round: outcome.round,
      runId: run.id,
      documentsLabelled: outcome.documentsLabelled,
      ...(outcome.evaluation ? { f1: outcome.evaluation.f1 } : {}),
    });
    if (outcome.evaluation) curve.metric = outcome.evaluation.metric;
    curve.lastRun = run.id;
    curves.set(plan.job, curve);
  }
  return [...curves.values()]
    .sort((a, b) => b.lastRun - a.lastRun)
    .map(({ lastRun: _lastRun, ...curve }) => ({
      ...curve,
      points: curve.points.sort((a, b) => a.round - b.round),
    }));
}

/**
 * The learning curves a run's page shows: for a round of an active-learning job, that job's curve
 * first, then the other jobs on the same task (the random control beside it); none for other runs.
 */
export function learningCurvesOfRun(runs: Pick<RunsStore, "list">, run: Run): LearningCurve[] {
  const plan = run.kind === "label" ? activeParamsOf(run) : undefined;
  if (!plan) return [];
  const curves = learningCurves(runs.list({ kind: "label" })).filter((curve) => curve.task === plan.task);
  return [
    ...curves.filter((curve) => curve.job === plan.job),
    ...curves.filter((curve) => curve.job !== plan.job),
  ];
}
