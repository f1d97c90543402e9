/**
 * SkillSpan span-tagger benchmark: the commands the README documents, run through the same
 * workflows in a scratch workspace (`gold import --format skillspan` of train, dev and test, `train
 * --task skills --source skillspan` with the skills student's defaults, `eval --task skills --against
 * skillspan` on the published protocol): train on train, settings chosen on dev (early stopping on
 * dev strict F1), test scored once, strict and loose, beside published figures. Also training time,
 * single-thread tagging speed, memory and model size.
 *
 *   node bin/run-ts.js bench/skill-span-tagger.ts [--write-results]
 *
 * Writes bench/out/skill-span-tagger.json (and the model, skill-span-tagger.jdt, which
 * bench/tagger-speed.ts times); with --write-results also bench/results/skill-span-tagger.json.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedPath } from "../src/core/shared-data.ts";
import { importSkillSpanGold, readSkillSpanSplits } from "../src/dataset/gold/index.ts";
import type { ReferenceResult } from "../src/evaluate/students/index.ts";
import { openWorkspace, type Workspace } from "../src/store/index.ts";
import { skillsRegressionEpochs } from "../src/student/skills/index.ts";
import type { SpanStudentOverrides } from "../src/student/span-student-settings.ts";
import { loadTagger } from "../src/student/tagger/index.ts";
import {
  evaluate,
  train,
  type WorkspaceTrainingOptions,
  type WorkspaceTrainingResult,
} from "../src/workflows/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const benchFolder = dirname(fileURLToPath(import.meta.url));

/** The overrides of the short form the regression test retrains (fewer epochs, same settings otherwise). */
export const skillSpanRegressionOverrides: SpanStudentOverrides = {
  epochs: skillsRegressionEpochs,
  patience: skillsRegressionEpochs,
};

/** Published SkillSpan test span F1 (skill / knowledge), strict unless said otherwise. */
export const publishedSkillSpan = [
  { system: "JobSpanBERT (Zhang et al. 2022)", skill: 56.3, knowledge: 61.9 },
  { system: "LoRA LLaMA-3-8B", skill: 54.3, knowledge: 74.2 },
  { system: "GLiNER fine-tuned (166M)", skill: 49.6, knowledge: 65.5 },
  {
    system: "second-order averaged perceptron + Viterbi",
    skill: undefined,
    knowledge: 52.9,
    knowledgeLoose: 71.8,
  },
  {
    system: "token LinearSVC with tag history",
    skill: 27.1,
    knowledge: 52.2,
    skillLoose: 55.8,
    knowledgeLoose: 67.6,
  },
] as const;

/** SkillSpan's three JSON files in the shared folder, or undefined when they are not there. */
export function skillSpanFiles(): string[] | undefined {
  const paths = ["train", "dev", "test"].map((split) =>
    sharedPath("data", "skillspan", "json", `${split}.json`),
  );
  return paths.every((path) => path !== undefined) ? (paths as string[]) : undefined;
}

/**
 * What `jobdistill gold import --format skillspan FILES…` and then `jobdistill train --task skills
 * --source skillspan` do, in the given workspace: the one path the bench, the regression test and
 * the CLI share.
 */
export async function trainSkillSpanTagger(
  workspace: Workspace,
  files: readonly string[],
  overrides: Omit<WorkspaceTrainingOptions, "task" | "source" | "dataset"> = {},
): Promise<WorkspaceTrainingResult> {
  if (!workspace.annotations.sources("skills").some((source) => source.name === "skillspan")) {
    importSkillSpanGold(workspace, files);
  }
  return train(workspace, { task: "skills", source: "skillspan", ...overrides });
}

const percent = (value: number): number => Math.round(value * 1000) / 10;

/** Strict and loose P/R/F1 (in percent) per layer from `jobdistill eval --task skills --against skillspan`'s first line. */
export function layerScores(result: ReferenceResult) {
  const { strict, loose } = result.spans.tagger;
  const pick = (rows: typeof strict.rows, layer: string) => {
    const row = rows.find((entry) => entry.label === layer);
    return {
      precision: percent(row?.precision ?? 0),
      recall: percent(row?.recall ?? 0),
      f1: percent(row?.f1 ?? 0),
      gold: row?.support ?? 0,
      predicted: row?.predicted ?? 0,
    };
  };
  return Object.fromEntries(
    ["skill", "knowledge"].map((layer) => {
      const { gold, predicted, ...strictFigures } = pick(strict.rows, layer);
      const { gold: _gold, predicted: _predicted, ...looseFigures } = pick(loose.rows, layer);
      return [layer, { strict: strictFigures, loose: looseFigures, gold, predicted }];
    }),
  ) as Record<
    "skill" | "knowledge",
    {
      strict: { precision: number; recall: number; f1: number };
      loose: { precision: number; recall: number; f1: number };
      gold: number;
      predicted: number;
    }
  >;
}

/** `jobdistill eval --task skills --against skillspan [--model NAME]`: the published protocol's line. */
export async function evaluateSkillSpanTagger(workspace: Workspace, name?: string) {
  const evaluation = await evaluate(workspace, {
    task: "skills",
    against: "skillspan",
    split: "test",
    out: join(workspace.dir, "reports", `eval-${name ?? "skills"}`),
    name,
  });
  const [published] = evaluation.report.results;
  if (!published) throw new Error("the evaluation returned no results");
  return { evaluation, scores: layerScores(published) };
}

export interface SkillSpanTaggerBenchOptions {
  /** Write bench/results/skill-span-tagger.json (the committed figures). */
  writeResults?: boolean;
  log?: (line: string) => void;
}

export async function runSkillSpanTaggerBench(options: SkillSpanTaggerBenchOptions = {}) {
  const log = options.log ?? console.log;
  const record = recordBench("skill-span-tagger", {
    measure:
      "training (the train workflow: reading SkillSpan's splits from the workspace, training, saving) and " +
      "tagging timed in CPU seconds of this process (user + system, JavaScript on one thread; " +
      "garbage-collector threads count too) and in wall seconds beside them; model load in CPU ms right after " +
      "saving; the machine was shared, so wall figures depend on the load average",
    writeResults: options.writeResults,
  });
  const files = skillSpanFiles();
  if (!files) {
    log("skipped: skill-span-tagger (needs ../shared/data/skillspan/json; set JOBDISTILL_SHARED)");
    return undefined;
  }
  // A scratch workspace: the bench runs the commands the README documents, through the same workflows.
  const workspaceDir = mkdtempSync(join(tmpdir(), "jobdistill-skill-span-bench-"));
  const workspace = openWorkspace(workspaceDir);
  try {
    importSkillSpanGold(workspace, files);
    const trace: string[] = [];
    // CPU time as well as wall time: the machine may be shared, and CPU time is what one thread costs.
    const cpuSeconds = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1e6;
    };
    const trainingCpu = process.cpuUsage();
    const started = performance.now();
    const trained = await trainSkillSpanTagger(workspace, files, {
      onProgress: (progress) =>
        trace.push(`${progress.layer} ${progress.epoch}: ${percent(progress.devScore)}`),
    });
    const trainingSeconds = (performance.now() - started) / 1000;
    const trainingCpuSeconds = cpuSeconds(trainingCpu);
    const memoryAfterTraining = process.memoryUsage();

    const outFolder = join(benchFolder, "out");
    mkdirSync(outFolder, { recursive: true });
    const modelPath = join(outFolder, "skill-span-tagger.jdt");
    copyFileSync(trained.files[0] as string, modelPath);
    const loadStarted = performance.now();
    const loadCpu = process.cpuUsage();
    const loaded = loadTagger(modelPath);
    const loadCpuMilliseconds = cpuSeconds(loadCpu) * 1000;
    const loadMilliseconds = performance.now() - loadStarted;

    const { scores } = await evaluateSkillSpanTagger(workspace);
    // Tagging speed on one thread: all test sentences, both layers, repeated to run about three seconds.
    const test = readSkillSpanSplits(workspace).test.map((sentence) =>
      sentence.tokens.map((token) => token.text),
    );
    const testTokens = test.reduce((sum, tokens) => sum + tokens.length, 0);
    for (const tokens of test.slice(0, 200)) loaded.predict(tokens);
    let rounds = 0;
    let peakRss = 0;
    const speedCpu = process.cpuUsage();
    const speedStarted = performance.now();
    while (performance.now() - speedStarted < 3000) {
      for (const tokens of test) loaded.predict(tokens);
      rounds++;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const tokensPerSecond = (rounds * testTokens) / ((performance.now() - speedStarted) / 1000);
    const tokensPerCpuSecond = (rounds * testTokens) / cpuSeconds(speedCpu);

    const layers = Object.fromEntries(
      loaded.layers.map((layer) => [
        layer.name,
        {
          bestEpoch: layer.bestEpoch,
          devStrictF1: percent(layer.devF1 ?? 0),
          test: scores[layer.name as "skill" | "knowledge"],
        },
      ]),
    );
    // The short form that src/student/tagger/skill-span-regression.test.ts retrains.
    const regressionStarted = performance.now();
    await trainSkillSpanTagger(workspace, files, { ...skillSpanRegressionOverrides, name: "skills-short" });
    const regressionTrainingSeconds = Math.round((performance.now() - regressionStarted) / 100) / 10;
    const regressionScores = (await evaluateSkillSpanTagger(workspace, "skills-short")).scores;
    const regression = {
      overrides: skillSpanRegressionOverrides,
      trainingSeconds: regressionTrainingSeconds,
      testStrictF1: {
        skill: regressionScores.skill.strict.f1,
        knowledge: regressionScores.knowledge.strict.f1,
      },
      testLooseF1: { skill: regressionScores.skill.loose.f1, knowledge: regressionScores.knowledge.loose.f1 },
    };
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    const results = {
      benchmark:
        "SkillSpan test, span F1 per layer (train on train, epochs chosen on dev, test scored once; " +
        "`jobdistill train --task skills --source skillspan` then `jobdistill eval --task skills --against skillspan`)",
      date: new Date().toISOString().slice(0, 10),
      settings: trained.settings,
      defaults: "src/student/skills/definition.ts (skillsStudentDefaults)",
      layers,
      published: publishedSkillSpan,
      trainingSeconds: Math.round(trainingSeconds * 10) / 10,
      trainingCpuSeconds: Math.round(trainingCpuSeconds * 10) / 10,
      tokensPerCpuSecondOneThread: Math.round(tokensPerCpuSecond),
      tokensPerWallSecondOneThread: Math.round(tokensPerSecond),
      loadAverageDuringBench: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      modelFileMB: mb(statSync(modelPath).size),
      loadMilliseconds: Math.round(loadMilliseconds),
      loadCpuMilliseconds: Math.round(loadCpuMilliseconds),
      memoryMB: {
        rssAfterTraining: mb(memoryAfterTraining.rss),
        heapUsedAfterTraining: mb(memoryAfterTraining.heapUsed),
        peakRssDuringPrediction: mb(peakRss),
      },
      regression,
      devTrace: trace,
    };

    log("SkillSpan test, span P / R / F1 (%), strict and loose");
    for (const [name, layer] of Object.entries(layers)) {
      const { strict, loose } = layer.test;
      log(
        `  ${name.padEnd(10)} strict ${strict.precision} / ${strict.recall} / ${strict.f1}   loose ${loose.precision} / ${loose.recall} / ${loose.f1}   (dev strict F1 ${layer.devStrictF1}, epoch ${layer.bestEpoch})`,
      );
    }
    log("published test span F1 (skill / knowledge):");
    for (const row of publishedSkillSpan) log(`  ${row.system}: ${row.skill ?? "–"} / ${row.knowledge}`);
    const skill = layers.skill?.test.strict.f1 ?? 0;
    const knowledge = layers.knowledge?.test.strict.f1 ?? 0;
    log(
      `ratios to JobSpanBERT (strict F1): skill ${(skill / 56.3).toFixed(2)}, knowledge ${(knowledge / 61.9).toFixed(2)}; to the linear floor: skill ${(skill / 27.1).toFixed(2)}, knowledge ${(knowledge / 52.9).toFixed(2)}`,
    );
    log(
      `training ${results.trainingSeconds} s wall, ${results.trainingCpuSeconds} s CPU; tagging ${results.tokensPerCpuSecondOneThread} tokens per CPU second (${results.tokensPerWallSecondOneThread} per wall second, load average ${results.loadAverageDuringBench}; one thread, both layers); model ${results.modelFileMB} MB, loads in ${results.loadMilliseconds} ms (${results.loadCpuMilliseconds} ms CPU); RSS after training ${results.memoryMB.rssAfterTraining} MB, heap ${results.memoryMB.heapUsedAfterTraining} MB, peak RSS while tagging ${results.memoryMB.peakRssDuringPrediction} MB`,
    );
    log(
      `regression short form (${skillsRegressionEpochs} epochs): ${regression.trainingSeconds} s, test strict F1 skill ${regression.testStrictF1.skill}, knowledge ${regression.testStrictF1.knowledge}; loose skill ${regression.testLooseF1.skill}, knowledge ${regression.testLooseF1.knowledge}`,
    );
    log(`written to ${record.write(results).join(", ")}`);
    return results;
  } finally {
    workspace.close();
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  await runSkillSpanTaggerBench({ writeResults: process.argv.includes("--write-results") });
}
