import { JobdistillError } from "../core/errors.ts";
import { importDemoGold } from "../dataset/gold/demo-gold.ts";
import {
  corpusGoldSpans,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
  REQUIREMENTS_CORPUS_GOLD_SOURCE,
} from "../dataset/gold/requirements-corpus.ts";
import type { Workspace } from "../store/index.ts";
import type { SpanStudentOverrides } from "../student/span-student-settings.ts";
import { requirementsTaskName } from "../tasks/requirements/index.ts";
import { REQUIREMENT_LABELS_VERSION } from "../tasks/requirements/labels.ts";
import { requirementsReplayAnswers } from "../tasks/requirements/replay-answers.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import { ReplayLanguageModel } from "../teacher/providers/replay-provider.ts";
import type { TeacherEvent, TeacherRunSummary } from "../teacher/run-teacher.ts";
import {
  evaluate,
  trainSkillTypeInWorkspace,
  trainSpanStudents,
  type WorkspaceEvaluation,
  type WorkspaceTrainingResult,
} from "../workflows/index.ts";
import { planLabelling, runLabelling } from "../workflows/label.ts";
import { importDemoSkillTypes } from "./demo-skill-types.ts";

/**
 * The demo's training settings: the task's defaults with fewer passes (3 instead of up to 20, which
 * cost 1.5 points of dev loose F1), so the whole loop stays well under a minute on two cores. `jobdistill train` uses the
 * full defaults (bench/requirements-corpus.ts measures both).
 */
export const demoTrainingOverrides: SpanStudentOverrides = { epochs: 3, patience: 2 };

/** The splits of the corpus the teacher labels; its test postings are kept for the evaluation. */
const taughtSplits = ["train", "dev"] as const;

export interface DemoOptions {
  /** The teacher LLM; without one a replay of the corpus's hand annotations stands in for it. */
  teacher?: LanguageModel;
  /** A requirements corpus file in the shipped corpus's format (default: corpus/requirements.jsonl). */
  corpusPath?: string | undefined;
  seed?: number;
  /** Stops the teacher taking new work (Ctrl-C). */
  signal?: AbortSignal;
  /** One line per step, for the terminal. */
  log: (line: string) => void;
  onTeacherEvent?: (event: TeacherEvent) => void;
}

export interface DemoResult {
  teacher: { kind: "llm" | "replay"; summary: TeacherRunSummary };
  training: WorkspaceTrainingResult;
  skillType: { examples: number; counts: Record<string, number> };
  /** On the corpus's test postings, against their gold. */
  evaluation: WorkspaceEvaluation;
  /** On the 40 hand-written demo adverts (none trained on), against their hand annotations. */
  handWritten: WorkspaceEvaluation;
}

/**
 * The whole loop on the real-advert requirements corpus: import it (and the 40 hand-written demo
 * adverts, a second small corpus), have the teacher label the corpus's train and dev postings
 * through the teacher engine (without an LLM, a replay of the corpus's hand annotations answers the
 * engine's prompts), build the dataset, train the students, and evaluate them on the corpus's test
 * postings and on the hand-written adverts against their gold.
 */
export async function runDemo(workspace: Workspace, options: DemoOptions): Promise<DemoResult> {
  const { log } = options;
  const seed = options.seed ?? 13;

  const corpus = importRequirementsCorpusGold(workspace, options.corpusPath);
  const handWrittenImport = importDemoGold(workspace);
  log(
    `1/5 import: ${corpus.postings} real adverts of the requirements corpus ${options.corpusPath === undefined ? "(SkillSpan postings, " : `${options.corpusPath} (`}hand-annotated: ` +
      `${corpus.bySplit.train ?? 0} train / ${corpus.bySplit.dev ?? 0} dev / ${corpus.bySplit.test ?? 0} test, ${corpus.spans} spans) ` +
      `and ${handWrittenImport.adverts} hand-written demo adverts`,
  );

  const replay = options.teacher === undefined;
  const model =
    options.teacher ??
    new ReplayLanguageModel({
      modelId: `requirements-corpus-gold@${REQUIREMENT_LABELS_VERSION}`,
      answerFor: requirementsReplayAnswers(
        loadRequirementsCorpus(options.corpusPath).map((posting) => ({
          id: posting.id,
          text: posting.text,
          spans: corpusGoldSpans(posting),
        })),
      ),
    });
  const plan = planLabelling(workspace, {
    task: requirementsTaskName,
    source: "requirements-corpus",
    splits: taughtSplits,
  });
  log(
    replay
      ? `2/5 teach: no teacher LLM configured (set OPENAI_API_KEY or OPENAI_BASE_URL with --model, or JOBDISTILL_LLAMA_MODEL): ` +
          `the teacher engine labels ${plan.items.length} chunks of the train and dev postings with a replay of their hand annotations`
      : `2/5 teach: labelling ${plan.items.length} chunks of the train and dev postings with ${model.provider}/${model.modelId}`,
  );
  const { summary } = await runLabelling(workspace, plan, {
    model,
    signal: options.signal,
    onEvent: options.onTeacherEvent,
    runParams: { demo: true },
  });
  log(
    `    ${summary.done} labelled, ${summary.skipped} from earlier runs, ${summary.failed} failed` +
      (replay ? "" : ` (${summary.tokensIn + summary.tokensOut} tokens, $${summary.costUsd.toFixed(4)})`),
  );
  if (summary.interrupted) {
    throw new JobdistillError(
      "the teacher run was interrupted; run the demo again to continue where it stopped",
      {
        code: "interrupted",
      },
    );
  }
  if (summary.done + summary.skipped === 0) {
    throw new JobdistillError("the teacher labelled nothing; `jobdistill failures` shows what went wrong", {
      code: "teacher",
    });
  }

  const training = await trainSpanStudents(workspace, {
    task: "requirements",
    source: "teacher",
    seed,
    ...demoTrainingOverrides,
    onDataset: (report) =>
      log(
        `3/5 dataset: ${report.documents.train} train / ${report.documents.dev} dev adverts from ${report.source.kind} "${report.source.name}" → ${report.dir}`,
      ),
  });
  log(
    `4/5 train: ${training.models.map((trained) => trained.name).join(", ")} in ${(training.report.durationMs / 1000).toFixed(1)} s` +
      ` (demo settings: ${demoTrainingOverrides.epochs} passes; \`jobdistill train\` trains longer)`,
  );

  importDemoSkillTypes(workspace);
  const skillType = trainSkillTypeInWorkspace({ workspace, from: "gold", seed, seedPhrases: true });
  log(
    `    skill-type student from the hand-written adverts' hard/soft skill quotes: ${JSON.stringify(skillType.counts)}`,
  );

  const evaluation = await evaluate(workspace, {
    task: "requirements",
    against: REQUIREMENTS_CORPUS_GOLD_SOURCE.name,
    split: "unseen",
  });
  const handWritten = await evaluate(workspace, { task: "requirements", against: "demo", split: "unseen" });
  log(
    `5/5 evaluate on the corpus's ${corpus.bySplit.test ?? 0} test postings (report: ${evaluation.files.markdown}) ` +
      `and on the hand-written adverts (report: ${handWritten.files.markdown})`,
  );
  return {
    teacher: { kind: replay ? "replay" : "llm", summary },
    training,
    skillType: { examples: skillType.examples, counts: skillType.counts },
    evaluation,
    handWritten,
  };
}
