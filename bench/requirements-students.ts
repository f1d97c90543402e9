/**
 * The requirement students on the hand-written demo corpus (40 adverts, ten categories):
 *  - held-out quality by k-fold cross-validation over adverts (each fold: train on the rest, with
 *    a few adverts as dev; test on the fold): span strict/loose micro F1 of the tagger alone and of
 *    the highlights, segment micro F1 of the classifier;
 *  - training time per fold, highlight speed (adverts/minute, characters/s, one thread), model size.
 * The corpus is tiny, so the F1 figures are rough; their spread over folds is printed beside them.
 * Speeds are CPU time of this process. Run: `node bin/run-ts.js bench/requirements-students.ts [--quick]
 * [--write-results]`; writes bench/out/requirements-students.json, and with --write-results
 * bench/results/requirements-students.json.
 */
import { htmlToText } from "../src/align/html-to-text.ts";
import { evaluateOnDocuments } from "../src/evaluate/students/index.ts";
import {
  highlightRequirements,
  type LabelledDocument,
  requirementsStudentDefaults,
  tokenisedSegments,
  trainingDataFromDocuments,
  trainRequirementStudents,
} from "../src/student/requirements/index.ts";
import { encodeSegmentClassifier, SegmentClassifier } from "../src/student/segment-classifier/index.ts";
import { overrideSpanStudentSettings } from "../src/student/span-student-settings.ts";
import { serialiseTagger } from "../src/student/tagger/index.ts";
import { demoGoldSpans, loadDemoCorpus } from "../src/tasks/requirements/demo-corpus.ts";
import { requirementCategoryIds } from "../src/tasks/requirements/labels.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export interface RequirementStudentsBenchOptions {
  /** Folds of the cross-validation (default 5; `quick`: 2). */
  folds?: number;
  /** Fewer folds and timing rounds. */
  quick?: boolean;
  seed?: number;
  /** Write the JSON figures: bench/out/requirements-students.json, and "results" bench/results too. @default "out" */
  write?: "out" | "results" | false;
  log?: (line: string) => void;
}

interface FoldFigures {
  testAdverts: number;
  trainMs: number;
  taggerStrictF1: number;
  taggerLooseF1: number;
  highlightStrictF1: number;
  highlightLooseF1: number;
  segmentMicroF1: number;
}

export interface RequirementStudentsBenchResult {
  adverts: number;
  settings: { folds: number; seed: number; devEvery: number; timingRounds: number };
  folds: FoldFigures[];
  mean: Omit<FoldFigures, "testAdverts">;
  spread: { highlightLooseF1: [number, number]; segmentMicroF1: [number, number] };
  speed: { advertsPerMinute: number; charactersPerSecond: number; meanAdvertChars: number };
  modelBytes: { tagger: number; segmentClassifier: number };
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

export async function runRequirementStudentsBench(
  options: RequirementStudentsBenchOptions = {},
): Promise<RequirementStudentsBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const folds = options.folds ?? (options.quick ? 2 : 5);
  const seed = options.seed ?? requirementsStudentDefaults.seed;
  const record = recordBench("requirements-students", {
    measure:
      "training and highlight speed in CPU seconds (user + system) of this process, one thread; F1 from the " +
      "folds' test adverts (no timing)",
    quick: folds !== 5 || Boolean(options.quick),
    writeResults: options.write === "results",
  });
  const reduce = (html: string): string => htmlToText(html).text;
  const documents: LabelledDocument[] = loadDemoCorpus().map((advert) => ({
    id: advert.id,
    text: advert.format === "html" ? reduce(advert.text) : advert.text,
    spans: demoGoldSpans(advert, advert.format === "html" ? reduce : undefined),
  }));
  const layers = [...requirementCategoryIds];
  // As `jobdistill train` does: word clusters from every advert's text, labels unseen.
  const unlabelledSentences = documents.flatMap((document) =>
    tokenisedSegments(document.text).map((segment) => segment.tokens.map((token) => token.text)),
  );
  const figures: FoldFigures[] = [];
  const devEvery = 8;
  // The settings `train --task requirements` uses; the bench changes only the seed.
  const settings = overrideSpanStudentSettings(requirementsStudentDefaults, { seed });
  let lastStudents: ReturnType<typeof trainRequirementStudents> | undefined;
  for (let fold = 0; fold < folds; fold++) {
    const test = documents.filter((_, index) => index % folds === fold);
    const rest = documents.filter((_, index) => index % folds !== fold);
    const dev = rest.filter((_, index) => index % devEvery === 0);
    const train = rest.filter((_, index) => index % devEvery !== 0);
    const data = trainingDataFromDocuments(
      { train, dev, test },
      { task: "requirements", layers, labels: layers },
    );
    const cpuBefore = process.cpuUsage();
    const students = trainRequirementStudents(data, { settings, unlabelledSentences });
    const cpu = process.cpuUsage(cpuBefore);
    const trainMs = (cpu.user + cpu.system) / 1000;
    const evaluation = await evaluateOnDocuments(students, test, layers);
    figures.push({
      testAdverts: test.length,
      trainMs,
      taggerStrictF1: evaluation.spans.tagger.strict.micro.f1,
      taggerLooseF1: evaluation.spans.tagger.loose.micro.f1,
      highlightStrictF1: evaluation.spans.highlight?.strict.micro.f1 ?? 0,
      highlightLooseF1: evaluation.spans.highlight?.loose.micro.f1 ?? 0,
      segmentMicroF1: evaluation.segments?.micro.f1 ?? 0,
    });
    log(
      `fold ${fold + 1}/${folds}: ${test.length} test adverts, trained in ${(trainMs / 1000).toFixed(1)} s CPU, highlight loose F1 ${(100 * (figures.at(-1)?.highlightLooseF1 ?? 0)).toFixed(1)}`,
    );
    lastStudents = students;
  }
  const students = lastStudents as ReturnType<typeof trainRequirementStudents>;

  const rounds = options.quick ? 3 : 10;
  for (const document of documents) await highlightRequirements(students, { text: document.text });
  // CPU time of this process: other work on the machine does not slow the figure down.
  const cpuBefore = process.cpuUsage();
  let characters = 0;
  for (let round = 0; round < rounds; round++) {
    for (const document of documents) {
      await highlightRequirements(students, { text: document.text });
      characters += document.text.length;
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (cpu.user + cpu.system) / 1e6;
  const adverts = rounds * documents.length;

  const pick = (key: keyof Omit<FoldFigures, "testAdverts">): number =>
    mean(figures.map((fold) => fold[key]));
  const range = (key: keyof FoldFigures): [number, number] => [
    Math.min(...figures.map((fold) => fold[key])),
    Math.max(...figures.map((fold) => fold[key])),
  ];
  const result: RequirementStudentsBenchResult = {
    adverts: documents.length,
    settings: { folds, seed, devEvery, timingRounds: rounds },
    folds: figures,
    mean: {
      trainMs: pick("trainMs"),
      taggerStrictF1: pick("taggerStrictF1"),
      taggerLooseF1: pick("taggerLooseF1"),
      highlightStrictF1: pick("highlightStrictF1"),
      highlightLooseF1: pick("highlightLooseF1"),
      segmentMicroF1: pick("segmentMicroF1"),
    },
    spread: { highlightLooseF1: range("highlightLooseF1"), segmentMicroF1: range("segmentMicroF1") },
    speed: {
      advertsPerMinute: (adverts / seconds) * 60,
      charactersPerSecond: characters / seconds,
      meanAdvertChars: characters / adverts,
    },
    modelBytes: {
      tagger: serialiseTagger(students.tagger).length,
      segmentClassifier:
        students.segmentClassifier instanceof SegmentClassifier
          ? encodeSegmentClassifier(students.segmentClassifier).length
          : 0,
    },
  };
  const percent = (value: number): string => (100 * value).toFixed(1);
  log(
    `Requirement students, demo corpus (${documents.length} adverts, ${folds}-fold cross-validation, seed ${seed})`,
  );
  log(
    `  tagger spans      strict F1 ${percent(result.mean.taggerStrictF1)}  loose F1 ${percent(result.mean.taggerLooseF1)}`,
  );
  log(
    `  highlights        strict F1 ${percent(result.mean.highlightStrictF1)}  loose F1 ${percent(result.mean.highlightLooseF1)} (folds ${result.spread.highlightLooseF1.map(percent).join("–")})`,
  );
  log(
    `  segments          micro F1 ${percent(result.mean.segmentMicroF1)} (folds ${result.spread.segmentMicroF1.map(percent).join("–")})`,
  );
  log(
    `  training          ${(result.mean.trainMs / 1000).toFixed(1)} s CPU per fold (tagger, 10 layers, + classifier)`,
  );
  log(
    `  highlight speed   ${Math.round(result.speed.advertsPerMinute).toLocaleString("en")} adverts/min, ${Math.round(result.speed.charactersPerSecond).toLocaleString("en")} chars/s (one thread, ${Math.round(result.speed.meanAdvertChars)} chars/advert)`,
  );
  log(
    `  model files       tagger ${(result.modelBytes.tagger / 1e6).toFixed(1)} MB, segment classifier ${(result.modelBytes.segmentClassifier / 1e6).toFixed(1)} MB`,
  );
  if (options.write !== false) log(`  written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  await runRequirementStudentsBench({
    quick: process.argv.includes("--quick"),
    write: process.argv.includes("--write-results") ? "results" : "out",
  });
}
