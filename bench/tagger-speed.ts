/**
 * Span-tagger prediction speed: tokens per CPU second of `model.predict` over SkillSpan test (both
 * layers, span-edge rankers included) on one thread, timed pass for pass alternately with the tagger
 * code of the first version (the commit before the speed work), on the model bench/skill-span-tagger.ts
 * saves. Also a SHA-256 of every prediction on train, dev and test, which must equal the committed
 * one (bench/results/tagger-predictions.json): speed work may change no output, so a run whose
 * predictions (or model) differ from the committed reference fails and stores nothing.
 *
 *   node bin/run-ts.js bench/tagger-speed.ts [--model bench/out/skill-span-tagger.jdt] [--repetitions 11]
 *     [--baseline REF]    the tagger code to compare with (default: the first version); --no-baseline skips it
 *     [--write-results]   write bench/results/tagger-speed.json
 *     [--save-reference]  make these predictions the committed reference (only after a deliberate change)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { loadTagger, type TaggerParts } from "../src/student/tagger/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchFolder, "..");
const defaultModelPath = join(benchFolder, "out", "skill-span-tagger.jdt");
/** The committed hash of the reference predictions. */
const referencePath = join(benchFolder, "results", "tagger-predictions.json");
/** The reference predictions themselves (large, not committed): kept to say where a mismatch is. */
const localPredictionsPath = join(benchFolder, "out", "tagger-predictions-reference.json");

/** The tagger before the speed work: the parent of d8a1827, the first speed commit. */
export const firstVersionCommit = "9ca5d8d4064c88b3058f91bfddd8fb410437c99d";

const splits = ["train", "dev", "test"] as const;

export interface TaggerSpeedOptions {
  /** @default bench/out/skill-span-tagger.jdt */
  modelPath?: string | undefined;
  /** Timed passes over SkillSpan test, after one untimed warm-up pass. @default 11 */
  repetitions?: number | undefined;
  /** Git commit whose tagger code is timed alternately with this one; false: none. @default firstVersionCommit */
  baseline?: string | false | undefined;
  /** Make these predictions the committed reference instead of checking them against it. @default false */
  saveReference?: boolean | undefined;
  /** Write bench/results/tagger-speed.json. @default false */
  writeResults?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

interface Predictor {
  predict(tokens: readonly string[]): Record<string, string[]>;
}

const referenceSchema = z.object({
  modelSha256: z.string(),
  predictionSha256: z.string(),
});

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const cpuSecondsSince = (before: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

/**
 * The same model in the tagger code of `commit` (its src/ extracted to a scratch folder); undefined
 * if git cannot. That code predates the common model file, so it is handed the loaded model's parts
 * rather than the file.
 */
async function taggerAtCommit(
  commit: string,
  model: TaggerParts,
): Promise<{ tagger: Predictor; commit: string; cleanUp(): void } | undefined> {
  let archive: Buffer;
  let resolved: string;
  try {
    resolved = execFileSync("git", ["rev-parse", "--verify", `${commit}^{commit}`], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    archive = execFileSync("git", ["archive", "--format=tar", resolved, "src", "package.json"], {
      cwd: repoRoot,
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
  const folder = mkdtempSync(join(tmpdir(), "jobdistill-tagger-baseline-"));
  const cleanUp = () => rmSync(folder, { recursive: true, force: true });
  try {
    execFileSync("tar", ["-x", "-C", folder], { input: archive });
    symlinkSync(join(repoRoot, "node_modules"), join(folder, "node_modules"));
    const module = (await import(
      pathToFileURL(join(folder, "src", "student", "tagger", "index.ts")).href
    )) as {
      TaggerModel: new (parts: TaggerParts) => Predictor;
    };
    return { tagger: new module.TaggerModel(model), commit: resolved, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** The committed reference, if it was made with this model; throws otherwise. */
function readReference(modelSha256: string, relativeModel: string): z.infer<typeof referenceSchema> {
  if (!existsSync(referencePath)) {
    throw new Error(
      `tagger-speed: no committed reference at ${referencePath} (make one with --save-reference)`,
    );
  }
  const reference = referenceSchema.parse(JSON.parse(readFileSync(referencePath, "utf8")));
  if (reference.modelSha256 !== modelSha256) {
    throw new Error(
      `tagger-speed: the model ${relativeModel} (sha256 ${modelSha256}) is not the one the committed ` +
        `reference was made with (${reference.modelSha256}): retrain it with bench/skill-span-tagger.ts, or, ` +
        "if the model changed on purpose, run with --save-reference and commit bench/results/tagger-predictions.json",
    );
  }
  return reference;
}

/** Tokens per CPU second of one pass over the sentences. */
function timePass(tagger: Predictor, sentences: readonly string[][], tokens: number): number {
  const before = process.cpuUsage();
  for (const sentence of sentences) tagger.predict(sentence);
  return tokens / cpuSecondsSince(before);
}

function predictAll(tagger: Predictor, sentences: Record<string, string[][]>): string {
  const predictions: Record<string, Record<string, string[]>[]> = {};
  for (const split of splits) predictions[split] = (sentences[split] ?? []).map((s) => tagger.predict(s));
  return JSON.stringify(predictions);
}

/** Where two serialised prediction sets first differ, per split (for the failure message). */
function describeDifference(expected: string, actual: string): string {
  const parse = (text: string) => JSON.parse(text) as Record<string, unknown[]>;
  const [left, right] = [parse(expected), parse(actual)];
  return splits
    .map((split) => {
      const a = left[split] ?? [];
      const b = right[split] ?? [];
      const differing = a.filter((value, index) => JSON.stringify(value) !== JSON.stringify(b[index])).length;
      return `${split}: ${differing} of ${a.length} sentences differ`;
    })
    .join("; ");
}

export async function runTaggerSpeedBench(options: TaggerSpeedOptions = {}) {
  const log = options.log ?? console.log;
  const record = recordBench("tagger-speed", {
    measure:
      "CPU seconds (user + system) of this process per pass of model.predict over SkillSpan test, one thread, " +
      "after one untimed warm-up pass; the first version's passes alternate with these in the same process, " +
      "so both see the same machine load",
    writeResults: options.writeResults,
  });
  const folder = sharedPath("data", "skillspan", "json");
  if (folder === undefined) {
    log("tagger-speed: shared SkillSpan data not found, skipped");
    return undefined;
  }
  const modelPath = options.modelPath ?? defaultModelPath;
  if (!existsSync(modelPath)) {
    log(`tagger-speed: no model at ${modelPath} (bench/skill-span-tagger.ts makes it), skipped`);
    return undefined;
  }
  const modelSha256 = sha256(readFileSync(modelPath));
  const relativeModel = relative(repoRoot, modelPath);
  // Checked before the timing, so a wrong model fails at once rather than after a minute.
  const reference = options.saveReference ? undefined : readReference(modelSha256, relativeModel);
  const sentences = Object.fromEntries(
    splits.map((split) => [
      split,
      readSkillSpanJson(join(folder, `${split}.json`)).map((sentence) => sentence.tokens),
    ]),
  );
  const test = sentences.test ?? [];
  const tokens = test.reduce((total, sentence) => total + sentence.length, 0);
  const repetitions = options.repetitions ?? 11;

  const current = loadTagger(modelPath);
  const baselineCommit = options.baseline === undefined ? firstVersionCommit : options.baseline;
  const baseline =
    baselineCommit === false
      ? undefined
      : await taggerAtCommit(baselineCommit, {
          config: current.config,
          layers: [...current.layers],
          ...(current.clusters ? { clusters: current.clusters } : {}),
          ...(current.lexicon ? { lexicon: current.lexicon } : {}),
        });
  if (baselineCommit !== false && baseline === undefined) {
    log(`tagger-speed: cannot extract commit ${baselineCommit} with git; no comparison with it`);
  }
  try {
    const rates: number[] = [];
    const baselineRates: number[] = [];
    timePass(current, test, tokens);
    if (baseline) timePass(baseline.tagger, test, tokens);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      // Alternate which code goes first, so neither always runs just after the other.
      if (baseline && repetition % 2 === 1) baselineRates.push(timePass(baseline.tagger, test, tokens));
      rates.push(timePass(current, test, tokens));
      if (baseline && repetition % 2 === 0) baselineRates.push(timePass(baseline.tagger, test, tokens));
    }

    const serialised = predictAll(current, sentences);
    const predictionSha256 = sha256(serialised);
    const baselineSha256 = baseline ? sha256(predictAll(baseline.tagger, sentences)) : undefined;
    if (baselineSha256 !== undefined && baselineSha256 !== predictionSha256) {
      throw new Error(
        `tagger-speed: this code's predictions (sha256 ${predictionSha256}) differ from those of commit ` +
          `${baseline?.commit} (sha256 ${baselineSha256}) on the same model`,
      );
    }

    if (options.saveReference) {
      const paths = recordBench("tagger-predictions", {
        measure: "none (a hash of predictions, no timing)",
        writeResults: true,
      }).write({
        what: "SHA-256 of JSON.stringify({train, dev, test}) of model.predict(tokens) for every SkillSpan sentence",
        model: relativeModel,
        modelSha256,
        predictionSha256,
        sentences: Object.fromEntries(splits.map((split) => [split, sentences[split]?.length ?? 0])),
        ...(baseline ? { sameAsCommit: { commit: baseline.commit, predictionSha256: baselineSha256 } } : {}),
      });
      writeFileSync(localPredictionsPath, serialised);
      log(`tagger-speed: reference predictions saved (${paths.join(", ")}, ${localPredictionsPath})`);
    }
    const committed = reference ?? readReference(modelSha256, relativeModel);
    if (committed.predictionSha256 !== predictionSha256) {
      const where = existsSync(localPredictionsPath)
        ? ` (${describeDifference(readFileSync(localPredictionsPath, "utf8"), serialised)})`
        : "";
      throw new Error(
        `tagger-speed: PREDICTIONS CHANGED: sha256 ${predictionSha256}, committed reference ` +
          `${committed.predictionSha256}${where}`,
      );
    }

    const ratios = baselineRates.map((rate, index) => (rates[index] ?? Number.NaN) / rate);
    const round = Math.round;
    const result = {
      benchmark:
        "span tagger prediction speed, both layers with span-edge rankers, SkillSpan test, one thread; " +
        "predictions on train, dev and test hashed and checked",
      date: new Date().toISOString().slice(0, 10),
      settings: { model: relativeModel, repetitions, warmUpPasses: 1 },
      tokens,
      sentences: test.length,
      tokensPerCpuSecond: rates.map(round),
      medianTokensPerCpuSecond: round(median(rates)),
      bestTokensPerCpuSecond: round(Math.max(...rates)),
      predictions: {
        modelSha256,
        predictionSha256,
        committedReference: relative(repoRoot, referencePath),
        matchesCommittedReference: true,
      },
      ...(baseline
        ? {
            firstVersion: {
              commit: baseline.commit,
              tokensPerCpuSecond: baselineRates.map(round),
              medianTokensPerCpuSecond: round(median(baselineRates)),
              /** This code's rate over the first version's, pass by pass (same model, same process). */
              speedRatios: ratios.map((ratio) => Math.round(ratio * 100) / 100),
              speedRatioMin: Math.min(...ratios),
              speedRatioMax: Math.max(...ratios),
              speedRatioMedian: median(ratios),
              predictionSha256: baselineSha256,
              identicalPredictions: baselineSha256 === predictionSha256,
            },
          }
        : {}),
    };
    log(
      `tagger-speed: ${result.medianTokensPerCpuSecond.toLocaleString("en")} tokens per CPU second (median of ` +
        `${repetitions} passes over ${tokens.toLocaleString("en")} test tokens; passes ${result.tokensPerCpuSecond.join(", ")})`,
    );
    if (result.firstVersion) {
      log(
        `  first version (${result.firstVersion.commit.slice(0, 7)}): median ${result.firstVersion.medianTokensPerCpuSecond.toLocaleString("en")}; ` +
          `ratio per pass ${result.firstVersion.speedRatios.join(", ")}; identical predictions: ${result.firstVersion.identicalPredictions}`,
      );
    }
    log(`  predictions sha256 ${predictionSha256}: equal to the committed reference`);
    log(`  written to ${record.write(result).join(", ")}`);
    return result;
  } finally {
    baseline?.cleanUp();
  }
}

if (invokedDirectly(import.meta.url)) {
  const argument = (name: string): string | undefined => {
    const index = process.argv.indexOf(name);
    return index < 0 ? undefined : process.argv[index + 1];
  };
  const repetitions = argument("--repetitions");
  try {
    await runTaggerSpeedBench({
      modelPath: argument("--model"),
      repetitions: repetitions === undefined ? undefined : Number(repetitions),
      baseline: process.argv.includes("--no-baseline") ? false : argument("--baseline"),
      saveReference: process.argv.includes("--save-reference"),
      writeResults: process.argv.includes("--write-results"),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
