/**
 * Span-tagger prediction speed: tokens per CPU second of `model.predict` over SkillSpan test (both
 * layers, span-edge rankers included), a few repetitions on one thread, with a fingerprint of every
 * prediction on train, dev and test so speed work can prove it changed no output.
 *
 *   node bin/run-ts.js bench/tagger-speed.ts [--model bench/out/skill-span-tagger.jdt] [--repetitions 5]
 *     [--save-reference]   write bench/out/tagger-speed-reference.json (the predictions to compare with)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "../src/core/hash.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { loadTagger } from "../src/student/tagger/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));

export interface TaggerSpeedOptions {
  modelPath?: string;
  repetitions?: number;
  /** Write the predictions as the reference instead of comparing with it. */
  saveReference?: boolean;
}

export interface TaggerSpeedResult {
  tokens: number;
  /** Tokens per CPU second of each repetition (the first one fills the token caches). */
  tokensPerCpuSecond: number[];
  bestTokensPerCpuSecond: number;
  medianTokensPerCpuSecond: number;
  /** sha256 of all predictions on train, dev and test. */
  predictionHash: string;
  /** Whether the predictions equal the saved reference (undefined without one). */
  identicalToReference?: boolean;
}

const referencePath = join(benchFolder, "out", "tagger-speed-reference.json");

export function runTaggerSpeedBench(options: TaggerSpeedOptions = {}): TaggerSpeedResult | undefined {
  const folder = sharedPath("data", "skillspan", "json");
  if (folder === undefined) {
    console.log("tagger-speed: shared SkillSpan data not found, skipped");
    return undefined;
  }
  const modelPath = options.modelPath ?? join(benchFolder, "out", "skill-span-tagger.jdt");
  if (!existsSync(modelPath)) {
    console.log(`tagger-speed: no model at ${modelPath} (bench/skill-span-tagger.ts makes it), skipped`);
    return undefined;
  }
  const model = loadTagger(modelPath);
  const test = readSkillSpanJson(join(folder, "test.json")).map((sentence) => sentence.tokens);
  const tokens = test.reduce((total, sentence) => total + sentence.length, 0);
  const rates: number[] = [];
  for (let repetition = 0; repetition < (options.repetitions ?? 5); repetition++) {
    const before = process.cpuUsage();
    for (const sentence of test) model.predict(sentence);
    const used = process.cpuUsage(before);
    rates.push(tokens / ((used.user + used.system) / 1e6));
  }
  const predictions: Record<string, Record<string, string[]>[]> = {};
  for (const split of ["train", "dev", "test"]) {
    predictions[split] = readSkillSpanJson(join(folder, `${split}.json`)).map((sentence) =>
      model.predict(sentence.tokens),
    );
  }
  const serialised = JSON.stringify(predictions);
  const predictionHash = sha256Hex(serialised);
  let identicalToReference: boolean | undefined;
  if (options.saveReference) {
    mkdirSync(dirname(referencePath), { recursive: true });
    writeFileSync(referencePath, serialised);
  } else if (existsSync(referencePath)) {
    identicalToReference = readFileSync(referencePath, "utf8") === serialised;
  }
  const sorted = [...rates].sort((left, right) => left - right);
  return {
    tokens,
    tokensPerCpuSecond: rates.map(Math.round),
    bestTokensPerCpuSecond: Math.round(sorted[sorted.length - 1] ?? 0),
    medianTokensPerCpuSecond: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    predictionHash,
    ...(identicalToReference === undefined ? {} : { identicalToReference }),
  };
}

if (invokedDirectly(import.meta.url)) {
  const argument = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index < 0 ? undefined : process.argv[index + 1];
  };
  const repetitions = argument("--repetitions");
  const modelPath = argument("--model");
  const result = runTaggerSpeedBench({
    ...(modelPath === undefined ? {} : { modelPath }),
    ...(repetitions === undefined ? {} : { repetitions: Number(repetitions) }),
    saveReference: process.argv.includes("--save-reference"),
  });
  if (result) {
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(join(benchFolder, "out"), { recursive: true });
    writeFileSync(join(benchFolder, "out", "tagger-speed.json"), `${JSON.stringify(result, null, 2)}\n`);
    if (result.identicalToReference === false) process.exitCode = 1;
  }
}
