import { JobdistillError } from "../core/errors.ts";
import {
  type LoadedStudents,
  type LoadPredictorsOptions,
  predictorsFrom,
} from "../student/load-predictors.ts";
import type {
  HighlightSpan,
  Predictors,
  SkillMention,
  SkillTypeRow,
  TextFormat,
} from "../student/predictors.ts";
import { taggedConll, visibleText } from "../student/requirements/tag-text.ts";
import { studentModelNames, trainCommandFor } from "../student/student-model-names.ts";

/** The tasks `predict` runs: requirement highlights, skill mentions, Hard/Soft typing of skill phrases. */
export const predictTasks = ["requirements", "skills", "skill-type"] as const;
export type PredictTask = (typeof predictTasks)[number];

/** One input record: a document (or, for skill-type, a skill phrase) and where it was read. */
export interface PredictInput {
  id: string;
  text: string;
  format: TextFormat;
  /** The file it came from ("text" for an argument, "stdin", "workspace"). */
  file: string;
  /** 1-based line in `file`, when it has lines. */
  line?: number | undefined;
}

/** What one record predicts: what each output format needs, and nothing of the live models. */
export type PredictResult =
  | { kind: "highlights"; text: string; spans: HighlightSpan[] }
  | { kind: "skills"; text: string; mentions: SkillMention[] }
  | { kind: "skill-type"; row: SkillTypeRow }
  | { kind: "conll"; lines: string[] };

/** What to predict: serialisable, so a worker thread gets the same request as this thread. */
export interface PredictRequest {
  task: PredictTask;
  /** CoNLL tags (tokens and BIO tags) instead of spans: requirements and skills only. */
  conll: boolean;
}

/** The registry names `loadStudentModels` looks for, from `--model` and `--lexicon`. */
export function studentNamesFor(task: PredictTask, model?: string, lexicon?: string): LoadPredictorsOptions {
  if (task === "requirements") return { requirements: model ?? task };
  if (task === "skills") return { skills: model ?? task };
  return { skillType: model ?? task, lexicon };
}

/**
 * Predicts a run of records with loaded students, in order. Skill phrases are typed in one call;
 * documents one by one. A missing student is the "train it first" error of `predictorsFrom`.
 */
export async function predictRecords(
  students: LoadedStudents,
  predictors: Predictors,
  request: PredictRequest,
  inputs: readonly PredictInput[],
): Promise<PredictResult[]> {
  if (request.task === "skill-type") {
    // An encoder-backed typer answers with a promise; the lexical one at once.
    const rows = await predictors.typeSkills(inputs.map((input) => input.text.trim()));
    return rows.map((row) => ({ kind: "skill-type", row }));
  }
  if (request.conll) {
    const tagger = request.task === "requirements" ? students.requirements?.tagger : students.skills;
    if (!tagger) {
      throw new JobdistillError(
        `no trained ${request.task} tagger: run \`${trainCommandFor(request.task)}\` first`,
        {
          code: "not_found",
          data: { task: request.task },
        },
      );
    }
    return inputs.map((input) => ({
      kind: "conll",
      lines: taggedConll(tagger, visibleText(input.text, input.format)),
    }));
  }
  if (request.task === "requirements") {
    const results: PredictResult[] = [];
    for (const input of inputs) {
      results.push({
        kind: "highlights",
        ...(await predictors.highlight({ text: input.text, format: input.format })),
      });
    }
    return results;
  }
  return inputs.map((input) => ({
    kind: "skills",
    ...predictors.extractSkills({ text: input.text, format: input.format }),
  }));
}

/** A `predictRecords` bound to one set of loaded students. */
export function recordPredictor(
  students: LoadedStudents,
  names: LoadPredictorsOptions,
): (request: PredictRequest, inputs: readonly PredictInput[]) => Promise<PredictResult[]> {
  const predictors = predictorsFrom(students, names);
  return (request, inputs) => predictRecords(students, predictors, request, inputs);
}

/** The registry name of the model a task needs, for a check before any input is read. */
export function requiredModelName(task: PredictTask, model?: string): string {
  return studentModelNames(task, model ?? task).tagger;
}
