/**
 * Skill-type student on real spans: trained ONLY from the ESCO lexicon's `coarse_label`
 * (../shared/data/esco/esco_skills_lexicon.csv), then scored on the `test` split of
 * ../shared/data/esco-typed-spans/house_tech_spans.csv, where human annotators linked SkillSpan
 * phrases to ESCO skills. Main figure: soft (coarse `soft`) vs hard (`hard_knowledge` +
 * `skill_competence`); `language` spans are reported apart (counted correct when typed Hard) and
 * `unknown` spans are left out (they have no type to check). No span is used for training; the
 * settings (`skillTypeStudentDefaults.fromLexicon`) were chosen on the `val` split, and `test` is only scored.
 * Also reported: the lexicon answering the spans it names, the student the rest.
 * Run: `node bin/run-ts.js bench/skill-type.ts [--split val|test] [--no-write] [--write-results]`; a test
 * run writes bench/out/skill-type.json, and with --write-results bench/results/skill-type.json.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { bioToChunks } from "../src/align/bio.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { createLexiconLookup, type LexiconLookup, readEscoSkillsCsv } from "../src/dataset/lexicon/index.ts";
import {
  type ConceptLinkConfig,
  lexiconTrainingExamples,
  type NeighbourVoteConfig,
  type SkillTypeExample,
  type SkillTypeModel,
  type SkillTypeTrainingOptions,
  skillTypeStudentDefaults,
  softSkillSeedExamples,
  trainSkillTypeModel,
} from "../src/student/skill-type/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";
import {
  runSkillTypeEncoderRows,
  type SkillTypeEncoderFigures,
  type TypedSpan,
} from "./skill-type-encoder.ts";

export interface SkillTypeBenchOptions {
  /** Which split of the typed spans to score (default test). */
  split?: "val" | "test";
  /**
   * Write the JSON figures: "out" bench/out/skill-type.json, "results" bench/results/skill-type.json too.
   * A val run never writes. @default "out"
   */
  write?: "out" | "results" | false;
  training?: SkillTypeTrainingOptions;
  /** Add the hand-written soft-skill seed phrases to the lexicon's labels (default true). */
  seeds?: boolean;
  /** Weight of each seed phrase relative to a lexicon label (default 1). */
  seedWeight?: number;
  log?: (line: string) => void;
  /** How long each throughput loop runs (default 500 ms; 0 skips the timing). */
  throughputMs?: number;
  /** Receives the trained lexical typer and what it was trained and scored with (for the encoder rows). */
  keep?: (parts: {
    model: SkillTypeModel;
    lookup: LexiconLookup;
    examples: SkillTypeExample[];
    spansPath: string;
  }) => void;
}

export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface SkillTypeBenchResult {
  split: string;
  trainingExamples: number;
  spans: number;
  accuracy: number;
  correct: number;
  macroF1: number;
  /** Mean of hard and soft recall: the accuracy a 50 hard / 50 soft sample (the anchor's design) would show. */
  balancedAccuracy: number;
  perClass: { Hard: ClassFigures; Soft: ClassFigures };
  language: { spans: number; typedHard: number };
  unknownExcluded: number;
  /** The lexicon answers the spans it names (exact or normalised match), the student the rest. */
  lexiconThenStudent: {
    accuracy: number;
    macroF1: number;
    perClass: { Hard: ClassFigures; Soft: ClassFigures };
    answeredByLexicon: number;
  };
  anchor: { correct: number; total: number; hardCorrect: number; softCorrect: number };
  neighbours: NeighbourVoteConfig | undefined;
  linker: ConceptLinkConfig | undefined;
  /**
   * Unlabelled for hard/soft, but real and outside the typed spans: SkillSpan's train split.
   * Knowledge components are hard by SkillSpan's definition, so the share typed Soft is an error
   * rate; the share of skill components typed Soft is what the soft prior was matched to.
   */
  skillSpanTrain:
    | { knowledgeSpans: number; knowledgeTypedSoft: number; skillSpans: number; skillTypedSoft: number }
    | undefined;
  seedPhrases: boolean;
  trainSeconds: number;
  studentPhrasesPerSecond: number;
  lexiconLookupsPerSecond: number;
}

const spanRowSchema = z.object({
  subset: z.string(),
  split: z.string(),
  sentence: z.string(),
  span: z.string(),
  coarse_label: z.string(),
});

/** The typed spans of one split (all coarse labels). */
function readTypedSpans(path: string, split: string): z.infer<typeof spanRowSchema>[] {
  return z
    .array(spanRowSchema)
    .parse(parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true, bom: true }))
    .filter((row) => row.split === split);
}

/** Hard/soft spans with their sentences for the encoder rows (language and unknown left out, as above). */
function hardSoftSpans(rows: readonly z.infer<typeof spanRowSchema>[]): TypedSpan[] {
  return rows
    .filter((row) => row.coarse_label !== "unknown" && row.coarse_label !== "language")
    .map((row) => ({
      phrase: row.span,
      sentence: row.sentence,
      label: row.coarse_label === "soft" ? ("Soft" as const) : ("Hard" as const),
    }));
}

function throughput(
  phrases: readonly string[],
  minimumMs: number,
  call: (phrase: string) => unknown,
): number {
  for (const phrase of phrases.slice(0, 200)) call(phrase);
  let done = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  while (performance.now() - started < minimumMs) {
    for (const phrase of phrases) call(phrase);
    done += phrases.length;
  }
  const cpu = process.cpuUsage(cpuStarted);
  // CPU time, not wall time: other processes on the machine do not slow the figure down.
  return done / ((cpu.user + cpu.system) / 1e6);
}

function figures(tp: number, fp: number, fn: number, support: number): ClassFigures {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support };
}

interface SplitScore {
  spans: number;
  correct: number;
  perClass: { hard: ClassFigures; soft: ClassFigures };
  languageSpans: number;
  languageHard: number;
  unknownExcluded: number;
  mistakes: string[];
}

/** Hard (hard_knowledge + skill_competence) vs soft; language apart (right when Hard); unknown out. */
function score(
  rows: readonly z.infer<typeof spanRowSchema>[],
  predict: (phrase: string) => string,
): SplitScore {
  let hardTp = 0;
  let hardFp = 0;
  let softTp = 0;
  let softFp = 0;
  let hardTotal = 0;
  let softTotal = 0;
  let languageSpans = 0;
  let languageHard = 0;
  let unknownExcluded = 0;
  const mistakes: string[] = [];
  for (const row of rows) {
    if (row.coarse_label === "unknown") {
      unknownExcluded++;
      continue;
    }
    const predicted = predict(row.span);
    if (row.coarse_label === "language") {
      languageSpans++;
      if (predicted === "Hard") languageHard++;
      continue;
    }
    const gold = row.coarse_label === "soft" ? "Soft" : "Hard";
    if (gold === "Hard") hardTotal++;
    else softTotal++;
    if (predicted === "Hard") {
      if (gold === "Hard") hardTp++;
      else hardFp++;
    } else if (gold === "Soft") softTp++;
    else softFp++;
    if (predicted !== gold) mistakes.push(`${gold}→${predicted}: ${row.span}`);
  }
  return {
    spans: hardTotal + softTotal,
    correct: hardTp + softTp,
    perClass: {
      hard: figures(hardTp, hardFp, hardTotal - hardTp, hardTotal),
      soft: figures(softTp, softFp, softTotal - softTp, softTotal),
    },
    languageSpans,
    languageHard,
    unknownExcluded,
    mistakes,
  };
}

/** Knowledge and skill spans of SkillSpan's train split typed by `predict` (undefined without the data). */
function skillSpanTrainFigures(predict: (phrase: string) => string): SkillTypeBenchResult["skillSpanTrain"] {
  const path = sharedPath("data", "skillspan", "json", "train.json");
  if (!path) return undefined;
  const figures = { knowledgeSpans: 0, knowledgeTypedSoft: 0, skillSpans: 0, skillTypedSoft: 0 };
  for (const sentence of readSkillSpanJson(path)) {
    for (const layer of ["knowledge", "skill"] as const) {
      for (const chunk of bioToChunks(sentence.layers[layer] ?? [])) {
        const soft = predict(sentence.tokens.slice(chunk.startToken, chunk.endToken).join(" ")) === "Soft";
        if (layer === "knowledge") {
          figures.knowledgeSpans++;
          if (soft) figures.knowledgeTypedSoft++;
        } else {
          figures.skillSpans++;
          if (soft) figures.skillTypedSoft++;
        }
      }
    }
  }
  return figures;
}

export function runSkillTypeBench(options: SkillTypeBenchOptions = {}): SkillTypeBenchResult | undefined {
  const log = options.log ?? console.log;
  const lexiconPath = sharedPath("data", "esco", "esco_skills_lexicon.csv");
  const spansPath = sharedPath("data", "esco-typed-spans", "house_tech_spans.csv");
  if (!lexiconPath || !spansPath) {
    log("skill-type bench skipped: needs ../shared/data/esco and ../shared/data/esco-typed-spans");
    return undefined;
  }
  const split = options.split ?? "test";
  const write = split === "val" ? false : (options.write ?? "out");
  const record = recordBench("skill-type", {
    measure:
      "phrases/s in CPU seconds (user + system) of this process, one thread, over the test phrases repeated " +
      "for at least throughputMs of wall time; trainSeconds is wall time",
    writeResults: write === "results",
  });
  const entries = readEscoSkillsCsv(lexiconPath);
  const examples = [
    ...lexiconTrainingExamples(entries),
    ...(options.seeds === false
      ? []
      : softSkillSeedExamples().map((example) => ({
          ...example,
          weight: (example.weight ?? 1) * (options.seedWeight ?? 1),
        }))),
  ];
  const trainStarted = performance.now();
  // The settings `train --task skill-type --source lexicon` uses (src/student/skill-type/definition.ts).
  const model = trainSkillTypeModel(examples, {
    seed: skillTypeStudentDefaults.seed,
    ...skillTypeStudentDefaults.fromLexicon,
    trainedFrom: "lexicon:esco coarse_label",
    ...options.training,
  });
  const trainSeconds = (performance.now() - trainStarted) / 1000;

  const rows = readTypedSpans(spansPath, split);
  const lookup = createLexiconLookup(entries);
  const student = score(rows, (phrase) => model.predict(phrase).label);
  // The lexicon answers the spans it names (exactly or after normalisation), the student the rest.
  const withLexicon = score(rows, (phrase) => {
    const match = lookup.find(phrase);
    return match ? (match.entry.kind === "soft" ? "Soft" : "Hard") : model.predict(phrase).label;
  });
  const { hard, soft } = student.perClass;

  const phrases = rows.map((row) => row.span);
  const timing = options.throughputMs ?? 500;
  const result: SkillTypeBenchResult = {
    split,
    trainingExamples: examples.length,
    spans: student.spans,
    accuracy: student.correct / student.spans,
    correct: student.correct,
    macroF1: (hard.f1 + soft.f1) / 2,
    balancedAccuracy: (hard.recall + soft.recall) / 2,
    perClass: { Hard: hard, Soft: soft },
    language: { spans: student.languageSpans, typedHard: student.languageHard },
    unknownExcluded: student.unknownExcluded,
    lexiconThenStudent: {
      accuracy: withLexicon.correct / withLexicon.spans,
      macroF1: (withLexicon.perClass.hard.f1 + withLexicon.perClass.soft.f1) / 2,
      perClass: { Hard: withLexicon.perClass.hard, Soft: withLexicon.perClass.soft },
      answeredByLexicon: rows.filter((row) => lookup.find(row.span) !== undefined).length,
    },
    anchor: { correct: 72, total: 100, hardCorrect: 49, softCorrect: 23 },
    neighbours: model.config.neighbours,
    linker: model.config.linker,
    skillSpanTrain: skillSpanTrainFigures((phrase) => model.predict(phrase).label),
    seedPhrases: options.seeds !== false,
    trainSeconds,
    studentPhrasesPerSecond:
      timing === 0 ? 0 : throughput(phrases, timing, (phrase) => model.predict(phrase)),
    lexiconLookupsPerSecond: timing === 0 ? 0 : throughput(phrases, timing, (phrase) => lookup.find(phrase)),
  };
  const mistakes = student.mistakes;
  options.keep?.({ model, lookup, examples, spansPath });

  const row = (
    name: string,
    accuracy: number,
    perClass: { hard: ClassFigures; soft: ClassFigures },
  ): string =>
    `  ${name.padEnd(24)} ${percent(accuracy).padEnd(10)} ${percent(perClass.hard.precision)}/${percent(perClass.hard.recall)}  ${percent(perClass.soft.precision)}/${percent(perClass.soft.recall)}  ${percent((perClass.hard.f1 + perClass.soft.f1) / 2)}`;
  log(`skill-type student, trained on ${examples.length} lexicon phrases in ${trainSeconds.toFixed(1)} s`);
  log(
    `scored on ${split}: ${student.spans} hard/soft spans (${student.languageSpans} language apart, ${student.unknownExcluded} unknown left out)`,
  );
  log("");
  log("                           accuracy   hard P/R        soft P/R        macro-F1");
  log(row("student", result.accuracy, student.perClass));
  log(row("lexicon, then student", result.lexiconThenStudent.accuracy, withLexicon.perClass));
  log(
    "  anchor (8B+judge)        72.0%      hard 49/50 correct, soft 23/50 correct (judge-estimated, 50/50 sample)",
  );
  log(`  student on a 50/50 footing (mean of hard and soft recall): ${percent(result.balancedAccuracy)}`);
  log(`  lexicon named ${result.lexiconThenStudent.answeredByLexicon} of the ${rows.length} rows`);
  log("");
  log(`  language spans typed Hard: ${student.languageHard}/${student.languageSpans}`);
  const skillSpan = result.skillSpanTrain;
  if (skillSpan) {
    log(
      `  SkillSpan train (no hard/soft labels): knowledge spans typed Soft ${percent(skillSpan.knowledgeTypedSoft / skillSpan.knowledgeSpans)} of ${skillSpan.knowledgeSpans} (an error rate); skill spans typed Soft ${percent(skillSpan.skillTypedSoft / skillSpan.skillSpans)} of ${skillSpan.skillSpans}`,
    );
  }
  log(`  student: ${Math.round(result.studentPhrasesPerSecond).toLocaleString("en")} phrases/s (CPU time)`);
  log(
    `  lexicon lookup: ${Math.round(result.lexiconLookupsPerSecond).toLocaleString("en")} phrases/s (CPU time)`,
  );
  if (process.env.SKILL_TYPE_BENCH_MISTAKES) for (const line of mistakes) log(`    ${line}`);

  // Only the test split's figures are stored; a val run writes nothing.
  if (write !== false) log(`written to ${record.write({ throughputMs: timing, ...result }).join(", ")}`);
  return result;
}

export type SkillTypeFullBenchResult = SkillTypeBenchResult & { encoderRows: SkillTypeEncoderFigures };

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;

/** The lexical rows (`runSkillTypeBench`), then the encoder rows (bench/skill-type-encoder.ts), in one result. */
export async function runSkillTypeBenchWithEncoder(
  options: SkillTypeBenchOptions & { encoderId?: string | undefined } = {},
): Promise<SkillTypeFullBenchResult | undefined> {
  const log = options.log ?? console.log;
  const split = options.split ?? "test";
  const write = split === "val" ? false : (options.write ?? "out");
  const record = recordBench("skill-type", {
    measure:
      "phrases/s in CPU seconds (user + system) of this process, one thread: the lexical typer over the test " +
      "phrases repeated for at least throughputMs of wall time, the encoder rows over one pass of 200 test " +
      "phrases through the real encoder (no cache); trainSeconds is wall time",
    writeResults: write === "results",
  });
  let parts: Parameters<NonNullable<SkillTypeBenchOptions["keep"]>>[0] | undefined;
  const lexical = runSkillTypeBench({
    ...options,
    write: false,
    keep: (kept) => {
      parts = kept;
    },
  });
  if (!lexical || !parts) return undefined;
  log("");
  log(`encoder rows (${options.encoderId ?? "use-lite"}; settings chosen on val, scored on ${split})`);
  const encoderRows = await runSkillTypeEncoderRows({
    examples: parts.examples,
    lexical: parts.model,
    lookup: parts.lookup,
    val: hardSoftSpans(readTypedSpans(parts.spansPath, "val")),
    scored: hardSoftSpans(readTypedSpans(parts.spansPath, split)),
    split,
    encoderId: options.encoderId,
    log,
  });
  log("");
  log(
    "                                    accuracy  macro-F1  hard P/R       soft P/R       coverage  typed acc / soft R   phrases/s",
  );
  const pr = (figures: { precision: number; recall: number }) =>
    `${percent(figures.precision)}/${percent(figures.recall)}`;
  log(
    `  ${"lexical (today)".padEnd(34)}${percent(lexical.accuracy).padEnd(10)}${percent(lexical.macroF1).padEnd(10)}${pr(lexical.perClass.Hard).padEnd(15)}${pr(lexical.perClass.Soft).padEnd(15)}${"100.0%".padEnd(10)}${`${percent(lexical.accuracy)} / ${percent(lexical.perClass.Soft.recall)}`.padEnd(21)}${Math.round(lexical.studentPhrasesPerSecond)}`,
  );
  for (const row of encoderRows.rows) {
    const f = row.scored;
    log(
      `  ${row.name.padEnd(34)}${percent(f.accuracy).padEnd(10)}${percent(f.macroF1).padEnd(10)}${pr(f.perClass.Hard).padEnd(15)}${pr(f.perClass.Soft).padEnd(15)}${percent(f.coverage).padEnd(10)}${`${percent(f.typedAccuracy)} / ${percent(f.typedSoftRecall)}`.padEnd(21)}${Math.round(row.phrasesPerSecond)}`,
    );
  }
  log("");
  for (const row of encoderRows.rows) {
    const v = row.val;
    log(
      `  val ${row.name}: log-loss ${v.logLoss.toFixed(3)}, ${percent(v.accuracy)} at full coverage; Hard below ${v.decision.hardBelow.toFixed(3)}, Soft from ${v.decision.softFrom.toFixed(3)}: coverage ${percent(v.coverage)}, typed ${percent(v.typedAccuracy)} / soft R ${percent(v.typedSoftRecall)}; ECE ${v.reliability.ece.toFixed(3)}`,
    );
    log(
      `    reliability on val (confidence bin: n, mean confidence → accuracy): ${v.reliability.bins
        .filter((bin) => bin.count > 0)
        .map(
          (bin) =>
            `[${bin.lower.toFixed(1)},${bin.upper.toFixed(1)}): ${bin.count}, ${bin.meanConfidence.toFixed(2)}→${bin.accuracy.toFixed(2)}`,
        )
        .join("; ")}`,
    );
  }
  log(
    `  val candidates (log-loss): ${encoderRows.candidates.map((c) => `${c.name} ${c.valLogLoss.toFixed(3)}`).join(", ")}`,
  );
  for (const [phrase, answers] of Object.entries(encoderRows.probes)) {
    log(
      `  "${phrase}": ${Object.entries(answers)
        .map(([name, answer]) => `${name} ${answer.label} ${answer.confidence.toFixed(2)}`)
        .join("; ")}`,
    );
  }
  log(
    `  RSS ${encoderRows.rssMb.beforeEncoder.toFixed(0)} MB before the encoder, ${encoderRows.rssMb.afterRows.toFixed(0)} MB after; heads trained in ${Object.entries(
      encoderRows.headTrainSeconds,
    )
      .map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)} s`)
      .join(", ")}`,
  );
  log(
    `  target (≥ ${percent(encoderRows.target.minAccuracy)} accuracy, soft recall ≥ ${percent(encoderRows.target.minSoftRecall)} among typed) on ${split}: ${
      encoderRows.rows
        .filter((row) => row.scored.targetMet)
        .map((row) => `met by ${row.name} (coverage ${percent(row.scored.coverage)})`)
        .join("; ") || "not met by any row"
    }`,
  );
  const result = { ...lexical, encoderRows };
  if (write !== false) {
    log(`written to ${record.write({ throughputMs: options.throughputMs ?? 500, ...result }).join(", ")}`);
  }
  return result;
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const splitIndex = args.indexOf("--split");
  const split = splitIndex >= 0 && args[splitIndex + 1] === "val" ? "val" : "test";
  // The stored figures (bench/results) change only when asked: --write-results.
  const write = args.includes("--no-write") ? false : args.includes("--write-results") ? "results" : "out";
  if (args.includes("--no-encoder")) runSkillTypeBench({ split, write });
  else await runSkillTypeBenchWithEncoder({ split, write });
}
