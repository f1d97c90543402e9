/**
 * Active learning, measured by simulation: gold stands in for the teacher (a replay of the gold
 * answers through the real teacher engine: prompts, call cache, parsing, quote alignment), and
 * `runActiveLearning` — what `jobdistill label --select` runs — buys labels round by round in a
 * scratch workspace, training the task's student after each round and scoring it on held-out gold.
 *
 *  - requirements corpus (corpus/requirements.jsonl): pool = its train postings, scored on its test
 *    postings (highlight loose micro F1), the requirement students with the settings chosen on dev
 *    (REQUIREMENTS_CHOSEN; bench/active-learning-dev.ts compares them), the curve to the whole pool
 *    in five rounds of a fifth;
 *  - SkillSpan (needs ../shared): pool = its train sentences, scored on the official test split as
 *    published (tagger strict micro F1), the skills tagger with 2 passes instead of up to 80.
 *
 * SkillSpan's curve runs to the whole pool in five rounds of a fifth (the target: 95% of the
 * full-pool F1 within 40% of the labels; the shares to 90/95% are read off it). The two corpora run in parallel, each in its own process (one
 * corpus alone: one process per strategy). With --only, --write-results keeps the other corpus's
 * stored figures, marked `keptFrom` with the command and provenance of the run that measured them.
 *
 * Per corpus: learning curves uncertain vs. random, 5 seeds each (mean, min and max per round), the
 * full-pool F1 (every pool document bought, same passes) as the ceiling, the share of the pool each
 * strategy needs to reach 90% and 95% of it (linear between rounds; "not reached" when the last
 * round is below), and the seconds of selection per round beside the teacher calls saved.
 *
 *   node bin/run-ts.js bench/active-learning.ts [--quick] [--write-results] [--only requirements|skillspan]
 *     [--dev]   score on the dev split instead of test (to choose settings on; writes nothing)
 *     [--passes N] [--aggregate mean|least-sure] [--max-similarity X] [--hold-out X]   requirements settings
 *     [--strategies uncertain,random] [--seeds N]   fewer jobs (dev comparisons)
 *
 * Writes bench/out/active-learning.json, and with --write-results bench/results/active-learning.json.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  corpusGoldSpans,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
  REQUIREMENTS_CORPUS_GOLD_SOURCE,
} from "../src/dataset/gold/requirements-corpus.ts";
import { importSkillSpanGold, SKILLSPAN_GOLD_SOURCE } from "../src/dataset/gold/skill-span-gold.ts";
import { openWorkspace, type Workspace } from "../src/store/index.ts";
import { type SegmentAggregation, segmentAggregations } from "../src/student/active-learning/index.ts";
import type { SpanStudentOverrides } from "../src/student/span-student-settings.ts";
import { REQUIREMENT_LABELS_VERSION } from "../src/tasks/requirements/labels.ts";
import { requirementsReplayAnswers } from "../src/tasks/requirements/replay-answers.ts";
import { skillsReplayAnswers } from "../src/tasks/skills/replay-answers.ts";
import type { LanguageModel } from "../src/teacher/language-model.ts";
import { ReplayLanguageModel } from "../src/teacher/providers/replay-provider.ts";
import {
  ACTIVE_DEV_SHARE,
  type ActiveLearningTask,
  type ActiveRound,
  runActiveLearning,
  type SelectionStrategy,
  selectionStrategies,
} from "../src/workflows/active-learning.ts";
import { flagValue, invokedDirectly } from "./invoked-directly.ts";
import { CORPUS_TEST_LOOKS } from "./requirements-corpus.ts";
import { recordBench } from "./results-file.ts";
import { skillSpanFiles } from "./skill-span-tagger.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));

export interface ActiveLearningBenchOptions {
  quick?: boolean;
  only?: "requirements" | "skillspan" | undefined;
  /** Score on dev instead of test (choosing settings); nothing is written. */
  dev?: boolean;
  write?: "out" | "results" | false;
  log?: (line: string) => void;
  /** Run the simulations here and write only their figures to this file (the parent's child process). */
  figuresTo?: string | undefined;
  /** Requirements only: a variant of the settings (to compare on dev). */
  variant?: RequirementsVariant | undefined;
  /** Run only these strategies (dev comparisons; the results file wants both). */
  strategies?: readonly SelectionStrategy[] | undefined;
  /** Fewer seeds (dev comparisons). */
  seeds?: number | undefined;
}

export interface RequirementsVariant {
  passes: number;
  aggregation: SegmentAggregation;
  /** The diversity step's threshold; 1 turns it off. */
  maxSimilarity: number;
  holdOut: number;
}

/**
 * The requirements simulation's settings, chosen on dev by bench/active-learning-dev.ts (its
 * "noHoldOut" variant: the highest dev F1 at every budget; the least sure segments and
 * no diversity step were within the two seeds' noise, so the defaults stay). README: "Active
 * learning, by simulation".
 */
export const REQUIREMENTS_CHOSEN: RequirementsVariant = {
  passes: 3,
  aggregation: "mean",
  maxSimilarity: 0.5,
  holdOut: 0,
};

interface Simulation {
  name: "requirements" | "skillspan";
  task: ActiveLearningTask;
  describe: string;
  source: string;
  training: SpanStudentOverrides;
  aggregation?: SegmentAggregation;
  maxSimilarity?: number;
  holdOut?: number;
  /** Budget as a share of the pool, bought in `rounds` equal rounds. */
  budgetShare: number;
  rounds: number;
  seeds: number[];
  setUp: (workspace: Workspace) => LanguageModel;
}

interface CurvePoint {
  round: number;
  documents: number;
  share: number;
  mean: number;
  min: number;
  max: number;
}

interface StrategyFigures {
  curve: CurvePoint[];
  /** Per seed, the F1 of each round. */
  seedsF1: number[][];
  /** Share of the pool at which the mean curve reaches 90% / 95% of the mean ceiling (null: not within the budget). */
  shareTo90: number | null;
  shareTo95: number | null;
  /** The same for each seed's own curve (against the mean ceiling), and their range over the seeds reaching it. */
  seedShares: { to90: (number | null)[]; to95: (number | null)[] };
  seedSharesRange: { to90: MinMax | null; to95: MinMax | null };
  /** The mean curve's average over its rounds (the area under it, per round): one figure to compare settings by. */
  meanF1OverRounds: number;
  /** Mean seconds of selection per round after round 1, and per document scored. */
  selectionSecondsPerRound: number;
  trainSecondsPerRound: number;
  /** Teacher calls (items: chunks for requirements, sentences for skills) bought per seed on average. */
  teacherCalls: number;
}

interface MinMax {
  min: number;
  max: number;
  /** Seeds that reach the level within the budget. */
  seeds: number;
}

export interface SimulationFigures {
  task: ActiveLearningTask;
  describe: string;
  scoredOn: string;
  metric: string;
  pool: number;
  heldOutDocuments: number;
  budget: number;
  rounds: number;
  seeds: number[];
  training: SpanStudentOverrides;
  selection: { aggregation: SegmentAggregation; maxSimilarity: number; holdOut: number };
  ceiling: { mean: number; min: number; max: number; seedsF1: number[]; teacherCalls: number };
  /** Both strategies, unless a dev comparison asked for one. */
  strategies: Partial<Record<SelectionStrategy, StrategyFigures>>;
  /** Documents (and teacher calls) uncertain saves against random to reach 95% of the ceiling, when both reach it. */
  savedAt95: { documents: number; share: number } | null;
  target: { share95AtMost: number; met: boolean };
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Where a rising curve first reaches `level`, by linear interpolation between its points. */
export function shareToReach(
  points: readonly { share: number; mean: number }[],
  level: number,
): number | null {
  let previous: { share: number; mean: number } | undefined;
  for (const point of points) {
    if (point.mean >= level) {
      if (!previous) return point.share;
      const rise = point.mean - previous.mean;
      return previous.share + ((level - previous.mean) / rise) * (point.share - previous.share);
    }
    previous = point;
  }
  return null;
}

function requirementsSimulation(quick: boolean, variant: RequirementsVariant): Simulation {
  return {
    name: "requirements",
    task: "requirements",
    describe: "requirements corpus: pool = its train postings, scored on its test postings",
    source: REQUIREMENTS_CORPUS_GOLD_SOURCE.name,
    // Passes chosen on dev (the demo's three, src/pipeline/run-demo.ts, were the start), so the
    // simulation runs in minutes; the curve runs to the whole pool in rounds of a fifth.
    training: { epochs: variant.passes, patience: 2 },
    aggregation: variant.aggregation,
    maxSimilarity: variant.maxSimilarity,
    holdOut: variant.holdOut,
    budgetShare: quick ? 0.3 : 1,
    rounds: quick ? 3 : 5,
    seeds: quick ? [1, 2] : [1, 2, 3, 4, 5],
    setUp(workspace) {
      importRequirementsCorpusGold(workspace);
      return new ReplayLanguageModel({
        modelId: `requirements-corpus-gold@${REQUIREMENT_LABELS_VERSION}`,
        answerFor: requirementsReplayAnswers(
          loadRequirementsCorpus().map((posting) => ({
            id: posting.id,
            text: posting.text,
            spans: corpusGoldSpans(posting),
          })),
        ),
      });
    },
  };
}

function skillSpanSimulation(quick: boolean, files: readonly string[]): Simulation {
  return {
    name: "skillspan",
    task: "skills",
    describe: "SkillSpan: pool = its train sentences, scored on the official test split as published",
    source: "skillspan",
    // 2 passes instead of up to 80 (the full run would not fit two shared cores): the ceiling uses the same.
    training: { epochs: quick ? 1 : 2, patience: quick ? 1 : 2 },
    // To the whole pool in five rounds of a fifth, like the requirements curve.
    budgetShare: quick ? 0.2 : 1,
    rounds: quick ? 2 : 5,
    seeds: quick ? [1] : [1, 2, 3, 4, 5],
    setUp(workspace) {
      importSkillSpanGold(workspace, files);
      const gold = workspace.annotations.list({
        task: "skills",
        sourceKind: SKILLSPAN_GOLD_SOURCE.kind,
        sourceName: SKILLSPAN_GOLD_SOURCE.name,
      });
      return new ReplayLanguageModel({
        modelId: "skillspan-gold",
        answerFor: skillsReplayAnswers(
          gold.map((annotation) => ({
            text: workspace.documents.get(annotation.documentId)?.text ?? "",
            spans: annotation.payload.spans ?? [],
          })),
        ),
      });
    },
  };
}

interface JobOutcome {
  rounds: ActiveRound[];
  pool: number;
  heldOut: number;
  metric: string;
}

async function simulate(
  simulation: Simulation,
  strategy: SelectionStrategy,
  seed: number,
  budget: number | "pool",
  rounds: number,
  split: string,
): Promise<JobOutcome> {
  const dir = mkdtempSync(join(tmpdir(), `jobdistill-bench-active-${simulation.name}-`));
  const workspace = openWorkspace(dir);
  try {
    const model = simulation.setUp(workspace);
    const pool = [...workspace.documents.iterate({ source: simulation.source })].filter(
      (document) => document.meta?.split === "train",
    ).length;
    const result = await runActiveLearning(workspace, {
      task: simulation.task,
      strategy,
      budget: budget === "pool" ? pool : budget,
      rounds,
      seed,
      source: simulation.source,
      splits: ["train"],
      model,
      training: simulation.training,
      aggregation: simulation.aggregation,
      maxSimilarity: simulation.maxSimilarity,
      holdOut: simulation.holdOut,
      evaluation: { against: "gold", splits: [split] },
    });
    const last = result.rounds.at(-1)?.evaluation;
    return { rounds: result.rounds, pool, heldOut: last?.documents ?? 0, metric: last?.metric ?? "" };
  } finally {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runSimulation(
  simulation: Simulation,
  split: string,
  log: (line: string) => void,
  only: readonly SelectionStrategy[],
): Promise<SimulationFigures> {
  const ceilings: JobOutcome[] = [];
  for (const seed of simulation.seeds) {
    const outcome = await simulate(simulation, "random", seed, "pool", 1, split);
    ceilings.push(outcome);
    log(
      `${simulation.name} ceiling (every pool document, seed ${seed}): ${(100 * (outcome.rounds[0]?.evaluation?.f1 ?? 0)).toFixed(1)} ` +
        `${outcome.metric} on ${outcome.heldOut} ${split} documents`,
    );
  }
  const pool = ceilings[0]?.pool ?? 0;
  const budget = Math.round(simulation.budgetShare * pool);
  const ceilingF1 = ceilings.map((outcome) => outcome.rounds[0]?.evaluation?.f1 ?? 0);
  const ceilingMean = mean(ceilingF1);
  const strategies: Partial<Record<SelectionStrategy, StrategyFigures>> = {};
  for (const strategy of only) {
    const jobs: JobOutcome[] = [];
    for (const seed of simulation.seeds) {
      const outcome = await simulate(simulation, strategy, seed, budget, simulation.rounds, split);
      jobs.push(outcome);
      log(
        `${simulation.name} ${strategy} seed ${seed}: ` +
          outcome.rounds
            .map((round) => `${round.documentsLabelled}→${(100 * (round.evaluation?.f1 ?? 0)).toFixed(1)}`)
            .join("  ") +
          `  (selection ${mean(outcome.rounds.slice(1).map((round) => round.selectionSeconds)).toFixed(2)} s/round)`,
      );
    }
    const seedsF1 = jobs.map((job) => job.rounds.map((round) => round.evaluation?.f1 ?? 0));
    const curve = Array.from({ length: simulation.rounds }, (_, index): CurvePoint => {
      const values = seedsF1.map((f1s) => f1s[index] ?? 0);
      const documents = jobs[0]?.rounds[index]?.documentsLabelled ?? 0;
      return {
        round: index + 1,
        documents,
        share: round4(documents / pool),
        mean: round4(mean(values)),
        min: round4(Math.min(...values)),
        max: round4(Math.max(...values)),
      };
    });
    const to = (points: readonly { share: number; mean: number }[], fraction: number) => {
      const share = shareToReach(points, fraction * ceilingMean);
      return share === null ? null : round4(share);
    };
    const seedShares = (fraction: number) =>
      seedsF1.map((f1s) =>
        to(
          f1s.map((f1, index) => ({ share: curve[index]?.share ?? 0, mean: f1 })),
          fraction,
        ),
      );
    const range = (shares: (number | null)[]): MinMax | null => {
      const reached = shares.filter((share): share is number => share !== null);
      return reached.length === 0
        ? null
        : { min: Math.min(...reached), max: Math.max(...reached), seeds: reached.length };
    };
    const to90 = seedShares(0.9);
    const to95 = seedShares(0.95);
    strategies[strategy] = {
      curve,
      seedsF1: seedsF1.map((f1s) => f1s.map(round4)),
      shareTo90: to(curve, 0.9),
      shareTo95: to(curve, 0.95),
      seedShares: { to90, to95 },
      seedSharesRange: { to90: range(to90), to95: range(to95) },
      meanF1OverRounds: round4(mean(curve.map((point) => point.mean))),
      selectionSecondsPerRound: round4(
        mean(jobs.flatMap((job) => job.rounds.slice(1).map((round) => round.selectionSeconds))),
      ),
      trainSecondsPerRound: round4(
        mean(jobs.flatMap((job) => job.rounds.map((round) => round.trainSeconds))),
      ),
      teacherCalls: Math.round(
        mean(jobs.map((job) => job.rounds.reduce((sum, round) => sum + round.items, 0))),
      ),
    };
  }
  return compared({
    task: simulation.task,
    describe: simulation.describe,
    scoredOn: split,
    metric: ceilings[0]?.metric ?? "",
    pool,
    heldOutDocuments: ceilings[0]?.heldOut ?? 0,
    budget,
    rounds: simulation.rounds,
    seeds: simulation.seeds,
    training: simulation.training,
    selection: {
      aggregation: simulation.aggregation ?? "mean",
      maxSimilarity: simulation.maxSimilarity ?? 0.5,
      holdOut: simulation.holdOut ?? ACTIVE_DEV_SHARE,
    },
    ceiling: {
      mean: round4(ceilingMean),
      min: round4(Math.min(...ceilingF1)),
      max: round4(Math.max(...ceilingF1)),
      seedsF1: ceilingF1.map(round4),
      teacherCalls: Math.round(mean(ceilings.map((outcome) => outcome.rounds[0]?.items ?? 0))),
    },
    strategies,
  });
}

/** The comparison of the strategies a corpus's figures end with: labels saved at 95%, the target. */
function compared(figures: Omit<SimulationFigures, "savedAt95" | "target">): SimulationFigures {
  const uncertain95 = figures.strategies.uncertain?.shareTo95 ?? null;
  const random95 = figures.strategies.random?.shareTo95 ?? null;
  const target = 0.4;
  return {
    ...figures,
    savedAt95:
      uncertain95 !== null && random95 !== null
        ? {
            documents: Math.round((random95 - uncertain95) * figures.pool),
            share: round4(random95 - uncertain95),
          }
        : null,
    target: { share95AtMost: target, met: uncertain95 !== null && uncertain95 <= target },
  };
}

const percent = (value: number | null): string =>
  value === null ? "not reached" : `${(100 * value).toFixed(1)}%`;

async function runAndReport(
  simulation: Simulation,
  split: string,
  log: (line: string) => void,
  only: readonly SelectionStrategy[],
): Promise<SimulationFigures> {
  const result = await runSimulation(simulation, split, log, only);
  const seedRange = (range: MinMax | null): string =>
    range === null
      ? "no seed"
      : `seeds ${percent(range.min)}–${percent(range.max)}, ${range.seeds} of ${simulation.seeds.length}`;
  log(
    `${simulation.name}: ceiling ${(100 * result.ceiling.mean).toFixed(1)} (${(100 * result.ceiling.min).toFixed(1)}–${(100 * result.ceiling.max).toFixed(1)}); ` +
      only
        .flatMap((strategy) => {
          const figures = result.strategies[strategy];
          if (!figures) return [];
          return (
            `${strategy} reaches 90% at ${percent(figures.shareTo90)} (${seedRange(figures.seedSharesRange.to90)}), ` +
            `95% at ${percent(figures.shareTo95)} (${seedRange(figures.seedSharesRange.to95)}) of the pool, ` +
            `mean F1 over the rounds ${(100 * figures.meanF1OverRounds).toFixed(1)}`
          );
        })
        .join("; ") +
      `; selection ${(result.strategies.uncertain?.selectionSecondsPerRound ?? 0).toFixed(2)} s/round (uncertain)`,
  );
  return result;
}

/** The command-line flags that carry `options` to a child process (or name them in a dev run). */
function variantArgs(options: ActiveLearningBenchOptions): string[] {
  const variant = options.variant;
  return [
    ...(options.quick ? ["--quick"] : []),
    ...(options.dev ? ["--dev"] : []),
    ...(variant
      ? [
          "--passes",
          `${variant.passes}`,
          "--aggregate",
          variant.aggregation,
          "--max-similarity",
          `${variant.maxSimilarity}`,
          "--hold-out",
          `${variant.holdOut}`,
        ]
      : []),
    ...(options.strategies ? ["--strategies", options.strategies.join(",")] : []),
    ...(options.seeds !== undefined ? ["--seeds", `${options.seeds}`] : []),
  ];
}

/** Runs one corpus's simulation in a child process (its lines prefixed), and reads back its figures. */
export function simulateInChild(
  name: Simulation["name"],
  options: ActiveLearningBenchOptions,
  label: string = name,
): Promise<Partial<Record<Simulation["name"], SimulationFigures>>> {
  const figuresFile = join(mkdtempSync(join(tmpdir(), "jobdistill-bench-active-")), `${name}.json`);
  const args = [
    join(benchFolder, "..", "bin", "run-ts.js"),
    fileURLToPath(import.meta.url),
    "--only",
    name,
    "--figures-to",
    figuresFile,
    ...variantArgs(options),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) console.log(`[${label}] ${line}`);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`the ${name} simulation exited with ${code}`));
        return;
      }
      resolvePromise(
        JSON.parse(readFileSync(figuresFile, "utf8")) as Partial<
          Record<Simulation["name"], SimulationFigures>
        >,
      );
    });
  });
}

const storedResultsPath = join(benchFolder, "results", "active-learning.json");

/**
 * A corpus this run did not simulate (`--only`), taken from the stored results with the provenance
 * of the run that measured it (`writtenBy`, `provenance`), so one file never passes off one run's
 * figures as another's.
 */
function storedCorpus(name: Simulation["name"]): object | undefined {
  if (!existsSync(storedResultsPath)) return undefined;
  const stored = JSON.parse(readFileSync(storedResultsPath, "utf8")) as Record<string, unknown>;
  const corpus = stored[name];
  if (typeof corpus !== "object" || corpus === null) return undefined;
  const own = corpus as { writtenBy?: unknown; provenance?: unknown; keptFrom?: unknown };
  // Kept once already: the run that measured it is still the one named.
  if (own.keptFrom !== undefined) return corpus;
  return {
    ...corpus,
    keptFrom: own.provenance
      ? own
      : { writtenBy: stored.writtenBy, provenance: stored.provenance, testLooks: stored.testLooks },
  };
}

export async function runActiveLearningBench(options: ActiveLearningBenchOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const quick = Boolean(options.quick);
  const split = options.dev ? "dev" : "test";
  const only = options.strategies ?? selectionStrategies;
  const writeResults = options.write === "results" && !options.dev;
  const record = recordBench("active-learning", {
    measure:
      "F1 of each round's student on held-out gold; selection and training in wall seconds of this process " +
      "(the machine was shared: see the load average)",
    quick,
    writeResults,
  });
  if (writeResults && only.length !== selectionStrategies.length)
    throw new Error("--write-results wants both strategies: leave out --strategies");
  const withSeeds = (simulation: Simulation): Simulation =>
    options.seeds === undefined
      ? simulation
      : { ...simulation, seeds: simulation.seeds.slice(0, options.seeds) };
  const simulations: Simulation[] = [];
  if (options.only !== "skillspan")
    simulations.push(withSeeds(requirementsSimulation(quick, options.variant ?? REQUIREMENTS_CHOSEN)));
  const files = skillSpanFiles();
  if (options.only !== "requirements") {
    if (files) simulations.push(withSeeds(skillSpanSimulation(quick, files)));
    else log("skipping SkillSpan: ../shared/data/skillspan/json is not there");
  }
  const figures: Partial<Record<Simulation["name"], SimulationFigures>> = {};
  const [single] = simulations;
  if (options.figuresTo === undefined && simulations.length === 1 && single && only.length > 1) {
    // One corpus: one process per strategy, side by side (each computes the same seeded ceiling).
    const outcomes = await Promise.all(
      only.map((strategy) =>
        simulateInChild(single.name, { ...options, strategies: [strategy] }, `${single.name} ${strategy}`),
      ),
    );
    const [first] = outcomes.map((outcome) => outcome[single.name]);
    if (!first) throw new Error(`the ${single.name} simulation returned no figures`);
    figures[single.name] = compared({
      ...first,
      strategies: Object.assign({}, ...outcomes.map((outcome) => outcome[single.name]?.strategies)),
    });
  } else if (options.figuresTo !== undefined || simulations.length === 1) {
    for (const simulation of simulations)
      figures[simulation.name] = await runAndReport(simulation, split, log, only);
    if (options.figuresTo !== undefined) {
      writeFileSync(options.figuresTo, JSON.stringify(figures));
      return figures;
    }
  } else {
    // One process per corpus, side by side: each simulation is single-threaded.
    const outcomes = await Promise.all(
      simulations.map((simulation) => simulateInChild(simulation.name, options)),
    );
    for (const outcome of outcomes) Object.assign(figures, outcome);
  }
  // A corpus left out with --only keeps its stored figures, marked with the run they came from.
  const kept: Record<string, object> = {};
  if (writeResults && !quick)
    for (const name of ["requirements", "skillspan"] as const) {
      const stored = figures[name] ? undefined : storedCorpus(name);
      if (stored) {
        kept[name] = stored;
        log(`${name}: not simulated in this run; its stored figures are kept, with their own provenance`);
      }
    }
  // Kept requirements figures keep the look count of the run that measured them (this run made none).
  const keptLooks = (kept.requirements as { keptFrom?: { testLooks?: unknown } } | undefined)?.keptFrom
    ?.testLooks;
  const testLooks =
    options.dev || (!figures.requirements && keptLooks === undefined)
      ? undefined
      : figures.requirements
        ? {
            requirementsCorpus: CORPUS_TEST_LOOKS,
            note:
              "this bench scores every round's student on the corpus's test postings: one look of a fixed design " +
              "(its settings chosen on dev: README, Active learning, by simulation), counted in CORPUS_TEST_LOOKS",
          }
        : keptLooks;
  if (testLooks && figures.requirements)
    log(`test looks at the requirements corpus, this run included: ${CORPUS_TEST_LOOKS}`);
  const paths =
    options.write === false || options.dev ? [] : record.write({ testLooks, ...kept, ...figures });
  for (const path of paths) log(`wrote ${path}`);
  return figures;
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const only = flagValue(args, "--only");
  if (only !== undefined && only !== "requirements" && only !== "skillspan") {
    console.error("--only takes requirements or skillspan");
    process.exit(2);
  }
  const aggregation = flagValue(args, "--aggregate") ?? REQUIREMENTS_CHOSEN.aggregation;
  if (!(segmentAggregations as readonly string[]).includes(aggregation)) {
    console.error(`--aggregate takes ${segmentAggregations.join(" or ")}`);
    process.exit(2);
  }
  const number = (name: string, fallback: number): number => {
    const value = Number(flagValue(args, name) ?? fallback);
    if (!Number.isFinite(value)) {
      console.error(`${name} takes a number`);
      process.exit(2);
    }
    return value;
  };
  const strategies = flagValue(args, "--strategies")?.split(",");
  if (strategies?.some((strategy) => !(selectionStrategies as readonly string[]).includes(strategy))) {
    console.error(`--strategies takes ${selectionStrategies.join(",")}`);
    process.exit(2);
  }
  await runActiveLearningBench({
    quick: args.includes("--quick"),
    dev: args.includes("--dev"),
    only,
    write: args.includes("--write-results") ? "results" : "out",
    figuresTo: flagValue(args, "--figures-to"),
    variant: {
      passes: number("--passes", REQUIREMENTS_CHOSEN.passes),
      aggregation: aggregation as SegmentAggregation,
      maxSimilarity: number("--max-similarity", REQUIREMENTS_CHOSEN.maxSimilarity),
      holdOut: number("--hold-out", REQUIREMENTS_CHOSEN.holdOut),
    },
    strategies: strategies as SelectionStrategy[] | undefined,
    seeds: flagValue(args, "--seeds") === undefined ? undefined : number("--seeds", 5),
  });
}
