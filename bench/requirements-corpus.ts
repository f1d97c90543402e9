/**
 * The requirement students on the real-advert corpus (corpus/requirements.jsonl: SkillSpan's 263
 * postings annotated by hand in the ten categories), beside two references:
 *  - the students trained on the corpus's train postings (dev postings for early stopping), as
 *    `jobdistill train --task requirements --source requirements-corpus` trains them;
 *  - the same with the segment classifier over the offline sentence encoder use-lite, on its
 *    embeddings alone and combined with the lexical features (`train … --encoder use-lite
 *    --encoder-features embedding|combined`);
 *  - the same students trained on the 40 hand-written demo adverts (what `demo` trained before);
 *  - a rules-and-keywords baseline (src/evaluate/baselines/keyword-requirements.ts) whose gazetteer
 *    comes from the corpus's train postings.
 * Each is scored on dev (printed, to choose settings by) and on test once: highlight span strict and
 * loose F1 per category with its support, micro and macro, and segment-level micro F1. Then the
 * corpus students' training CPU time and prediction speed on the test postings (documents/s, one
 * thread, CPU time of this process).
 *
 * Settings: the student definition's defaults, unchanged; no setting was chosen on test.
 * Run: `node bin/run-ts.js bench/requirements-corpus.ts [--dev-only] [--write-results]` (--dev-only
 * scores dev alone, to choose settings by, and writes nothing); writes
 * bench/out/requirements-corpus.json, and with --write-results bench/results/requirements-corpus.json.
 */
import { htmlToText } from "../src/align/html-to-text.ts";
import { corpusGoldSpans, loadRequirementsCorpus } from "../src/dataset/gold/requirements-corpus.ts";
import { createEncoder, type SentenceEncoder } from "../src/encoders/index.ts";
import { fitKeywordBaseline, keywordBaselineSpans } from "../src/evaluate/baselines/keyword-requirements.ts";
import {
  type EvaluationDocument,
  evaluateOnDocuments,
  evaluatePredictedSpans,
  type ScoreTable,
} from "../src/evaluate/students/index.ts";
import { EncoderSegmentClassifier } from "../src/student/encoder-segments/index.ts";
import {
  highlightRequirements,
  type LabelledDocument,
  type RequirementStudents,
  requirementsStudentDefaults,
  tokenisedSegments,
  trainingDataFromDocuments,
  trainRequirementStudents,
} from "../src/student/requirements/index.ts";
import { overrideSpanStudentSettings } from "../src/student/span-student-settings.ts";
import { demoGoldSpans, loadDemoCorpus } from "../src/tasks/requirements/demo-corpus.ts";
import { requirementCategoryIds } from "../src/tasks/requirements/labels.ts";
import { embedSegmentTexts } from "../src/workflows/segment-embeddings.ts";
import { fileCachedEncoder } from "./embedding-file-cache.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

/**
 * How many times the corpus's test split has been scored, this bench's run included. Raise it by
 * one, in the same commit, each time a changed design is scored on test. 1: session 3, the CLI's
 * `eval --against gold` on the first corpus students (highlight strict/loose 45.3/70.8). 2: session 6,
 * this bench with the use-lite rows (chosen on dev: combined features 73.6 loose micro F1 against the
 * lexical 70.9; embeddings alone 69.2). 3: session 7, bench/active-learning.ts scores every round's
 * student of its simulation on test (a fixed design: the defaults and the demo's passes, nothing chosen
 * on test; its --dev form scores dev instead). 4: session 8, bench/active-learning.ts again, its curve
 * run to the whole pool and its settings chosen on dev first (bench/active-learning-dev.ts), scored on
 * test once. `demo` also prints its students' test figure on every run, a
 * fixed design that no setting is chosen by.
 */
export const CORPUS_TEST_LOOKS = 4;

interface SystemFigures {
  /** Highlight spans (what the page shows): per category, micro and macro. */
  strict: ScoreTable;
  loose: ScoreTable;
  segmentMicroF1: number;
}

export interface RequirementsCorpusBenchResult {
  postings: { train: number; dev: number; test: number; demoAdverts: number };
  testLooks: number;
  seed: number;
  dev: Record<SystemName, SystemFigures>;
  test: Record<SystemName, SystemFigures>;
  corpusStudents: { trainingCpuSeconds: number; documentsPerSecond: number; meanDocumentChars: number };
  /**
   * The corpus students with the segment classifier over the encoder's embeddings: training CPU time
   * includes embedding only where bench/out/embeddings did not hold the vectors yet.
   */
  encoderStudents: { encoder: string; trainingCpuSeconds: number; documentsPerSecond: number };
  interAnnotatorLooseF1: number;
}

type SystemName = "corpus" | "encoder" | "combined" | "demo" | "keywords";

/** The offline sentence encoder under the encoder-backed segment classifiers. */
const encoderId = "use-lite";

const labels = [...requirementCategoryIds];

async function figuresOfStudents(
  students: RequirementStudents,
  documents: readonly EvaluationDocument[],
): Promise<SystemFigures> {
  const evaluation = await evaluateOnDocuments(students, documents, labels);
  const highlight = evaluation.spans.highlight ?? evaluation.spans.tagger;
  return {
    strict: highlight.strict,
    loose: highlight.loose,
    segmentMicroF1: evaluation.segments?.micro.f1 ?? 0,
  };
}

async function train(
  documents: { train: LabelledDocument[]; dev: LabelledDocument[] },
  unlabelled: string[][],
  seed: number,
  /** An encoder-backed segment classifier over this encoder (as `train --encoder use-lite --encoder-features …`). */
  withEncoder?: {
    encoder: SentenceEncoder;
    features: "embedding" | "combined";
    onProgress: (progress: { done: number; total: number }) => void;
  },
) {
  const data = trainingDataFromDocuments(
    { train: documents.train, dev: documents.dev, test: [] },
    { task: "requirements", layers: labels, labels },
  );
  // The settings `train --task requirements` uses; the bench changes only the seed (and the encoder).
  const settings = overrideSpanStudentSettings(requirementsStudentDefaults, {
    seed,
    ...(withEncoder ? { encoder: encoderId, encoderFeatures: withEncoder.features } : {}),
  });
  if (!withEncoder) return trainRequirementStudents(data, { settings, unlabelledSentences: unlabelled });
  const segmentEmbeddings = await embedSegmentTexts(
    encoderId,
    [...data.splits.train.segments, ...data.splits.dev.segments].map((segment) => segment.text),
    { encoder: withEncoder.encoder, onProgress: withEncoder.onProgress },
  );
  const trained = trainRequirementStudents(data, {
    settings,
    unlabelledSentences: unlabelled,
    segmentEmbeddings,
  });
  if (trained.segmentClassifier instanceof EncoderSegmentClassifier)
    trained.segmentClassifier.attach(withEncoder.encoder);
  return trained;
}

const percent = (value: number): string => (100 * value).toFixed(1).padStart(5);
const systems: [SystemName, string][] = [
  ["corpus", "corpus students"],
  ["encoder", "+ use-lite"],
  ["combined", "+ use-lite comb."],
  ["demo", "demo-trained"],
  ["keywords", "keyword rules"],
];

function printFigures(
  log: (line: string) => void,
  splitName: "dev" | "test",
  postings: number,
  figures: Record<SystemName, SystemFigures>,
): void {
  log("");
  log(
    `${splitName} postings (${splitName === "dev" ? postings : `${postings}, test split scored ${CORPUS_TEST_LOOKS} times in all`}): highlight span F1 strict / loose per category`,
  );
  log(`  ${"category".padEnd(17)} support  ${systems.map(([, name]) => name.padStart(17)).join("")}`);
  for (const [index, label] of labels.entries()) {
    const support = figures.corpus.strict.rows[index]?.support ?? 0;
    const cells = systems.map(([system]) => {
      const strict = figures[system].strict.rows[index]?.f1 ?? 0;
      const loose = figures[system].loose.rows[index]?.f1 ?? 0;
      return `${percent(strict)} / ${percent(loose)}`.padStart(17);
    });
    log(`  ${label.padEnd(17)} ${String(support).padStart(7)}  ${cells.join("")}`);
  }
  const line = (name: string, pick: (system: SystemFigures) => string): void =>
    log(`  ${name.padEnd(25)} ${systems.map(([system]) => pick(figures[system]).padStart(17)).join("")}`);
  line("micro", (system) => `${percent(system.strict.micro.f1)} / ${percent(system.loose.micro.f1)}`);
  line("macro", (system) => `${percent(system.strict.macro.f1)} / ${percent(system.loose.macro.f1)}`);
  line("segment micro F1", (system) => percent(system.segmentMicroF1));
}

export async function runRequirementsCorpusBench(
  options: {
    seed?: number;
    /** Score dev only (to choose settings) and leave test unseen: nothing is written. */
    devOnly?: boolean;
    write?: "out" | "results" | false;
    log?: (line: string) => void;
  } = {},
): Promise<RequirementsCorpusBenchResult | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? 1;
  const record = recordBench("requirements-corpus", {
    measure:
      "training and prediction in CPU seconds (user + system) of this process, one thread; F1 from the corpus's dev and test postings",
    writeResults: options.write === "results",
  });
  const postings = loadRequirementsCorpus();
  const split = (name: string): LabelledDocument[] =>
    postings
      .filter((posting) => posting.split === name)
      .map((posting) => ({ id: posting.id, text: posting.text, spans: corpusGoldSpans(posting) }));
  const corpus = { train: split("train"), dev: split("dev"), test: split("test") };
  // As `jobdistill train` does: word clusters from every document's text in the workspace, labels unseen.
  const unlabelled = postings.flatMap((posting) =>
    tokenisedSegments(posting.text).map((segment) => segment.tokens.map((token) => token.text)),
  );

  log(`training the corpus students on ${corpus.train.length} postings (dev ${corpus.dev.length}) …`);
  const cpuBefore = process.cpuUsage();
  const corpusStudents = await train(corpus, unlabelled, seed);
  const trainingCpu = process.cpuUsage(cpuBefore);
  // The same students with the segment classifier over the offline sentence encoder: its embeddings
  // alone, and combined with the lexical features (the tagger is the same in all three).
  // Vectors kept under bench/out/embeddings, so a rerun embeds only what it has not seen (the
  // prediction-speed figures below embed afresh: they time the encoder itself).
  const liveEncoder = await createEncoder(encoderId);
  const encoder = fileCachedEncoder(liveEncoder);
  const onProgress = ({ done, total }: { done: number; total: number }): void => {
    if (done === total || done % 1024 === 0) log(`  embedding segment texts: ${done}/${total}`);
  };
  log(`training the corpus students over ${encoderId} (embeddings, then combined features) …`);
  const encoderCpuBefore = process.cpuUsage();
  const encoderStudents = await train(corpus, unlabelled, seed, {
    encoder,
    features: "embedding",
    onProgress,
  });
  const encoderTrainingCpu = process.cpuUsage(encoderCpuBefore);
  const combinedStudents = await train(corpus, unlabelled, seed, {
    encoder,
    features: "combined",
    onProgress,
  });

  const reduce = (html: string): string => htmlToText(html).text;
  const demoAdverts: LabelledDocument[] = loadDemoCorpus().map((advert) => ({
    id: advert.id,
    text: advert.format === "html" ? reduce(advert.text) : advert.text,
    spans: demoGoldSpans(advert, advert.format === "html" ? reduce : undefined),
  }));
  log(`training the demo students on ${demoAdverts.length} hand-written adverts …`);
  const demoUnlabelled = demoAdverts.flatMap((document) =>
    tokenisedSegments(document.text).map((segment) => segment.tokens.map((token) => token.text)),
  );
  const demoStudents = await train(
    {
      train: demoAdverts.filter((_, index) => index % 8 !== 0),
      dev: demoAdverts.filter((_, index) => index % 8 === 0),
    },
    demoUnlabelled,
    seed,
  );
  const keywords = fitKeywordBaseline(corpus.train);

  const score = async (documents: LabelledDocument[]): Promise<Record<SystemName, SystemFigures>> => {
    const baseline = evaluatePredictedSpans(
      documents,
      documents.map((document) => keywordBaselineSpans(keywords, document.text)),
      labels,
    );
    return {
      corpus: await figuresOfStudents(corpusStudents, documents),
      encoder: await figuresOfStudents(encoderStudents, documents),
      combined: await figuresOfStudents(combinedStudents, documents),
      demo: await figuresOfStudents(demoStudents, documents),
      keywords: {
        strict: baseline.spans.strict,
        loose: baseline.spans.loose,
        segmentMicroF1: baseline.segments.micro.f1,
      },
    };
  };
  const dev = await score(corpus.dev);
  if (options.devOnly) {
    await liveEncoder.close();
    printFigures(log, "dev", corpus.dev.length, dev);
    return undefined;
  }
  const test = await score(corpus.test);

  const rounds = 3;
  /** Highlight speed on the test postings: documents per CPU second of this process, after a warm-up pass. */
  const speedOf = async (students: RequirementStudents): Promise<number> => {
    for (const document of corpus.test) await highlightRequirements(students, { text: document.text });
    const speedBefore = process.cpuUsage();
    for (let round = 0; round < rounds; round++) {
      for (const document of corpus.test) await highlightRequirements(students, { text: document.text });
    }
    const speed = process.cpuUsage(speedBefore);
    return (rounds * corpus.test.length) / ((speed.user + speed.system) / 1e6);
  };
  const corpusSpeed = await speedOf(corpusStudents);
  if (encoderStudents.segmentClassifier instanceof EncoderSegmentClassifier)
    encoderStudents.segmentClassifier.attach(liveEncoder);
  const encoderSpeed = await speedOf(encoderStudents);
  await liveEncoder.close();
  const meanDocumentChars =
    corpus.test.reduce((sum, document) => sum + document.text.length, 0) / corpus.test.length;

  const result: RequirementsCorpusBenchResult = {
    postings: {
      train: corpus.train.length,
      dev: corpus.dev.length,
      test: corpus.test.length,
      demoAdverts: demoAdverts.length,
    },
    testLooks: CORPUS_TEST_LOOKS,
    seed,
    dev,
    test,
    corpusStudents: {
      trainingCpuSeconds: (trainingCpu.user + trainingCpu.system) / 1e6,
      documentsPerSecond: corpusSpeed,
      meanDocumentChars,
    },
    encoderStudents: {
      encoder: encoderId,
      trainingCpuSeconds: (encoderTrainingCpu.user + encoderTrainingCpu.system) / 1e6,
      documentsPerSecond: encoderSpeed,
    },
    interAnnotatorLooseF1: 0.951,
  };

  printFigures(log, "dev", corpus.dev.length, dev);
  printFigures(log, "test", corpus.test.length, test);
  log("");
  log(
    `corpus students: trained in ${result.corpusStudents.trainingCpuSeconds.toFixed(0)} s CPU; highlight ${result.corpusStudents.documentsPerSecond.toFixed(1)} postings/s on one thread (${Math.round(result.corpusStudents.meanDocumentChars)} chars each)`,
  );
  log(
    `over ${encoderId} (embeddings): trained in ${result.encoderStudents.trainingCpuSeconds.toFixed(0)} s CPU (vectors from bench/out/embeddings where held); highlight ${result.encoderStudents.documentsPerSecond.toFixed(1)} postings/s`,
  );
  log(
    `goal: micro loose F1 within 10 points of the annotators' 95.1 (≥ 85.1); test: ${(100 * test.corpus.loose.micro.f1).toFixed(1)}`,
  );
  if (options.write !== false) log(`written to ${record.write(result).join(", ")}`);
  return result;
}

if (invokedDirectly(import.meta.url)) {
  await runRequirementsCorpusBench({
    devOnly: process.argv.includes("--dev-only"),
    write: process.argv.includes("--write-results") ? "results" : "out",
  });
}
