/**
 * Tagger training against CRFsuite: one SkillSpan layer (knowledge by default), the same training
 * sentences (read by the project's SkillSpan reader) and the same number of passes. CRFsuite (npm
 * `crfsuite`, a native binding that trains a first-order CRF with L-BFGS, c1 = 0.1, c2 = 0.01, as
 * python-crfsuite's tutorial) gets the standard feature template: word identity and lower case at
 * −2…+2, prefixes and suffixes 1–3, shape, title/upper/digit flags, word bigrams at −1/0 and 0/+1,
 * sentence start and end. Ours is `trainTagger` twice, with each student definition's settings as
 * `jobdistill train` passes them: the requirements tagger's (BIO, 2^18 buckets) and the skills
 * tagger's (BILOU, span-edge rankers, calibration, 2^20 buckets: the model behind the README's
 * SkillSpan figures), the epochs set to CRFsuite's passes and dev sentences for early stopping and
 * calibration. Training is timed in
 * CPU seconds of this process (both run on its one thread), features for CRFsuite made beforehand,
 * in --rounds rounds (each trains every trainer once, CRFsuite first); the times and ratios are the
 * medians over the rounds, with each round's ratio beside. Test is scored once (every round trains
 * the same model), strict and loose span F1, with the project's span scorer.
 *
 *   node bin/run-ts.js bench/crfsuite.ts [--layer knowledge] [--epochs 20] [--rounds 3] [--write-results]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BioSentence, bioToChunks } from "../src/align/bio.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { type SpanSet, scoreSpans } from "../src/evaluate/span-scorer.ts";
import { requirementsStudentDefaults } from "../src/student/requirements/index.ts";
import { skillsStudentDefaults } from "../src/student/skills/index.ts";
import type { SpanStudentSettings } from "../src/student/span-student-settings.ts";
import { type TaggerModel, trainTagger } from "../src/student/tagger/index.ts";
import { wordShape } from "../src/student/tagger/word-forms.ts";
import { flagValue, invokedDirectly, numberFlag } from "./invoked-directly.ts";
import { median } from "./median.ts";
import { recordBench } from "./results-file.ts";

/** The students whose tagger settings are timed: each task's definition, as `jobdistill train` uses it. */
const students: readonly { task: string; settings: SpanStudentSettings }[] = [
  { task: "requirements", settings: requirementsStudentDefaults },
  { task: "skills", settings: skillsStudentDefaults },
];

/** SkillSpan's official splits, read straight from ../shared (no workspace: the bench times training only). */
function readSkillSpanFiles(): Record<"train" | "dev" | "test", BioSentence[]> | undefined {
  const [train, dev, test] = ["train", "dev", "test"].map((split) =>
    sharedPath("data", "skillspan", "json", `${split}.json`),
  );
  if (!train || !dev || !test) return undefined;
  return { train: readSkillSpanJson(train), dev: readSkillSpanJson(dev), test: readSkillSpanJson(test) };
}

const percent = (value: number): number => Math.round(value * 1000) / 10;

/** Strict and loose P/R/F1 (in percent) of one layer over a split, spans by token offsets. */
function scoreLayer(model: Pick<TaggerModel, "predict">, sentences: readonly BioSentence[], layer: string) {
  const gold: SpanSet[] = [];
  const predicted: SpanSet[] = [];
  for (const sentence of sentences) {
    const toSpans = (tags: readonly string[]) =>
      bioToChunks(tags).map((chunk) => ({ label: layer, start: chunk.startToken, end: chunk.endToken }));
    gold.push(toSpans(sentence.layers[layer] ?? []));
    predicted.push(toSpans(model.predict(sentence.tokens)[layer] ?? []));
  }
  const { strict, loose } = scoreSpans(gold, predicted);
  const pick = (counts: typeof strict.micro) => ({
    precision: percent(counts.precision),
    recall: percent(counts.recall),
    f1: percent(counts.f1),
  });
  return {
    strict: pick(strict.micro),
    loose: pick(loose.micro),
    gold: strict.micro.gold,
    predicted: strict.micro.predicted,
  };
}

export interface CrfsuiteBenchOptions {
  /** @default "knowledge" */
  layer?: string | undefined;
  /** Passes over the training data for both (CRFsuite: L-BFGS iterations). @default 20, the CLI's */
  epochs?: number | undefined;
  /**
   * Rounds of timing: each trains CRFsuite and then each of ours once, and every figure is the median
   * over the rounds (one process's CPU seconds drift by a fifth and more between minutes here). @default 3
   */
  rounds?: number | undefined;
  /** Write bench/results/crfsuite.json. @default false */
  writeResults?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

type CrfsuiteModule = typeof import("crfsuite");

function loadCrfsuite(): CrfsuiteModule {
  try {
    return createRequire(import.meta.url)("crfsuite") as CrfsuiteModule;
  } catch (cause) {
    throw new Error(
      `bench/crfsuite.ts needs the crfsuite package (npm i; it builds a native binding): ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** CRFsuite's attributes of every token: the usual template (python-crfsuite tutorial, CoNLL chunking). */
export function crfsuiteFeatures(tokens: readonly string[]): string[][] {
  const word = (at: number): string | undefined => tokens[at];
  return tokens.map((token, position) => {
    const attributes = ["bias", `shape=${wordShape(token)}`];
    for (let length = 1; length <= 3; length++) {
      if (token.length >= length) attributes.push(`prefix${length}=${token.slice(0, length)}`);
      if (token.length >= length) attributes.push(`suffix${length}=${token.slice(-length)}`);
    }
    if (/^[A-Z][a-z]/.test(token)) attributes.push("istitle");
    if (/^[A-Z]+$/.test(token)) attributes.push("isupper");
    if (/^\d+$/.test(token)) attributes.push("isdigit");
    for (let offset = -2; offset <= 2; offset++) {
      const neighbour = word(position + offset);
      if (neighbour === undefined) continue;
      attributes.push(`w[${offset}]=${neighbour}`, `lower[${offset}]=${neighbour.toLowerCase()}`);
    }
    const previous = word(position - 1);
    const following = word(position + 1);
    if (previous === undefined) attributes.push("BOS");
    else attributes.push(`w[-1]|w[0]=${previous}|${token}`);
    if (following === undefined) attributes.push("EOS");
    else attributes.push(`w[0]|w[1]=${token}|${following}`);
    return attributes;
  });
}

const cpuSecondsSince = (before: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

export async function runCrfsuiteBench(options: CrfsuiteBenchOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const record = recordBench("crfsuite", {
    measure:
      "training in CPU seconds of this process (user + system; both trainers run on its one thread, garbage-collector threads count too), wall seconds beside",
    writeResults: options.writeResults,
  });
  const splits = readSkillSpanFiles();
  if (!splits) {
    log("skipped: crfsuite (needs ../shared/data/skillspan/json; set JOBDISTILL_SHARED)");
    return undefined;
  }
  const layer = options.layer ?? "knowledge";
  const epochs = options.epochs ?? requirementsStudentDefaults.tagger.epochs ?? 20;
  const rounds = options.rounds ?? 3;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`crfsuite bench: --rounds must be a whole number ≥ 1, not ${rounds}`);
  const crfsuite = loadCrfsuite();
  const nonEmpty = (sentences: readonly BioSentence[]) => sentences.filter((s) => s.tokens.length > 0);
  const train = nonEmpty(splits.train);
  const test = nonEmpty(splits.test);
  const tokens = train.reduce((sum, sentence) => sum + sentence.tokens.length, 0);
  log(`SkillSpan train: ${train.length} sentences, ${tokens} tokens; layer ${layer}; ${epochs} passes`);

  const folder = mkdtempSync(join(tmpdir(), "jobdistill-bench-crfsuite-"));
  try {
    const modelPath = join(folder, "model.crfsuite");
    /** One CRFsuite training (features appended untimed), in CPU and wall seconds. */
    const trainCrfsuite = (): { cpuSeconds: number; wallSeconds: number } => {
      const trainer = new crfsuite.Trainer({ debug: false });
      trainer.set_params({
        c1: "0.1",
        c2: "0.01",
        max_iterations: String(epochs),
        "feature.possible_transitions": "1",
      });
      for (const sentence of train)
        trainer.append(crfsuiteFeatures(sentence.tokens), sentence.layers[layer] ?? []);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const status = trainer.train(modelPath);
      const wallSeconds = (performance.now() - started) / 1000;
      const cpuSeconds = cpuSecondsSince(cpu);
      if (status !== 0) throw new Error(`CRFsuite training failed (status ${status})`);
      return { cpuSeconds, wallSeconds };
    };
    /** One training of ours with a student's settings, timed the same way. */
    const trainOurs = (settings: SpanStudentSettings) => {
      let epochsRun = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const model = trainTagger(train, {
        ...settings.tagger,
        seed: settings.seed,
        layers: [layer],
        epochs,
        devSentences: splits.dev,
        onProgress: (epoch) => {
          epochsRun = epoch;
        },
      });
      const wallSeconds = (performance.now() - started) / 1000;
      return { model, epochsRun, cpuSeconds: cpuSecondsSince(cpu), wallSeconds };
    };
    const crfRounds: { cpuSeconds: number; wallSeconds: number }[] = [];
    const oursRounds: ReturnType<typeof trainOurs>[][] = students.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      crfRounds.push(trainCrfsuite());
      students.forEach(({ settings }, index) => {
        oursRounds[index]?.push(trainOurs(settings));
      });
      log(
        `round ${round}/${rounds}: CRFsuite ${crfRounds[round - 1]?.cpuSeconds.toFixed(2)} CPU s; ` +
          students
            .map(({ task }, index) => `${task} ${oursRounds[index]?.[round - 1]?.cpuSeconds.toFixed(2)}`)
            .join(", "),
      );
    }
    const crfCpuSeconds = median(crfRounds.map((run) => run.cpuSeconds));
    const crfWall = median(crfRounds.map((run) => run.wallSeconds));
    const crfTagger = new crfsuite.Tagger();
    if (!crfTagger.open(modelPath)) throw new Error(`CRFsuite cannot open the model it wrote (${modelPath})`);
    // The binding returns the tags themselves, whatever its typings say ({ probability, result }).
    const crfTags = (sentenceTokens: readonly string[]): string[] => {
      const tagged: unknown = crfTagger.tag(crfsuiteFeatures(sentenceTokens));
      const tags = Array.isArray(tagged) ? tagged : (tagged as { result?: unknown }).result;
      if (!Array.isArray(tags) || tags.length !== sentenceTokens.length) {
        throw new Error(`CRFsuite returned no tags for a sentence of ${sentenceTokens.length} tokens`);
      }
      return tags.map(String);
    };
    const crfScores = scoreLayer(
      { predict: (sentenceTokens) => ({ [layer]: crfTags(sentenceTokens) }) },
      test,
      layer,
    );
    log(
      `CRFsuite:   median ${crfCpuSeconds.toFixed(2)} CPU s (${crfWall.toFixed(2)} s wall); test strict F1 ${crfScores.strict.f1}, loose ${crfScores.loose.f1}`,
    );

    const ours = students.map(({ task, settings }, index) => {
      const runs = oursRounds[index] ?? [];
      const last = runs[runs.length - 1];
      if (!last) throw new Error("crfsuite bench: no training of ours was timed");
      const { model, epochsRun } = last;
      const trainingCpuSeconds = median(runs.map((run) => run.cpuSeconds));
      const trainingWallSeconds = median(runs.map((run) => run.wallSeconds));
      const roundRatios = runs.map(
        (run, round) => run.cpuSeconds / (crfRounds[round]?.cpuSeconds ?? Number.NaN),
      );
      const test = scoreLayer(
        model,
        splits.test.filter((s) => s.tokens.length > 0),
        layer,
      );
      const bestEpoch = model.layers[0]?.bestEpoch;
      const cpuRatio = trainingCpuSeconds / crfCpuSeconds;
      const ratios = roundRatios.map((ratio) => ratio.toFixed(2)).join(", ");
      log(
        `jobdistill, ${task} tagger settings: median ${trainingCpuSeconds.toFixed(2)} CPU s (${trainingWallSeconds.toFixed(2)} s wall, ${epochsRun} epochs run, best ${bestEpoch}); test strict F1 ${test.strict.f1}, loose ${test.loose.f1}; ×${cpuRatio.toFixed(2)} CRFsuite's median CPU time (rounds: ×${ratios}; ≤ 2 is the aim)`,
      );
      return {
        task,
        settings: { ...settings.tagger, seed: settings.seed, epochs },
        trainingCpuSeconds,
        trainingWallSeconds,
        epochsRun,
        bestEpoch,
        test,
        cpuRatio,
        roundsCpuSeconds: runs.map((run) => run.cpuSeconds),
        roundRatios,
      };
    });
    const figures = {
      settings: { layer, epochs, rounds, trainSentences: train.length, trainTokens: tokens },
      crfsuite: {
        trainingCpuSeconds: crfCpuSeconds,
        trainingWallSeconds: crfWall,
        roundsCpuSeconds: crfRounds.map((run) => run.cpuSeconds),
        params: { algorithm: "lbfgs", c1: 0.1, c2: 0.01, maxIterations: epochs },
        test: crfScores,
      },
      jobdistill: ours,
    };
    for (const path of record.write(figures)) log(`wrote ${path}`);
    return figures;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  await runCrfsuiteBench({
    layer: flagValue(args, "--layer"),
    epochs: numberFlag(args, "--epochs"),
    rounds: numberFlag(args, "--rounds"),
    writeResults: args.includes("--write-results"),
  });
}
