/**
 * The screen students on real text: work-history documents built from O*NET 29.2 task statements
 * and technologies (../shared/data/onet, CC BY 4.0), labelled by SOC major group: computer and
 * mathematical (15) against all others, and the 22-way major group. Split by occupation (no
 * occupation in two splits), stratified by major group: 60% train, 15% val (choosing settings, and
 * the students' early stopping and calibration), 25% test (scored once, with the settings val chose).
 *
 *   node bin/run-ts.js bench/screen.ts [--quick] [--write-results]
 *
 * Each document: a heading and an optional intro line (seeded frames), 6–10 of the occupation's
 * first 10 task statements (core before supplemental) in a seeded order, as bullets, a numbered
 * list or prose, and a line of 2–4 of its technologies in one of three frames, first or last. Two
 * documents per occupation (`--quick`: every third occupation). The scaffolding frames change the
 * layout and the n-grams, not the task sentences, so the encoder embeds each task sentence once
 * (chunk vectors are kept in bench/out/embeddings across runs; USE-lite is the slow part).
 */
import { readFileSync } from "node:fs";
import { createRandom, type Random, shuffled } from "../src/core/random.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import { createEncoder, InMemoryEmbeddingCache } from "../src/encoders/index.ts";
import { type ScreenMetrics, screenMetrics } from "../src/evaluate/screen-metrics.ts";
import {
  chunkingSchema,
  embedDocumentChunks,
  encodeScreenClassifier,
  type ScreenClassifier,
  type ScreenTrainingExample,
  screenStudentDefaults,
  trainEncoderScreenStudent,
  trainNgramScreenStudent,
} from "../src/student/screen/index.ts";
import { fileCachedEncoder } from "./embedding-file-cache.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

interface Occupation {
  code: string;
  group: string;
  tasks: string[];
  technologies: string[];
}

interface BenchDocument {
  occupation: string;
  group: string;
  text: string;
}

function readTable(path: string): string[][] {
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== "")
    .map((line) => line.split("\t"));
}

function readOccupations(dir: string): Occupation[] {
  const tasks = new Map<string, { core: string[]; other: string[] }>();
  for (const [code, , task, type] of readTable(`${dir}/Task_Statements.txt`)) {
    if (!code || !task) continue;
    const entry = tasks.get(code) ?? { core: [], other: [] };
    (type === "Core" ? entry.core : entry.other).push(task.trim());
    tasks.set(code, entry);
  }
  const technologies = new Map<string, string[]>();
  for (const [code, example] of readTable(`${dir}/Technology_Skills.txt`)) {
    if (!code || !example) continue;
    const list = technologies.get(code) ?? [];
    list.push(example.trim());
    technologies.set(code, list);
  }
  return [...tasks]
    .map(([code, { core, other }]) => ({
      code,
      group: code.slice(0, 2),
      tasks: [...core, ...other].slice(0, 10),
      technologies: technologies.get(code) ?? [],
    }))
    .filter((occupation) => occupation.tasks.length >= 6 && occupation.technologies.length >= 2)
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

const headings = [
  "Work history",
  "Professional experience",
  "Experience",
  "Employment history",
  "Career summary",
];
const intros = [
  "",
  "Main duties in my recent positions are listed below.",
  "A summary of the responsibilities I have held.",
  "These are the things I did day to day.",
];
const technologyFrames = [
  (list: string[]) => `Tools: ${list.slice(0, -1).join(", ")} and ${list.at(-1)}.`,
  (list: string[]) => `Technologies used: ${list.join(", ")}`,
  (list: string[]) => `Software: ${list.join("; ")}`,
];

function pick<T>(list: readonly T[], random: Random): T {
  return list[random.int(list.length)] as T;
}

/** One work-history document of an occupation, in seeded frames. */
function workHistory(occupation: Occupation, random: Random): string {
  const count = Math.min(occupation.tasks.length, 6 + random.int(5));
  const tasks = shuffled(occupation.tasks, random).slice(0, count);
  const technologies = shuffled(occupation.technologies, random).slice(0, 2 + random.int(3));
  const style = random.int(3);
  const body =
    style === 0
      ? tasks.map((task) => `- ${task}`).join("\n")
      : style === 1
        ? tasks.map((task, index) => `${index + 1}. ${task}`).join("\n")
        : tasks.join(" ");
  const technologyLine = pick(technologyFrames, random)(technologies);
  const intro = pick(intros, random);
  const lines = [pick(headings, random), ...(intro ? [intro] : [])];
  if (random.int(2) === 0) lines.push(technologyLine, body);
  else lines.push(body, technologyLine);
  return lines.join("\n");
}

type SplitName = "train" | "val" | "test";

/** Occupations to splits, stratified by major group (each group's occupations shuffled, then 60/15/25). */
function splitOccupations(occupations: readonly Occupation[], random: Random): Map<string, SplitName> {
  const byGroup = new Map<string, Occupation[]>();
  for (const occupation of occupations)
    byGroup.set(occupation.group, [...(byGroup.get(occupation.group) ?? []), occupation]);
  const splits = new Map<string, SplitName>();
  for (const group of [...byGroup.keys()].sort()) {
    const own = shuffled(byGroup.get(group) ?? [], random);
    // Train first: a group of one occupation trains only; of two, trains and tests; val from four.
    const test = own.length >= 2 ? Math.max(1, Math.round(own.length * 0.25)) : 0;
    const val = own.length >= 4 ? Math.max(1, Math.round(own.length * 0.15)) : 0;
    own.forEach((occupation, index) => {
      splits.set(occupation.code, index < test ? "test" : index < test + val ? "val" : "train");
    });
  }
  return splits;
}

interface Candidate {
  name: string;
  settings: Record<string, unknown>;
  val: ScreenMetrics;
  fitSeconds: number;
}

interface StudentRow {
  student: "encoder" | "ngram";
  /** Every candidate with its val figures; `chosen` is the best val macro-F1. */
  candidates: Candidate[];
  chosen: string;
  test: ScreenMetrics;
  /** Seconds to fit the chosen settings (the encoder's chunk vectors already computed). */
  fitSeconds: number;
  /** Test documents screened per second from raw text (the encoder's with no cache: every chunk embedded). */
  documentsPerSecond: number;
  modelBytes: number;
}

interface Task {
  name: "binary" | "major-group";
  labels: string[];
  positiveLabel: string;
  labelOf: (group: string) => string;
}

async function scoreOn(
  model: ScreenClassifier,
  examples: readonly ScreenTrainingExample[],
  task: Task,
): Promise<ScreenMetrics> {
  const results = await model.screen(
    examples.map((example) => example.text),
    { explain: 0 },
  );
  return screenMetrics(
    examples.map((example) => example.label),
    results.map((result) => result.label),
    results.map((result) => result.score),
    task.labels,
    task.positiveLabel,
  );
}

export async function runScreenBench(options: { quick: boolean }) {
  const dir = sharedPath("data", "onet");
  if (!dir) throw new Error("bench/screen.ts needs ../shared/data/onet (set JOBDISTILL_SHARED)");
  const random = createRandom(15);
  let occupations = readOccupations(dir);
  if (options.quick) occupations = occupations.filter((_, index) => index % 3 === 0);
  const splitOf = splitOccupations(occupations, random);
  const documents: Record<SplitName, BenchDocument[]> = { train: [], val: [], test: [] };
  for (const occupation of occupations) {
    for (let copy = 0; copy < 2; copy++) {
      documents[splitOf.get(occupation.code) as SplitName].push({
        occupation: occupation.code,
        group: occupation.group,
        text: workHistory(occupation, random),
      });
    }
  }
  const groups = [...new Set(occupations.map((occupation) => occupation.group))].sort();
  console.log(
    `${occupations.length} occupations, ${groups.length} major groups; documents train/val/test ${documents.train.length}/${documents.val.length}/${documents.test.length}`,
  );

  const rawEncoder = await createEncoder("use-lite");
  const encoder = fileCachedEncoder(rawEncoder);
  const cache = new InMemoryEmbeddingCache();
  const chunking = chunkingSchema.parse(screenStudentDefaults.chunking);
  const embedStarted = performance.now();
  const all = [...documents.train, ...documents.val, ...documents.test];
  const embedded = await embedDocumentChunks(
    encoder,
    cache,
    all.map((document) => document.text),
    chunking,
    (progress) => {
      if (progress.computed % 1024 === 0 || progress.cached + progress.computed === progress.total) {
        process.stderr.write(
          `\rchunks: ${progress.cached} cached, ${progress.computed} computed of ${progress.total}   `,
        );
      }
    },
  );
  process.stderr.write("\n");
  const chunkCount = embedded.reduce((sum, document) => sum + document.chunks.length, 0);
  const embedSeconds = (performance.now() - embedStarted) / 1000;
  console.log(
    `${chunkCount} chunks (${new Set(embedded.flatMap((document) => document.chunks)).size} distinct); embedded in ${embedSeconds.toFixed(1)} s (${encoder.computed()} computed, the rest from bench/out/embeddings)`,
  );

  const tasks: Task[] = [
    {
      name: "binary",
      labels: ["computer-math", "other"],
      positiveLabel: "computer-math",
      labelOf: (group) => (group === "15" ? "computer-math" : "other"),
    },
    { name: "major-group", labels: groups, positiveLabel: "15", labelOf: (group) => group },
  ];
  const encoderCandidates = [
    { name: "linear-svm l2 1e-4", head: { kind: "linear-svm", l2: 1e-4 } },
    { name: "linear-svm l2 1e-3", head: { kind: "linear-svm", l2: 1e-3 } },
    { name: "logistic l2 1e-4", head: { kind: "logistic", l2: 1e-4 } },
    { name: "logistic l2 1e-3", head: { kind: "logistic", l2: 1e-3 } },
  ] as const;
  const ngramCandidates = [
    { name: "words 1-2", classifier: { wordNgrams: 2, charNgrams: false } },
    { name: "words 1", classifier: { wordNgrams: 1, charNgrams: false } },
    { name: "words 1-2 + chars 3-5", classifier: { wordNgrams: 2, charNgrams: { min: 3, max: 5 } } },
  ] as const;

  const results: Record<
    string,
    { labels: number; documents: Record<SplitName, Record<string, number>>; students: StudentRow[] }
  > = {};
  for (const task of tasks) {
    const examples = (split: SplitName): ScreenTrainingExample[] =>
      documents[split].map((document) => ({ text: document.text, label: task.labelOf(document.group) }));
    const train = examples("train");
    const val = examples("val");
    const test = examples("test");
    const countOf = (list: readonly ScreenTrainingExample[]) =>
      task.name === "binary"
        ? Object.fromEntries(
            task.labels.map((label) => [label, list.filter((example) => example.label === label).length]),
          )
        : { documents: list.length };
    const rows: StudentRow[] = [];

    const encoderRuns: {
      candidate: Candidate;
      model: Awaited<ReturnType<typeof trainEncoderScreenStudent>>;
    }[] = [];
    for (const candidate of encoderCandidates) {
      const started = performance.now();
      const model = await trainEncoderScreenStudent(train, {
        labels: task.labels,
        positiveLabel: task.positiveLabel,
        dev: val,
        encoder,
        cache,
        head: { ...screenStudentDefaults.head, ...candidate.head },
      });
      const fitSeconds = (performance.now() - started) / 1000;
      encoderRuns.push({
        candidate: {
          name: candidate.name,
          settings: candidate.head,
          val: await scoreOn(model, val, task),
          fitSeconds,
        },
        model,
      });
    }
    const bestEncoder = encoderRuns.reduce((best, run) =>
      run.candidate.val.macroF1 > best.candidate.val.macroF1 ? run : best,
    );
    // Speed from raw text: a fresh cache and the encoder itself, on (up to) 100 test documents.
    const speedDocuments = test.slice(0, 100).map((example) => example.text);
    const timed = bestEncoder.model;
    timed.attach(rawEncoder, new InMemoryEmbeddingCache());
    const speedStarted = performance.now();
    await timed.screen(speedDocuments);
    const encoderSpeed = speedDocuments.length / ((performance.now() - speedStarted) / 1000);
    timed.attach(encoder, cache);
    rows.push({
      student: "encoder",
      candidates: encoderRuns.map((run) => run.candidate),
      chosen: bestEncoder.candidate.name,
      test: await scoreOn(bestEncoder.model, test, task),
      fitSeconds: bestEncoder.candidate.fitSeconds,
      documentsPerSecond: encoderSpeed,
      modelBytes: encodeScreenClassifier(bestEncoder.model).byteLength,
    });

    const ngramRuns: { candidate: Candidate; model: Awaited<ReturnType<typeof trainNgramScreenStudent>> }[] =
      [];
    for (const candidate of ngramCandidates) {
      const started = performance.now();
      const model = await trainNgramScreenStudent(train, {
        labels: task.labels,
        positiveLabel: task.positiveLabel,
        dev: val,
        classifier: candidate.classifier,
      });
      const fitSeconds = (performance.now() - started) / 1000;
      ngramRuns.push({
        candidate: {
          name: candidate.name,
          settings: candidate.classifier,
          val: await scoreOn(model, val, task),
          fitSeconds,
        },
        model,
      });
    }
    const bestNgram = ngramRuns.reduce((best, run) =>
      run.candidate.val.macroF1 > best.candidate.val.macroF1 ? run : best,
    );
    const ngramStarted = performance.now();
    const ngramTest = await scoreOn(bestNgram.model, test, task);
    const ngramSpeed = test.length / ((performance.now() - ngramStarted) / 1000);
    rows.push({
      student: "ngram",
      candidates: ngramRuns.map((run) => run.candidate),
      chosen: bestNgram.candidate.name,
      test: ngramTest,
      fitSeconds: bestNgram.candidate.fitSeconds,
      documentsPerSecond: ngramSpeed,
      modelBytes: encodeScreenClassifier(bestNgram.model).byteLength,
    });
    results[task.name] = {
      labels: task.labels.length,
      documents: { train: countOf(train), val: countOf(val), test: countOf(test) },
      students: rows,
    };

    console.log(
      `\n${task.name} (${task.labels.length} labels; positive ${task.positiveLabel}); test scored once with the settings val chose`,
    );
    console.log(
      "student   chosen on val (macro-F1)        accuracy  F1(pos)  macro-F1  ROC AUC  fit s   docs/s   model KB  × encoder",
    );
    const reference = rows[0] as StudentRow;
    for (const row of rows) {
      console.log(
        `${row.student.padEnd(9)} ${row.chosen.padEnd(31)} ${(row.test.accuracy * 100).toFixed(1).padStart(8)} ${(row.test.f1 * 100).toFixed(1).padStart(8)} ${(row.test.macroF1 * 100).toFixed(1).padStart(9)} ${row.test.rocAuc.toFixed(3).padStart(8)} ${row.fitSeconds.toFixed(2).padStart(6)} ${row.documentsPerSecond.toFixed(0).padStart(8)} ${(row.modelBytes / 1024).toFixed(0).padStart(10)}  macro-F1 ${(row.test.macroF1 / reference.test.macroF1).toFixed(2)}, docs/s ${(row.documentsPerSecond / reference.documentsPerSecond).toFixed(1)}`,
      );
    }
  }
  await rawEncoder.close();
  return {
    corpus: {
      source: "O*NET 29.2 Task_Statements.txt and Technology_Skills.txt (CC BY 4.0)",
      occupations: occupations.length,
      majorGroups: groups.length,
      documentsPerOccupation: 2,
      documents: { train: documents.train.length, val: documents.val.length, test: documents.test.length },
      chunks: chunkCount,
      split: "by occupation, stratified by major group: 60% train, 15% val, 25% test",
      embedSeconds,
    },
    encoder: { id: rawEncoder.id, version: rawEncoder.version, dimensions: rawEncoder.dimensions },
    chosenBy: "val macro-F1 (val also serves the students' early stopping and calibration); test scored once",
    tasks: results,
  };
}

if (invokedDirectly(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const record = recordBench("screen", {
    quick,
    writeResults: process.argv.includes("--write-results"),
    measure:
      "wall clock of this process on a shared machine (see loadAverageDuringRun); fit seconds exclude embedding, docs/s include it for the encoder student",
  });
  const figures = await runScreenBench({ quick });
  for (const path of record.write(figures)) console.log(`wrote ${path}`);
}
