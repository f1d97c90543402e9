import type { Workspace } from "../store/index.ts";
import { type NgramScreenClassifier, trainNgramScreenStudent } from "../student/screen/index.ts";

/**
 * Test and benchmark material for the server and the page: an advert the keyword predictors
 * highlight in several categories, and a workspace history with spend, failures and reports.
 */
export const sampleAdvert = `Senior Data Engineer (Leeds, hybrid)

About us
We are a friendly, close-knit team building tools that make energy cheaper for everyone.

What you will do
- Design and maintain data pipelines in Python and SQL
- Run our services on Kubernetes and keep them observable
- Work with analysts to turn questions into dashboards

What we are looking for
- Bachelor's degree in Computer Science or a related field
- 5+ years of experience in backend or data engineering
- AWS Certified Solutions Architect
- Excellent communication skills and attention to detail
- A valid driving licence

What we offer
- Competitive salary and a yearly bonus
- 30 days of paid holiday
- Hybrid working from our Leeds office

Apply now: we look forward to your application!`;

/** An advert of exactly `words` words, made by repeating the sample advert and cutting at a word's end. */
export function advertOfWords(words: number): string {
  const sampleWords = sampleAdvert.split(/\s+/).length;
  const copies = Math.ceil(words / sampleWords);
  const long = Array.from({ length: copies }, () => sampleAdvert).join("\n\n");
  const ends = [...long.matchAll(/\S+/g)].map((match) => match.index + match[0].length);
  return long.slice(0, ends[words - 1] ?? long.length);
}

/** Three runs (labelling with spend and a failure, training, evaluation with a report). */
export function seedSampleRuns(workspace: Workspace): {
  labelRun: number;
  trainRun: number;
  evaluateRun: number;
} {
  const labelRun = workspace.runs.start({
    kind: "label",
    task: "requirements",
    provider: "openai",
    model: "gpt-4o-mini",
    itemsTotal: 3,
    params: { concurrency: 4 },
  });
  workspace.documents.insertMany([
    { id: "ad-1", text: "Python developer" },
    { id: "ad-2", text: "Nurse wanted" },
  ]);
  for (const [index, itemId] of ["ad-1", "ad-2"].entries()) {
    workspace.calls.recordSuccess(
      {
        key: `call-${index}`,
        runId: labelRun,
        task: "requirements",
        taskVersion: "v1",
        provider: "openai",
        model: "gpt-4o-mini",
        itemId,
        output: { spans: [] },
        tokensIn: 1200,
        tokensOut: 300,
        costUsd: 0.0009,
        attempts: 1,
      },
      [],
    );
  }
  workspace.calls.recordFailure({
    key: "call-2",
    runId: labelRun,
    task: "requirements",
    provider: "openai",
    model: "gpt-4o-mini",
    itemId: "ad-3",
    attempt: 3,
    final: true,
    errorCode: "length",
    message: "the output was cut off",
    tokensIn: 1100,
    tokensOut: 4096,
    costUsd: 0.0026,
  });
  workspace.runs.progress(labelRun, { itemsDone: 2, itemsFailed: 1 });
  workspace.runs.finish(labelRun, "done");

  const trainRun = workspace.runs.start({
    kind: "train",
    task: "requirements",
    params: { epochs: 5, seed: 1 },
  });
  workspace.runs.finish(trainRun, "done", { report: { trainLoss: 0.21 } });

  const evaluateRun = workspace.runs.start({ kind: "evaluate", task: "requirements", itemsTotal: 40 });
  workspace.runs.progress(evaluateRun, { itemsDone: 40 });
  workspace.runs.finish(evaluateRun, "done", {
    report: {
      strict: {
        micro: { precision: 0.74, recall: 0.7, f1: 0.72 },
        perLabel: {
          hard_skills: { precision: 0.85, recall: 0.8, f1: 0.824 },
          soft_skills: { precision: 0.7, recall: 0.66, f1: 0.679 },
          benefits: { precision: 0.9, recall: 0.86, f1: 0.88 },
          education: { precision: 0.8, recall: 0.75, f1: 0.774 },
          job_duties: { precision: 0.6, recall: 0.55, f1: 0.574 },
        },
      },
      loose: { micro: { f1: 0.8 }, perLabel: { hard_skills: { f1: 0.9 } } },
      confusion: {
        labels: ["hard_skills", "soft_skills", "benefits"],
        counts: [
          [40, 5, 1],
          [6, 22, 0],
          [0, 1, 30],
        ],
      },
    },
  });
  return { labelRun, trainRun, evaluateRun };
}

const screenLines = {
  devops: [
    "Ran Kubernetes clusters on AWS.",
    "Wrote Terraform modules for every team.",
    "Built CI pipelines in GitHub Actions.",
    "Tuned Prometheus alerts and dashboards.",
  ],
  other: [
    "Cooked for a busy restaurant kitchen.",
    "Planned weekly menus with the head chef.",
    "Cared for patients on a surgical ward.",
    "Taught maths classes to teenagers.",
  ],
} as const;

/**
 * A small n-gram screen model (devops vs other) trained on constructed resumes, for the server's
 * tests and the page's browser test: separable by vocabulary, so rankings are predictable.
 */
export function sampleScreenModel(): Promise<NgramScreenClassifier> {
  const examples = (["devops", "other"] as const).flatMap((label) =>
    Array.from({ length: 20 }, (_, index) => {
      const own = screenLines[label];
      return { label, text: [own[index % 4], own[(index + 1) % 4], `Worked in team ${index}.`].join("\n") };
    }),
  );
  return trainNgramScreenStudent(examples, { labels: ["devops", "other"] });
}

/**
 * Two active-learning jobs on the requirements task (uncertain and its random control), three
 * rounds each, as `runActiveLearning` records them: the runs page draws their learning curves.
 * Returns the run ids of the uncertain job's rounds.
 */
export function seedActiveLearningRuns(workspace: Workspace): number[] {
  const curves = {
    uncertain: [0.31, 0.48, 0.57],
    random: [0.31, 0.41, 0.5],
  } as const;
  const ids: number[] = [];
  for (const [strategy, f1s] of Object.entries(curves)) {
    const job = `${strategy}-job-0000`;
    f1s.forEach((f1, index) => {
      const round = index + 1;
      const id = workspace.runs.start({
        kind: "label",
        task: "requirements",
        provider: "replay",
        model: "requirements-corpus-gold",
        itemsTotal: 4,
        params: {
          activeLearning: {
            job,
            task: "requirements",
            strategy,
            round,
            rounds: 3,
            budget: 12,
            seed: 1,
            reason: "<img src=x onerror=alert(1)>",
            picks: [{ documentId: `ad-${round}` }],
          },
        },
      });
      workspace.runs.finish(id, "done", {
        report: {
          activeLearning: {
            job,
            strategy,
            round,
            documentsLabelled: 4 * round,
            trainRunId: 0,
            trainSeconds: 1,
            selectionSeconds: 0.5,
            evaluation: {
              against: "gold:requirements-corpus",
              documents: 5,
              f1,
              metric: "highlight loose micro F1",
            },
            complete: true,
          },
        },
      });
      if (strategy === "uncertain") ids.push(id);
    });
  }
  return ids;
}
