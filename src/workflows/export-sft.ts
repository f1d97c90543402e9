import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../core/errors.ts";
import { DEFAULT_DATASET_SEED, splitDocuments } from "../dataset/build/index.ts";
import {
  estimateSftTokens,
  type SftFormat,
  type SftProblem,
  sftFormats,
  sftLine,
  sftProblems,
  sftProblemsOf,
} from "../dataset/formats/chat-sft.ts";
import { buildSftExamples, type SftExample } from "../dataset/sft-examples.ts";
import type { Workspace } from "../store/index.ts";

/**
 * Defaults of `export sft`. The price is OpenAI's for training gpt-4o-mini (USD 3.00 per 1M
 * training tokens), the token limit that model's per-example context (65,536), the minimum the
 * fine-tuning API accepts (10 examples), and 3 epochs (what its automatic setting picks for a few
 * hundred examples). Check your provider's current figures and pass your own.
 */
export const sftDefaults = {
  validationFraction: 0.1,
  epochs: 3,
  pricePerMillionTokens: 3,
  maxTokens: 65_536,
  minExamples: 10,
} as const;

export interface ExportSftOptions {
  task: string;
  /** As `dataset build` takes it: teacher, gold, human, … or a source name. */
  source?: string | undefined;
  out: string;
  formats?: readonly SftFormat[] | undefined;
  /** Share of the documents (not examples) held out for validation. */
  validationFraction?: number | undefined;
  seed?: number | undefined;
  epochs?: number | undefined;
  pricePerMillionTokens?: number | undefined;
  /** Examples estimated longer than this are left out (an engine would truncate them). */
  maxTokens?: number | undefined;
  /** Fewer training examples than this is an error (nothing is written). */
  minExamples?: number | undefined;
}

export interface SftTokenStats {
  examples: number;
  total: number;
  mean: number;
  max: number;
}

export interface SftExportReport {
  task: string;
  source: { kind: string; name: string };
  out: string;
  formats: SftFormat[];
  seed: number;
  validationFraction: number;
  documents: { train: number; validation: number };
  answers: { fromCalls: number; fromAnnotations: number };
  leftOut: {
    /** Items with no stored answer and nothing to rebuild one from. */
    unanswered: number;
    /** Examples breaking a format rule, and how many broke each rule. */
    invalid: number;
    problems: Record<SftProblem, number>;
  };
  /** Kept: answers the teacher gave to an older version of the task's prompt. */
  staleAnswers: number;
  /** Token estimate per example (characters / 4 plus the chat format's tokens per message). */
  tokens: { train: SftTokenStats; validation: SftTokenStats };
  /** Training is billed on the training file's tokens once per epoch; validation is not billed. */
  cost: { pricePerMillionTokens: number; epochs: number; trainingTokens: number; estimatedUsd: number };
  files: string[];
  warnings: string[];
}

function tokenStats(tokens: readonly number[]): SftTokenStats {
  const total = tokens.reduce((sum, value) => sum + value, 0);
  return {
    examples: tokens.length,
    total,
    mean: tokens.length === 0 ? 0 : Math.round(total / tokens.length),
    max: tokens.reduce((max, value) => Math.max(max, value), 0),
  };
}

/**
 * `export sft`: a task's labels as chat fine-tuning JSONL for OpenAI's fine-tuning API and for
 * Hugging Face TRL (src/dataset/formats/chat-sft.ts says how the two differ), split into train and
 * validation by document with a seed, every example checked against the formats' rules, with a
 * token estimate and the training cost it implies. Writes `<format>/train.jsonl`,
 * `<format>/validation.jsonl` (when any document is held out) and `report.json`.
 */
export function exportSft(
  workspace: Pick<Workspace, "documents" | "annotations" | "calls" | "runs">,
  options: ExportSftOptions,
): SftExportReport {
  const formats = [...new Set(options.formats ?? sftFormats)];
  const validationFraction = options.validationFraction ?? sftDefaults.validationFraction;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new UsageError(`--validation must be a fraction in [0, 1), got ${validationFraction}`);
  }
  const seed = options.seed ?? DEFAULT_DATASET_SEED;
  const maxTokens = options.maxTokens ?? sftDefaults.maxTokens;
  const minExamples = options.minExamples ?? sftDefaults.minExamples;
  const epochs = options.epochs ?? sftDefaults.epochs;
  const price = options.pricePerMillionTokens ?? sftDefaults.pricePerMillionTokens;

  const set = buildSftExamples(workspace, { task: options.task, source: options.source });
  const problems = Object.fromEntries(sftProblems.map((problem) => [problem, 0])) as Record<
    SftProblem,
    number
  >;
  const valid: { example: SftExample; tokens: number }[] = [];
  for (const example of set.examples) {
    const found = sftProblemsOf(example.messages, maxTokens);
    for (const problem of found) problems[problem]++;
    if (found.length === 0) valid.push({ example, tokens: estimateSftTokens(example.messages) });
  }
  const invalid = set.examples.length - valid.length;

  // The documents of the examples kept, so the validation share is of what is written.
  const documentIds = [...new Set(valid.map(({ example }) => example.documentId))];
  const assignment = splitDocuments(documentIds, [1 - validationFraction, validationFraction, 0], seed);
  const train = valid.filter(({ example }) => assignment.get(example.documentId) === "train");
  const validation = valid.filter(({ example }) => assignment.get(example.documentId) !== "train");

  const warnings: string[] = [];
  if (set.unanswered > 0)
    warnings.push(
      `${set.unanswered} items have no stored answer and were left out (a failed or missing teacher call)`,
    );
  if (invalid > 0) {
    const named = sftProblems
      .filter((problem) => problems[problem] > 0)
      .map(
        (problem) =>
          `${problem} ${problems[problem]}${problem === "too-long" ? ` (over ${maxTokens} tokens)` : ""}`,
      );
    warnings.push(
      `${invalid} of ${set.examples.length} examples break the formats' rules and were left out (${named.join(", ")})`,
    );
  }
  if (set.staleAnswers > 0)
    warnings.push(
      `${set.staleAnswers} answers were given to an older version of the ${set.task} prompt (kept)`,
    );
  if (validationFraction > 0 && validation.length === 0)
    warnings.push("no example is held out for validation: too few documents for --validation");
  if (train.length < minExamples) {
    throw new UsageError(
      `export sft needs at least ${minExamples} training examples, found ${train.length} valid ones ` +
        `(${set.examples.length} examples: ${invalid} invalid, ${validation.length} held out for validation; ` +
        `${set.unanswered} items without an answer)`,
      { train: train.length, invalid, validation: validation.length, unanswered: set.unanswered },
    );
  }

  const files: string[] = [];
  for (const format of formats) {
    mkdirSync(join(options.out, format), { recursive: true });
    for (const [name, rows] of [
      ["train", train],
      ["validation", validation],
    ] as const) {
      if (rows.length === 0) continue;
      const file = join(format, `${name}.jsonl`);
      writeFileSync(
        join(options.out, file),
        rows.map(({ example }) => `${sftLine(format, example.messages)}\n`).join(""),
      );
      files.push(file);
    }
  }
  const tokens = {
    train: tokenStats(train.map((row) => row.tokens)),
    validation: tokenStats(validation.map((row) => row.tokens)),
  };
  const trainingTokens = tokens.train.total * epochs;
  const report: SftExportReport = {
    task: set.task,
    source: set.source,
    out: options.out,
    formats,
    seed,
    validationFraction,
    documents: {
      train: new Set(train.map(({ example }) => example.documentId)).size,
      validation: new Set(validation.map(({ example }) => example.documentId)).size,
    },
    answers: {
      fromCalls: valid.filter(({ example }) => example.answerFrom === "call").length,
      fromAnnotations: valid.filter(({ example }) => example.answerFrom === "annotations").length,
    },
    leftOut: { unanswered: set.unanswered, invalid, problems },
    staleAnswers: set.staleAnswers,
    tokens,
    cost: {
      pricePerMillionTokens: price,
      epochs,
      trainingTokens,
      estimatedUsd: Math.round((trainingTokens / 1e6) * price * 10_000) / 10_000,
    },
    files: [...files, "report.json"],
    warnings,
  };
  writeFileSync(join(options.out, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
