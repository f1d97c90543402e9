import { type AlignmentStats, alignmentStatsOfPayloads } from "../align/index.ts";
import { UsageError } from "../core/errors.ts";
import type { CallCache } from "../core/ports.ts";
import type { TeacherTask } from "../core/task.ts";
import type { Workspace } from "../store/index.ts";
import { type LabelTaskSettings, type TaskDefinition, taskRegistry } from "../tasks/registry.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import type { PriceTable } from "../teacher/prices.ts";
import {
  type RunTeacherOptions,
  runTeacher,
  type TeacherEvent,
  type TeacherRunSummary,
} from "../teacher/run-teacher.ts";
import { type ItemSelection, selectItems } from "../teacher/select-items.ts";

export interface LabellingPlanOptions {
  /** A name in the task registry. */
  task: string;
  settings?: LabelTaskSettings | undefined;
  /** `limit` / `sample` + `seed` of the task's items. */
  selection?: ItemSelection | undefined;
  /** Only documents from this source (the demo labels only its own adverts). @default every document */
  source?: string | undefined;
  /**
   * Only documents whose `meta.split` is one of these (the demo has the teacher label the corpus's
   * train and dev postings, never its test postings). @default every document
   */
  splits?: readonly string[] | undefined;
}

/** What a labelling run will do, before any teacher is chosen: the task and the items picked. */
export interface LabellingPlan {
  definition: TaskDefinition;
  task: TeacherTask<unknown, unknown>;
  items: unknown[];
  runParams: Record<string, unknown>;
}

export interface RunLabellingOptions
  extends Pick<
    RunTeacherOptions<unknown, unknown>,
    "limits" | "signal" | "abortSignal" | "params" | "dryRun"
  > {
  model: LanguageModel;
  onEvent?: ((event: TeacherEvent) => void) | undefined;
  prices?: PriceTable | undefined;
  /** More settings to record with the run (never secrets). */
  runParams?: Record<string, unknown> | undefined;
  /**
   * How long an item this process claimed stays its own without a heartbeat: other processes on
   * the workspace take over the items of one that stopped (or died) after this long.
   * @default DEFAULT_LEASE_TTL_MS (30 s)
   */
  leaseTtlMs?: number | undefined;
  /** Where answers and failures go. @default the workspace's call cache */
  cache?: CallCache | undefined;
}

export interface LabellingResult {
  summary: TeacherRunSummary;
  /** How this run's quotes were tied to the text; undefined for tasks without quotes and for dry runs. */
  alignment?: AlignmentStats;
}

const optionOf = (setting: string): string => `--${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Picks the task from the registry and its items from the workspace's documents. Refuses
 * settings the task does not read and a workspace with nothing to label.
 */
export function planLabelling(workspace: Workspace, options: LabellingPlanOptions): LabellingPlan {
  const definition = taskRegistry.get(options.task);
  const settings = options.settings ?? {};
  const foreign = (Object.keys(settings) as (keyof LabelTaskSettings)[]).filter(
    (setting) => settings[setting] !== undefined && !definition.settings.includes(setting),
  );
  if (foreign.length > 0) {
    throw new UsageError(
      `--task ${definition.name} does not take ${foreign.map(optionOf).join(", ")}` +
        (definition.settings.length > 0 ? ` (it takes ${definition.settings.map(optionOf).join(", ")})` : ""),
    );
  }
  const { source, splits } = options;
  const documents =
    source === undefined && splits === undefined
      ? workspace.documents
      : {
          *iterate(query: { source?: string } = {}) {
            if (source !== undefined && query.source !== undefined && query.source !== source) return;
            const wanted = source ?? query.source;
            for (const document of workspace.documents.iterate(
              wanted === undefined ? {} : { source: wanted },
            )) {
              const split = document.meta?.split;
              if (splits === undefined || (typeof split === "string" && splits.includes(split)))
                yield document;
            }
          },
        };
  const prepared = definition.prepare(settings, documents);
  if (prepared.items.length === 0) {
    throw new UsageError(
      `nothing to label: the workspace ${workspace.dir} has no documents${source === undefined ? "" : ` from ${source}`}${splits === undefined ? "" : ` in the ${splits.join("/")} split`} (jobdistill import FILE)`,
    );
  }
  const selection = options.selection ?? {};
  return {
    definition,
    task: prepared.task,
    items: selectItems(prepared.items, selection),
    runParams: {
      ...prepared.runParams,
      selection: {
        limit: selection.limit,
        sample: selection.sample,
        seed: selection.sample ? selection.seed : undefined,
      },
    },
  };
}

/**
 * A labelling run: the teacher over the plan's items through the workspace's call cache and run
 * ledger, then the alignment summary of what this run stored (kept with the run's report).
 */
export async function runLabelling(
  workspace: Workspace,
  plan: LabellingPlan,
  options: RunLabellingOptions,
): Promise<LabellingResult> {
  const { runParams, onEvent, prices, leaseTtlMs, cache, ...rest } = options;
  // Several `label` processes on one workspace split the items through leases in the store.
  const claims = options.dryRun
    ? undefined
    : workspace.leases.holder({ scope: plan.task.name, ttlMs: leaseTtlMs });
  let summary: TeacherRunSummary;
  try {
    summary = await runTeacher({
      ...rest,
      cache: cache ?? workspace.calls,
      recorder: workspace.runs,
      task: plan.task,
      items: plan.items,
      onEvent,
      prices,
      runParams: { ...plan.runParams, ...runParams },
      claims,
    });
  } finally {
    claims?.close();
  }
  if (summary.estimate) return { summary };
  const alignment = alignmentStatsOfPayloads(
    workspace.annotations
      .list({ task: plan.task.name, runId: summary.runId })
      .map((annotation) => annotation.payload),
  );
  if (alignment.total === 0) return { summary };
  workspace.runs.finish(summary.runId, summary.interrupted ? "interrupted" : "done", {
    report: { ...summary, alignment },
  });
  return { summary, alignment };
}

/** Plan and run in one call (the library's `label`). */
export async function labelWorkspace(
  workspace: Workspace,
  options: LabellingPlanOptions & RunLabellingOptions,
): Promise<LabellingResult & { plan: LabellingPlan }> {
  const { task, settings, selection, source, ...run } = options;
  const plan = planLabelling(workspace, {
    task,
    settings,
    selection,
    source,
  });
  return { plan, ...(await runLabelling(workspace, plan, run)) };
}
