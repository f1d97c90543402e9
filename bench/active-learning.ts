/**
 * Active learning, measured by simulation: gold stands in for the teacher (a replay of the gold
 * answers through the real teacher engine: prompts, call cache, parsing, quote alignment), and
 * `runActiveLearning` — what `jobdistill label --select` runs — buys labels round by round in a
 * scratch workspace, training the task's student after each round and scoring it on held-out gold.
 *
 *  - requirements corpus (corpus/requirements.jsonl): pool = its train postings, scored on its test
 *    postings (highlight loose micro F1), the requirement students with the demo's passes (3);
 *  - SkillSpan (needs ../shared): pool = its train sentences, scored on the official test split as
 *    published (tagger strict micro F1), the skills tagger with 2 passes instead of up to 80.
 *
 * The budget is 40% of the pool (the target: 95% of the full-pool F1 within 40% of the labels) in
 * four rounds of 10%. The two corpora run in parallel, each in its own process.
 *
 * Per corpus: learning curves uncertain vs. random, 5 seeds each (mean, min and max per round), the
 * full-pool F1 (every pool document bought, same passes) as the ceiling, the share of the pool each
 * strategy needs to reach 90% and 95% of it (linear between rounds; "not reached" when the last
 * round is below), and the seconds of selection per round beside the teacher calls saved.
 *
 *   node bin/run-ts.js bench/active-learning.ts [--quick] [--write-results] [--only requirements|skillspan]
 *     [--dev]   score on the dev split instead of test (to choose settings on; writes nothing)
 *
 * Writes bench/out/active-learning.json, and with --write-results bench/results/active-learning.json.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import type { SpanStudentOverrides } from "../src/student/span-student-settings.ts";
import { REQUIREMENT_LABELS_VERSION } from "../src/tasks/requirements/labels.ts";
import { requirementsReplayAnswers } from "../src/tasks/requirements/replay-answers.ts";
import { skillsReplayAnswers } from "../src/tasks/skills/replay-answers.ts";
import type { LanguageModel } from "../src/teacher/language-model.ts";
import { ReplayLanguageModel } from "../src/teacher/providers/replay-provider.ts";
import {
  type ActiveLearningTask,
  type ActiveRound,
  runActiveLearning,
  type SelectionStrategy,
  selectionStrategies,
} from "../src/workflows/active-learning.ts";
import { invokedDirectly } from "./invoked-directly.ts";
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
}

interface Simulation {
  name: "requirements" | "skillspan";
  task: ActiveLearningTask;
  describe: string;
  source: string;
  training: SpanStudentOverrides;
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
  /** Mean seconds of selection per round after round 1, and per document scored. */
  selectionSecondsPerRound: number;
  trainSecondsPerRound: number;
  /** Teacher calls (items: chunks for requirements, sentences for skills) bought per seed on average. */
  teacherCalls: number;
}

interface SimulationFigures {
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
  ceiling: { mean: number; min: number; max: number; seedsF1: number[]; teacherCalls: number };
  strategies: Record<SelectionStrategy, StrategyFigures>;
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

function requirementsSimulation(quick: boolean): Simulation {
  return {
    name: "requirements",
    task: "requirements",
    describe: "requirements corpus: pool = its train postings, scored on its test postings",
    source: REQUIREMENTS_CORPUS_GOLD_SOURCE.name,
    // The demo's passes (src/pipeline/run-demo.ts), so the simulation runs in minutes.
    training: { epochs: 3, patience: 2 },
    budgetShare: quick ? 0.3 : 0.4,
    rounds: quick ? 3 : 4,
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
    budgetShare: quick ? 0.2 : 0.4,
    rounds: quick ? 2 : 4,
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
  const strategies = {} as Record<SelectionStrategy, StrategyFigures>;
  for (const strategy of selectionStrategies) {
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
    const to = (fraction: number) => {
      const share = shareToReach(curve, fraction * ceilingMean);
      return share === null ? null : round4(share);
    };
    strategies[strategy] = {
      curve,
      seedsF1: seedsF1.map((f1s) => f1s.map(round4)),
      shareTo90: to(0.9),
      shareTo95: to(0.95),
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
  const uncertain95 = strategies.uncertain.shareTo95;
  const random95 = strategies.random.shareTo95;
  const target = 0.4;
  return {
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
    ceiling: {
      mean: round4(ceilingMean),
      min: round4(Math.min(...ceilingF1)),
      max: round4(Math.max(...ceilingF1)),
      seedsF1: ceilingF1.map(round4),
      teacherCalls: Math.round(mean(ceilings.map((outcome) => outcome.rounds[0]?.items ?? 0))),
    },
    strategies,
    savedAt95:
      uncertain95 !== null && random95 !== null
        ? { documents: Math.round((random95 - uncertain95) * pool), share: round4(random95 - uncertain95) }
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
): Promise<SimulationFigures> {
  const result = await runSimulation(simulation, split, log);
  log(
    `${simulation.name}: ceiling ${(100 * result.ceiling.mean).toFixed(1)} (${(100 * result.ceiling.min).toFixed(1)}–${(100 * result.ceiling.max).toFixed(1)}); ` +
      selectionStrategies
        .map(
          (strategy) =>
            `${strategy} reaches 90% at ${percent(result.strategies[strategy].shareTo90)}, 95% at ${percent(result.strategies[strategy].shareTo95)} of the pool`,
        )
        .join("; ") +
      `; selection ${result.strategies.uncertain.selectionSecondsPerRound.toFixed(2)} s/round (uncertain)`,
  );
  return result;
}

/** Runs one corpus's simulation in a child process (its lines prefixed), and reads back its figures. */
function simulateInChild(
  name: Simulation["name"],
  options: { quick: boolean; dev: boolean },
): Promise<Partial<Record<Simulation["name"], SimulationFigures>>> {
  const figuresFile = join(mkdtempSync(join(tmpdir(), "jobdistill-bench-active-")), `${name}.json`);
  const args = [
    join(benchFolder, "..", "bin", "run-ts.js"),
    fileURLToPath(import.meta.url),
    "--only",
    name,
    "--figures-to",
    figuresFile,
    ...(options.quick ? ["--quick"] : []),
    ...(options.dev ? ["--dev"] : []),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) console.log(`[${name}] ${line}`);
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

export async function runActiveLearningBench(options: ActiveLearningBenchOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const quick = Boolean(options.quick);
  const split = options.dev ? "dev" : "test";
  const record = recordBench("active-learning", {
    measure:
      "F1 of each round's student on held-out gold; selection and training in wall seconds of this process " +
      "(the machine was shared: see the load average)",
    quick,
    writeResults: options.write === "results" && !options.dev,
  });
  const simulations: Simulation[] = [];
  if (options.only !== "skillspan") simulations.push(requirementsSimulation(quick));
  const files = skillSpanFiles();
  if (options.only !== "requirements") {
    if (files) simulations.push(skillSpanSimulation(quick, files));
    else log("skipping SkillSpan: ../shared/data/skillspan/json is not there");
  }
  const figures: Partial<Record<Simulation["name"], SimulationFigures>> = {};
  if (options.figuresTo !== undefined || simulations.length === 1) {
    for (const simulation of simulations)
      figures[simulation.name] = await runAndReport(simulation, split, log);
    if (options.figuresTo !== undefined) {
      writeFileSync(options.figuresTo, JSON.stringify(figures));
      return figures;
    }
  } else {
    // One process per corpus, side by side: each simulation is single-threaded.
    const outcomes = await Promise.all(
      simulations.map((simulation) => simulateInChild(simulation.name, { quick, dev: Boolean(options.dev) })),
    );
    for (const outcome of outcomes) Object.assign(figures, outcome);
  }
  const testLooks =
    options.dev || !figures.requirements
      ? undefined
      : {
          requirementsCorpus: CORPUS_TEST_LOOKS,
          note:
            "this bench scores every round's student on the corpus's test postings: one look of a fixed design " +
            "(settings are the defaults and the demo's passes; none was chosen on test), counted in CORPUS_TEST_LOOKS",
        };
  if (testLooks)
    log(
      `test looks at the requirements corpus, this run included: ${testLooks.requirementsCorpus} (${testLooks.note})`,
    );
  const paths = options.write === false || options.dev ? [] : record.write({ testLooks, ...figures });
  for (const path of paths) log(`wrote ${path}`);
  return figures;
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf("--only");
  const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
  if (only !== undefined && only !== "requirements" && only !== "skillspan") {
    console.error("--only takes requirements or skillspan");
    process.exit(2);
  }
  await runActiveLearningBench({
    quick: args.includes("--quick"),
    dev: args.includes("--dev"),
    only,
    write: args.includes("--write-results") ? "results" : "out",
    figuresTo: args.includes("--figures-to") ? args[args.indexOf("--figures-to") + 1] : undefined,
  });
}
