import { JobdistillError } from "../core/errors.ts";
import { importDemoGold } from "../dataset/gold/demo-gold.ts";
import type { Workspace } from "../store/index.ts";
import { requirementsTaskName } from "../tasks/requirements/index.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
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

export interface DemoOptions {
  /** The teacher LLM; without one the corpus's bundled hand annotations stand in for it. */
  teacher?: LanguageModel;
  seed?: number;
  /** Stops the teacher taking new work (Ctrl-C). */
  signal?: AbortSignal;
  /** One line per step, for the terminal. */
  log: (line: string) => void;
  onTeacherEvent?: (event: TeacherEvent) => void;
}

export interface DemoResult {
  teacher: { kind: "llm"; summary: TeacherRunSummary } | { kind: "bundled" };
  training: WorkspaceTrainingResult;
  skillType: { examples: number; counts: Record<string, number> };
  evaluation: WorkspaceEvaluation;
}

/**
 * The whole loop on the built-in demo corpus: import it, label it with the teacher (or use its
 * hand annotations in the teacher's place), build the dataset, train the students, and evaluate
 * them on held-out adverts against the hand-made gold.
 */
export async function runDemo(workspace: Workspace, options: DemoOptions): Promise<DemoResult> {
  const { log } = options;
  const seed = options.seed ?? 13;

  const imported = importDemoGold(workspace);
  log(
    `1/5 import: ${imported.adverts} built-in demo adverts (hand-written sample data), ${imported.spans} hand-annotated spans`,
  );

  let teacher: DemoResult["teacher"];
  let source: string;
  if (options.teacher) {
    const model = options.teacher;
    const plan = planLabelling(workspace, { task: requirementsTaskName, source: "demo" });
    log(`2/5 teach: labelling ${plan.items.length} chunks with ${model.provider}/${model.modelId}`);
    const { summary } = await runLabelling(workspace, plan, {
      model,
      signal: options.signal,
      onEvent: options.onTeacherEvent,
      runParams: { demo: true },
    });
    log(
      `    ${summary.done} labelled, ${summary.skipped} from earlier runs, ${summary.failed} failed` +
        ` (${summary.tokensIn + summary.tokensOut} tokens, $${summary.costUsd.toFixed(4)})`,
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
    teacher = { kind: "llm", summary };
    source = "teacher";
  } else {
    log(
      "2/5 teach: no teacher LLM configured (set OPENAI_API_KEY or OPENAI_BASE_URL with --model, or " +
        "JOBDISTILL_LLAMA_MODEL): using the corpus's bundled hand annotations in the teacher's place",
    );
    teacher = { kind: "bundled" };
    source = "gold";
  }

  const training = await trainSpanStudents(workspace, {
    task: "requirements",
    source,
    seed,
    onDataset: (report) =>
      log(
        `3/5 dataset: ${report.documents.train} train / ${report.documents.dev} dev / ${report.documents.test} test adverts from ${report.source.kind} "${report.source.name}" → ${report.dir}`,
      ),
  });
  log(
    `4/5 train: ${training.models.map((model) => model.name).join(", ")} in ${(training.report.durationMs / 1000).toFixed(1)} s`,
  );

  importDemoSkillTypes(workspace);
  const skillType = trainSkillTypeInWorkspace({ workspace, from: "gold", seed, seedPhrases: true });
  log(`    skill-type student from the corpus's hard/soft skill quotes: ${JSON.stringify(skillType.counts)}`);

  const evaluation = await evaluate(workspace, {
    task: "requirements",
    against: "gold",
    split: "test",
  });
  log(`5/5 evaluate on held-out adverts against the hand annotations (report: ${evaluation.files.markdown})`);
  return {
    teacher,
    training,
    skillType: { examples: skillType.examples, counts: skillType.counts },
    evaluation,
  };
}
