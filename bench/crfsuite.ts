/**
 * Tagger training against CRFsuite: one SkillSpan layer (knowledge by default), the same training
 * sentences (read by the project's SkillSpan reader) and the same number of passes. CRFsuite (npm
 * `crfsuite`, a native binding that trains a first-order CRF with L-BFGS, c1 = 0.1, c2 = 0.01, as
 * python-crfsuite's tutorial) gets the standard feature template: word identity and lower case at
 * −2…+2, prefixes and suffixes 1–3, shape, title/upper/digit flags, word bigrams at −1/0 and 0/+1,
 * sentence start and end. Ours is `trainTagger` with the options the CLI's `jobdistill train` passes
 * (epochs, seed, hash bits, dev sentences for early stopping and calibration). Training is timed in
 * CPU seconds of this process (both run on its one thread), features for CRFsuite made beforehand;
 * test is scored once, strict and loose span F1, with the project's span scorer.
 *
 *   node bin/run-ts.js bench/crfsuite.ts [--layer knowledge] [--epochs 20] [--write-results]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BioSentence } from "../src/align/bio.ts";
import { trainTagger } from "../src/student/tagger/index.ts";
import { wordShape } from "../src/student/tagger/word-forms.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";
import { readSkillSpanSplits, scoreLayer } from "./skill-span-tagger.ts";

/** The tagger options of `jobdistill train` (src/student/requirements/train-students.ts defaults). */
const cliTaggerOptions = { epochs: 20, seed: 1, hashBits: 18 } as const;

export interface CrfsuiteBenchOptions {
  /** @default "knowledge" */
  layer?: string | undefined;
  /** Passes over the training data for both (CRFsuite: L-BFGS iterations). @default 20, the CLI's */
  epochs?: number | undefined;
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
  const splits = readSkillSpanSplits();
  if (!splits) {
    log("skipped: crfsuite (needs ../shared/data/skillspan/json; set JOBDISTILL_SHARED)");
    return undefined;
  }
  const layer = options.layer ?? "knowledge";
  const epochs = options.epochs ?? cliTaggerOptions.epochs;
  const crfsuite = loadCrfsuite();
  const nonEmpty = (sentences: readonly BioSentence[]) => sentences.filter((s) => s.tokens.length > 0);
  const train = nonEmpty(splits.train);
  const test = nonEmpty(splits.test);
  const tokens = train.reduce((sum, sentence) => sum + sentence.tokens.length, 0);
  log(`SkillSpan train: ${train.length} sentences, ${tokens} tokens; layer ${layer}; ${epochs} passes`);

  const folder = mkdtempSync(join(tmpdir(), "jobdistill-bench-crfsuite-"));
  try {
    const trainer = new crfsuite.Trainer({ debug: false });
    trainer.set_params({
      c1: "0.1",
      c2: "0.01",
      max_iterations: String(epochs),
      "feature.possible_transitions": "1",
    });
    for (const sentence of train)
      trainer.append(crfsuiteFeatures(sentence.tokens), sentence.layers[layer] ?? []);
    const modelPath = join(folder, "model.crfsuite");
    const crfCpu = process.cpuUsage();
    const crfStarted = performance.now();
    const status = trainer.train(modelPath);
    const crfWall = (performance.now() - crfStarted) / 1000;
    const crfCpuSeconds = cpuSecondsSince(crfCpu);
    if (status !== 0) throw new Error(`CRFsuite training failed (status ${status})`);
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
      `CRFsuite:   ${crfCpuSeconds.toFixed(2)} CPU s (${crfWall.toFixed(2)} s wall); test strict F1 ${crfScores.strict.f1}, loose ${crfScores.loose.f1}`,
    );

    let epochsRun = 0;
    const oursCpu = process.cpuUsage();
    const oursStarted = performance.now();
    const model = trainTagger(train, {
      ...cliTaggerOptions,
      layers: [layer],
      epochs,
      devSentences: splits.dev,
      onProgress: (epoch) => {
        epochsRun = epoch;
      },
    });
    const oursWall = (performance.now() - oursStarted) / 1000;
    const oursCpuSeconds = cpuSecondsSince(oursCpu);
    const oursScores = scoreLayer(model, test, layer);
    const bestEpoch = model.layers[0]?.bestEpoch;
    log(
      `jobdistill: ${oursCpuSeconds.toFixed(2)} CPU s (${oursWall.toFixed(2)} s wall, ${epochsRun} epochs run, best ${bestEpoch}); test strict F1 ${oursScores.strict.f1}, loose ${oursScores.loose.f1}`,
    );
    const ratio = oursCpuSeconds / crfCpuSeconds;
    log(`training CPU time, jobdistill over CRFsuite: ×${ratio.toFixed(2)} (≤ 2 is the aim)`);
    const figures = {
      settings: { layer, epochs, trainSentences: train.length, trainTokens: tokens, ours: cliTaggerOptions },
      crfsuite: {
        trainingCpuSeconds: crfCpuSeconds,
        trainingWallSeconds: crfWall,
        params: { algorithm: "lbfgs", c1: 0.1, c2: 0.01, maxIterations: epochs },
        test: crfScores,
      },
      jobdistill: {
        trainingCpuSeconds: oursCpuSeconds,
        trainingWallSeconds: oursWall,
        epochsRun,
        bestEpoch,
        test: oursScores,
      },
      cpuRatio: ratio,
    };
    for (const path of record.write(figures)) log(`wrote ${path}`);
    return figures;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const argument = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const epochs = argument("--epochs");
  await runCrfsuiteBench({
    layer: argument("--layer"),
    epochs: epochs === undefined ? undefined : Number(epochs),
    writeResults: args.includes("--write-results"),
  });
}
