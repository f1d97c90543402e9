import { UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import type { Annotation } from "../../core/types.ts";
import type { Workspace } from "../../store/index.ts";
import {
  createJudgeTask,
  type JudgeAnnotationData,
  type JudgeItem,
  type JudgeTaskDefinition,
  judgeBatches,
} from "../../tasks/judge/index.ts";
import { requirementCategories } from "../../tasks/requirements/labels.ts";
import { SKILL_TYPE_TASK, skillTypeDefinitions, skillTypeLabels } from "../../tasks/skill-type/index.ts";
import {
  type LanguageModel,
  type RunTeacherOptions,
  runTeacher,
  type TeacherRunSummary,
} from "../../teacher/index.ts";
import {
  buildJudgeReport,
  type JudgedItem,
  type JudgeReport,
  renderJudgeReportMarkdown,
} from "./judge-report.ts";

export const judgeableTasks = ["skill-type", "requirements"] as const;
export type JudgeableTask = (typeof judgeableTasks)[number];

export interface RunJudgeOptions {
  workspace: Workspace;
  judgedTask: JudgeableTask;
  /** The judge. */
  model: LanguageModel;
  /** How many stored labels to judge (default 100). */
  sample?: number | undefined;
  /** "label": the same number from each label (as the 50 hard / 50 soft anchor); "none": uniform. */
  stratify?: "label" | "none" | undefined;
  seed?: number | undefined;
  /** Whose labels: a source name (`provider/model`); default the teacher source with most labels. */
  labeller?: string | undefined;
  batchSize?: number | undefined;
  limits?: RunTeacherOptions<unknown, unknown>["limits"] | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: RunTeacherOptions<unknown, unknown>["onEvent"] | undefined;
  params?: RunTeacherOptions<unknown, unknown>["params"] | undefined;
}

export interface JudgeRunResult {
  summary: TeacherRunSummary;
  report: JudgeReport;
  markdown: string;
}

const definitions: Record<JudgeableTask, JudgeTaskDefinition> = {
  "skill-type": {
    judgedTask: SKILL_TYPE_TASK,
    itemNoun: "skill phrase",
    labels: skillTypeLabels.map((id) => ({ id, definition: skillTypeDefinitions[id] })),
  },
  requirements: {
    judgedTask: "requirements",
    itemNoun: "quote from a job advert",
    labels: requirementCategories.map((category) => ({ id: category.id, definition: category.definition })),
  },
};

/**
 * Has a second model grade a stratified sample of stored labels, through the teacher engine (run
 * kind "judge": resumable, cached and costed), then reports accuracy with Wilson intervals, kappa
 * between labeller and judge, and — where gold exists — how far the judge itself agrees with gold.
 * The report is stored with the run.
 */
export async function runJudge(options: RunJudgeOptions): Promise<JudgeRunResult> {
  const { workspace, judgedTask } = options;
  const labeller = chooseLabeller(workspace, judgedTask, options.labeller);
  const annotations = workspace.annotations.list({
    task: judgedTask,
    sourceKind: "teacher",
    sourceName: labeller,
  });
  const candidates =
    judgedTask === "skill-type" ? skillTypeItems(workspace, annotations) : spanItems(workspace, annotations);
  if (candidates.length === 0) throw new UsageError(`no ${judgedTask} labels from ${labeller} to judge`);
  const stratify = options.stratify ?? "label";
  const sampled = stratifiedSample(candidates, options.sample ?? 100, stratify, options.seed ?? 1);
  const task = createJudgeTask(definitions[judgedTask]);
  const summary = await runTeacher({
    cache: workspace.calls,
    recorder: workspace.runs,
    task,
    items: judgeBatches(sampled, options.batchSize ?? 10),
    model: options.model,
    runKind: "judge",
    runParams: { judgedTask, labeller, sample: sampled.length, stratify, seed: options.seed ?? 1 },
    limits: options.limits,
    signal: options.signal,
    onEvent: options.onEvent,
    params: options.params,
  });
  const judge = `${options.model.provider}/${options.model.modelId}`;
  const judgements = new Map<string, JudgeAnnotationData["judgements"][number]>();
  for (const annotation of workspace.annotations.list({
    task: task.name,
    sourceKind: "teacher",
    sourceName: judge,
  })) {
    const data = annotation.payload.data as JudgeAnnotationData | undefined;
    for (const judgement of data?.judgements ?? [])
      judgements.set(`${judgement.itemId}\u0000${judgement.judgedLabel}`, judgement);
  }
  const gold = goldLabels(workspace, judgedTask);
  const judged: JudgedItem[] = [];
  for (const item of sampled) {
    const judgement = judgements.get(`${item.id}\u0000${item.label}`);
    if (!judgement) continue;
    const row: JudgedItem = {
      itemId: item.id,
      text: item.text,
      label: item.label,
      verdict: judgement.verdict,
      judgeLabel: judgement.judgeLabel,
      rawJudgeLabel: judgement.rawJudgeLabel,
    };
    if (judgement.reason !== undefined) row.reason = judgement.reason;
    const goldLabel = gold(item);
    if (goldLabel !== undefined) row.gold = goldLabel;
    judged.push(row);
  }
  const population: Record<string, number> = {};
  for (const item of candidates) population[item.label] = (population[item.label] ?? 0) + 1;
  const report = buildJudgeReport(judged, {
    judgedTask,
    labeller,
    judge,
    stratify,
    sampled: sampled.length,
    population,
  });
  const markdown = renderJudgeReportMarkdown(report);
  if (summary.runId > 0) {
    workspace.runs.finish(summary.runId, summary.interrupted ? "interrupted" : "done", {
      report: { summary, judge: report, markdown },
    });
  }
  return { summary, report, markdown };
}

function chooseLabeller(workspace: Workspace, task: string, requested: string | undefined): string {
  const teachers = workspace.annotations.sources(task).filter((source) => source.kind === "teacher");
  if (requested !== undefined) {
    if (!teachers.some((source) => source.name === requested)) {
      const known = teachers.map((source) => source.name).join(", ") || "none";
      throw new UsageError(`no ${task} labels from ${requested} (teacher sources: ${known})`);
    }
    return requested;
  }
  const best = [...teachers].sort((a, b) => b.count - a.count)[0];
  if (!best)
    throw new UsageError(
      `no teacher labels for ${task} in this workspace: run \`jobdistill label --task ${task}\` first`,
    );
  return best.name;
}

/** The latest label per document. */
function skillTypeItems(workspace: Workspace, annotations: readonly Annotation[]): JudgeItem[] {
  const latest = new Map<string, Annotation>();
  for (const annotation of annotations) latest.set(annotation.documentId, annotation);
  const items: JudgeItem[] = [];
  for (const [documentId, annotation] of latest) {
    const label = annotation.payload.labels?.[0];
    const document = workspace.documents.get(documentId);
    if (label === undefined || !document) continue;
    items.push({ id: documentId, documentId, text: document.text, label });
  }
  return items;
}

/** Every span of the labeller's annotations, with the sentence-ish context around it. */
function spanItems(workspace: Workspace, annotations: readonly Annotation[]): JudgeItem[] {
  const items: JudgeItem[] = [];
  for (const annotation of annotations) {
    const text = workspace.documents.get(annotation.documentId)?.text;
    (annotation.payload.spans ?? []).forEach((span, index) => {
      const item: JudgeItem = {
        id: `${annotation.id}#${index}`,
        documentId: annotation.documentId,
        text: span.text,
        label: span.label,
        start: span.start,
        end: span.end,
      };
      if (text !== undefined && text.slice(span.start, span.end) === span.text) {
        item.context = text
          .slice(Math.max(0, span.start - 100), Math.min(text.length, span.end + 100))
          .trim();
      }
      items.push(item);
    });
  }
  return items;
}

/** A lookup from an item to its gold label, or undefined where no gold covers it. */
function goldLabels(workspace: Workspace, task: JudgeableTask): (item: JudgeItem) => string | undefined {
  const gold = workspace.annotations.list({ task, sourceKind: "gold" });
  if (task === "skill-type") {
    const byDocument = new Map<string, string>();
    for (const annotation of gold) {
      const label = annotation.payload.labels?.[0];
      if (label !== undefined) byDocument.set(annotation.documentId, label);
    }
    return (item) => byDocument.get(item.documentId);
  }
  const bySpan = new Map<string, string>();
  for (const annotation of gold) {
    for (const span of annotation.payload.spans ?? [])
      bySpan.set(`${annotation.documentId}:${span.start}:${span.end}`, span.label);
  }
  return (item) => bySpan.get(`${item.documentId}:${item.start}:${item.end}`);
}

/**
 * Equal allocation across labels (what is left by a small label goes to the others), seeded; or a
 * uniform sample. Order: by label, then shuffled, so batches mix nothing they should not.
 */
export function stratifiedSample<T extends { label: string }>(
  items: readonly T[],
  size: number,
  stratify: "label" | "none",
  seed: number,
): T[] {
  const random = createRandom(seed);
  if (stratify === "none") return shuffled(items, random).slice(0, size);
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.label, [...(groups.get(item.label) ?? []), item]);
  const pools = [...groups.keys()].sort().map((label) => shuffled(groups.get(label) ?? [], random));
  const taken = pools.map(() => 0);
  let remaining = Math.min(size, items.length);
  while (remaining > 0) {
    const open = pools.map((_pool, i) => i).filter((i) => (taken[i] as number) < (pools[i] as T[]).length);
    const share = Math.max(1, Math.floor(remaining / open.length));
    for (const i of open) {
      if (remaining === 0) break;
      const add = Math.min(share, (pools[i] as T[]).length - (taken[i] as number), remaining);
      taken[i] = (taken[i] as number) + add;
      remaining -= add;
    }
  }
  return pools.flatMap((pool, i) => pool.slice(0, taken[i]));
}
