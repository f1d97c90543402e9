import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { errorMessage, UsageError } from "../core/errors.ts";
import type { NewRun, RunProgress, RunRecorder, RunStatus } from "../core/ports.ts";
import type { SourceDocument } from "../core/types.ts";
import { type GateCounts, type GateReason, QualityGates } from "../dataset/dedupe/index.ts";
import type { Workspace } from "../store/index.ts";
import {
  cellOrder,
  countByCell,
  createGenerateTask,
  type GenerationItem,
  type GenerationSpec,
  type GridCell,
  generatePromptVersion,
  generationIssues,
  gridCells,
  parseGenerationSpec,
  planItemsInCells,
  planLabelItems,
  shortCells,
} from "../tasks/generate/index.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import type { PriceTable } from "../teacher/prices.ts";
import {
  type RunTeacherOptions,
  runTeacher,
  type TeacherEvent,
  type TeacherRunEstimate,
  teacherCallKey,
} from "../teacher/run-teacher.ts";

/** Reads a YAML or JSON spec file; seed paths are relative to the spec's folder. */
export function loadGenerationSpec(path: string): GenerationSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the generation spec ${path}: ${errorMessage(error)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`the generation spec ${path} is not valid YAML or JSON: ${errorMessage(error)}`);
  }
  return parseGenerationSpec(raw, { where: path, readSeed: seedReader(dirname(path)) });
}

/** Reads seed examples relative to `dir`, with an error that names the file. */
export function seedReader(dir: string): (path: string) => string {
  return (path) => {
    try {
      return readFileSync(resolve(dir, path), "utf8");
    } catch (error) {
      throw new UsageError(`cannot read seed example ${path}: ${errorMessage(error)}`);
    }
  };
}

export interface GenerateOptions
  extends Pick<
    RunTeacherOptions<unknown, unknown>,
    "limits" | "signal" | "abortSignal" | "params" | "dryRun"
  > {
  spec: GenerationSpec;
  model: LanguageModel;
  onEvent?: ((event: TeacherEvent) => void) | undefined;
  /** Told when a round starts: 0 is the first pass, later ones are top-ups. */
  onRound?: ((round: number, items: number) => void) | undefined;
  prices?: PriceTable | undefined;
  /** More settings to record with the run (never secrets). */
  runParams?: Record<string, unknown> | undefined;
}

export interface GenerationLabelReport {
  label: string;
  target: number;
  /** Items asked of the teacher (first pass and top-ups). */
  planned: number;
  /** Items with an answer. */
  generated: number;
  accepted: number;
  /** Target minus accepted, when short. */
  short: number;
  /** Items per grid cell, as planned for the first pass, and as accepted. */
  cells: { planned: Record<string, number>; accepted: Record<string, number> };
}

export interface GenerationRejection {
  itemId: string;
  label: string;
  index: number;
  cell: GridCell;
  reason: GateReason;
  detail: string;
}

export type GenerationStop = "balanced" | "max-rounds" | "max-calls" | "failed" | "interrupted";

export interface GenerationReport {
  specHash: string;
  promptVersion: number;
  taskVersion: string;
  /** Why the top-ups stopped. */
  stoppedBy: GenerationStop;
  balanced: boolean;
  rounds: { round: number; items: number; done: number; cached: number; failed: number; accepted: number }[];
  topUpCalls: number;
  gates: GateCounts & {
    /** Items the teacher gave no valid answer for (after re-asks): the schema/length gate at the call. */
    failed: number;
    /** Synthetic documents of other specs already in the workspace, that new items must not near-duplicate. */
    earlierDocuments: number;
    nearDuplicateThreshold: number;
    shingleWords: number;
    lsh: { bands: number; rows: number; comparisons: number };
    seedCopyWords: number;
  };
  labels: GenerationLabelReport[];
  stored: { inserted: number; alreadyStored: number; sameTextElsewhere: number; idConflicts: number };
  rejected: GenerationRejection[];
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  durationMs: number;
}

export interface GenerationResult {
  /** 0 for a dry run. */
  runId: number;
  interrupted: boolean;
  /** Undefined for a dry run. */
  report?: GenerationReport;
  /** Dry run only: the first pass (top-ups come on top, up to `spec.topUp.maxCalls`). */
  estimate?: TeacherRunEstimate & { cells: Record<string, Record<string, number>> };
}

/**
 * The run ledger of a whole generation: every round's teacher run writes into one run row, with
 * counts added over the rounds; the workflow finishes it with the generation's report.
 */
class GenerationRunRecorder implements RunRecorder {
  runId: number | undefined;
  private readonly before = { total: 0, done: 0, skipped: 0, failed: 0 };
  private readonly current = { total: 0, done: 0, skipped: 0, failed: 0 };

  constructor(private readonly inner: RunRecorder) {}

  markAbandoned(): void {
    if (this.runId === undefined) this.inner.markAbandoned();
  }

  start(run: NewRun): number {
    this.before.total += this.current.total;
    this.before.done += this.current.done;
    this.before.skipped += this.current.skipped;
    this.before.failed += this.current.failed;
    Object.assign(this.current, { total: run.itemsTotal ?? 0, done: 0, skipped: 0, failed: 0 });
    if (this.runId === undefined) {
      this.runId = this.inner.start(run);
    } else {
      this.inner.progress(this.runId, { itemsTotal: this.before.total + this.current.total });
    }
    return this.runId;
  }

  progress(id: number, progress: RunProgress): void {
    if (progress.itemsDone !== undefined) this.current.done = progress.itemsDone;
    if (progress.itemsSkipped !== undefined) this.current.skipped = progress.itemsSkipped;
    if (progress.itemsFailed !== undefined) this.current.failed = progress.itemsFailed;
    this.inner.progress(id, {
      itemsDone: this.before.done + this.current.done,
      itemsSkipped: this.before.skipped + this.current.skipped,
      itemsFailed: this.before.failed + this.current.failed,
    });
  }

  /** A round's end is not the run's end: see `end`. */
  finish(): void {}

  end(status: Exclude<RunStatus, "running">, extra: { report?: unknown; error?: string }): void {
    if (this.runId !== undefined) this.inner.finish(this.runId, status, extra);
  }
}

/** The first pass and top-ups interleaved by index, so no label is favoured when texts collide. */
const byIndexThenLabel =
  (labelOrder: ReadonlyMap<string, number>) =>
  (a: GenerationItem, b: GenerationItem): number =>
    a.index - b.index || (labelOrder.get(a.label) ?? 0) - (labelOrder.get(b.label) ?? 0);

/** The `source` of a spec's generated documents. */
export const generatedSource = (specHash: string): string => `generate:${specHash.slice(0, 12)}`;

/**
 * Writes a spec's stored documents as JSON lines, `{ id, text, synthetic, label, cell, … }` (what
 * `jobdistill import` reads back, the extra fields into `meta`). Returns how many were written.
 */
export function writeGeneratedJsonl(workspace: Workspace, specHash: string, out: string): number {
  const lines: string[] = [];
  for (const document of workspace.documents.iterate({ source: generatedSource(specHash) })) {
    lines.push(JSON.stringify({ id: document.id, text: document.text, ...document.meta }));
  }
  try {
    writeFileSync(out, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
  } catch (error) {
    throw new UsageError(`cannot write ${out}: ${errorMessage(error)}`);
  }
  return lines.length;
}

/** `synthetic-devops-17-3f9a…`: readable, and one per call key. */
const documentIdOf = (item: GenerationItem, key: string): string =>
  `synthetic-${item.label}-${item.index}-${key.slice(0, 10)}`;

/**
 * Generates a spec's documents: a first pass spread over the grid cells, quality gates (schema
 * and length, seed copies, near-duplicates across every generated item), then top-up rounds for
 * labels left short, until each label reaches its count or the round/call caps are hit. Every call
 * goes through the teacher engine's cache, so a rerun resumes and never generates an item twice;
 * accepted texts are stored as documents with their provenance in `meta`, rejected ones are kept
 * in the run's report with the reason.
 */
export async function generateDocuments(
  workspace: Workspace,
  options: GenerateOptions,
): Promise<GenerationResult> {
  const { spec, model } = options;
  const startedAt = performance.now();
  const task = createGenerateTask();
  const params = options.params ?? {};
  const cells = gridCells(spec.grid);
  const labelOrder = new Map(spec.labels.map((label, position) => [label.name, position]));
  const order = new Map(spec.labels.map((label) => [label.name, cellOrder(cells, label.name, spec.seed)]));
  const firstPass = spec.labels
    .flatMap((label) => planLabelItems(spec, label, order.get(label.name) ?? cells, 0, label.count))
    .sort(byIndexThenLabel(labelOrder));
  const plannedCells = Object.fromEntries(
    spec.labels.map((label) => [
      label.name,
      countByCell(firstPass.filter((item) => item.label === label.name)),
    ]),
  );
  const runParams = {
    specHash: spec.specHash,
    promptVersion: generatePromptVersion,
    document: spec.document,
    labels: Object.fromEntries(spec.labels.map((label) => [label.name, label.count])),
    grid: Object.fromEntries(spec.grid.map((dimension) => [dimension.name, dimension.values])),
    cells: cells.length,
    words: spec.words,
    seed: spec.seed,
    gates: spec.gates,
    topUp: spec.topUp,
    ...options.runParams,
  };
  const teacherOptions = {
    cache: workspace.calls,
    task,
    model,
    limits: options.limits,
    prices: options.prices,
    signal: options.signal,
    abortSignal: options.abortSignal,
    onEvent: options.onEvent,
    params,
    runKind: "generate",
    runParams,
  };

  if (options.dryRun) {
    const summary = await runTeacher({
      ...teacherOptions,
      recorder: workspace.runs,
      items: firstPass,
      dryRun: true,
    });
    if (summary.estimate === undefined) throw new Error("a dry run returned no estimate");
    return { runId: 0, interrupted: false, estimate: { ...summary.estimate, cells: plannedCells } };
  }

  const recorder = new GenerationRunRecorder(workspace.runs);
  const gates = new QualityGates({
    seeds: spec.labels.flatMap((label) => label.seeds),
    seedCopyWords: spec.gates.seedCopyWords,
    nearDuplicate: {
      threshold: spec.gates.nearDuplicateThreshold,
      shingleWords: spec.gates.shingleWords,
      permutations: spec.gates.minhashPermutations,
      seed: spec.seed,
    },
  });
  // Synthetic documents stored by other generations (another spec, model or prompt version) count
  // as generated items too: a new item that near-duplicates one of them is rejected. This
  // generation's own documents are judged again as their items come from the cache.
  let earlierDocuments = 0;
  for (const document of workspace.documents.iterate()) {
    const meta = document.meta;
    if (meta?.synthetic !== true) continue;
    const own =
      meta.specHash === spec.specHash &&
      meta.provider === model.provider &&
      meta.model === model.modelId &&
      meta.taskVersion === task.version;
    if (!own && gates.remember(document.id, document.text)) earlierDocuments++;
  }
  const perLabel = new Map(
    spec.labels.map((label) => [
      label.name,
      { nextIndex: label.count, planned: 0, generated: 0, accepted: [] as GenerationItem[] },
    ]),
  );
  const rejected: GenerationRejection[] = [];
  const rounds: GenerationReport["rounds"] = [];
  const stored = { inserted: 0, alreadyStored: 0, sameTextElsewhere: 0, idConflicts: 0 };
  const spend = { tokensIn: 0, tokensOut: 0, costUsd: 0 };
  let teacherFailed = 0;
  let topUpCalls = 0;
  let interrupted = false;
  let stoppedBy: GenerationStop = "balanced";

  const report = (): GenerationReport => {
    const labels = spec.labels.map((label): GenerationLabelReport => {
      const state = perLabel.get(label.name);
      const accepted = state?.accepted ?? [];
      return {
        label: label.name,
        target: label.count,
        planned: state?.planned ?? 0,
        generated: state?.generated ?? 0,
        accepted: accepted.length,
        short: Math.max(0, label.count - accepted.length),
        cells: { planned: plannedCells[label.name] ?? {}, accepted: countByCell(accepted) },
      };
    });
    return {
      specHash: spec.specHash,
      promptVersion: generatePromptVersion,
      taskVersion: task.version,
      stoppedBy,
      balanced: labels.every((label) => label.short === 0),
      rounds,
      topUpCalls,
      gates: {
        ...gates.counts,
        failed: teacherFailed,
        earlierDocuments,
        nearDuplicateThreshold: spec.gates.nearDuplicateThreshold,
        shingleWords: spec.gates.shingleWords,
        lsh: gates.nearDuplicateIndex,
        seedCopyWords: spec.gates.seedCopyWords,
      },
      labels,
      stored,
      rejected,
      ...spend,
      durationMs: performance.now() - startedAt,
    };
  };

  try {
    let queue = firstPass;
    for (let round = 0; ; round++) {
      options.onRound?.(round, queue.length);
      const summary = await runTeacher({ ...teacherOptions, recorder, items: queue });
      spend.tokensIn += summary.tokensIn;
      spend.tokensOut += summary.tokensOut;
      spend.costUsd += summary.costUsd;
      const documents: SourceDocument[] = [];
      let acceptedThisRound = 0;
      for (const item of queue) {
        const state = perLabel.get(item.label);
        if (state === undefined) continue;
        state.planned++;
        const key = teacherCallKey(model, task, params, item);
        const output = workspace.calls.cachedOutput(key) as { text?: unknown } | undefined;
        if (output === undefined) continue;
        state.generated++;
        const issues = generationIssues(item, output);
        const text = typeof output.text === "string" ? output.text.trim() : "";
        const itemId = task.itemId(item);
        const rejection = gates.check(itemId, text, issues);
        if (rejection) {
          rejected.push({
            itemId,
            label: item.label,
            index: item.index,
            cell: item.cell,
            reason: rejection.reason,
            detail: rejection.detail,
          });
          continue;
        }
        state.accepted.push(item);
        acceptedThisRound++;
        documents.push({
          id: documentIdOf(item, key),
          text,
          source: generatedSource(spec.specHash),
          meta: {
            synthetic: true,
            label: item.label,
            cell: item.cell,
            model: model.modelId,
            provider: model.provider,
            promptVersion: generatePromptVersion,
            taskVersion: task.version,
            specHash: spec.specHash,
            index: item.index,
          },
        });
      }
      for (const result of workspace.documents.insertMany(documents)) {
        if (result.status === "inserted") stored.inserted++;
        else if (result.status === "id-conflict") stored.idConflicts++;
        else if (result.existingId === result.id) stored.alreadyStored++;
        else stored.sameTextElsewhere++;
      }
      teacherFailed += summary.failed;
      rounds.push({
        round,
        items: queue.length,
        done: summary.done,
        cached: summary.skipped,
        failed: summary.failed,
        accepted: acceptedThisRound,
      });
      if (summary.interrupted) {
        interrupted = true;
        stoppedBy = "interrupted";
        break;
      }
      if (summary.failed > 0) {
        // A failing teacher is not topped up (it would only fail more): a rerun retries these items.
        stoppedBy = "failed";
        break;
      }
      const deficits = spec.labels
        .map((label) => ({ label, short: label.count - (perLabel.get(label.name)?.accepted.length ?? 0) }))
        .filter((deficit) => deficit.short > 0);
      if (deficits.length === 0) {
        stoppedBy = "balanced";
        break;
      }
      if (round >= spec.topUp.maxRounds) {
        stoppedBy = "max-rounds";
        break;
      }
      if (topUpCalls >= spec.topUp.maxCalls) {
        stoppedBy = "max-calls";
        break;
      }
      queue = [];
      for (const { label, short } of deficits) {
        const state = perLabel.get(label.name);
        const calls = Math.min(short, spec.topUp.maxCalls - topUpCalls);
        if (state === undefined || calls <= 0) continue;
        const labelOrderOfCells = order.get(label.name) ?? cells;
        // The cells left short first; any further calls continue the label's cycle of cells.
        const wanted = shortCells(
          labelOrderOfCells,
          plannedCells[label.name] ?? {},
          countByCell(state.accepted),
        );
        for (let k = wanted.length; k < calls; k++) {
          wanted.push(labelOrderOfCells[(state.nextIndex + k) % labelOrderOfCells.length] ?? {});
        }
        queue.push(...planItemsInCells(spec, label, wanted.slice(0, calls), state.nextIndex));
        state.nextIndex += calls;
        topUpCalls += calls;
      }
      queue.sort(byIndexThenLabel(labelOrder));
    }
  } catch (error) {
    recorder.end("failed", { report: report(), error: errorMessage(error) });
    throw error;
  }
  const final = report();
  recorder.end(interrupted ? "interrupted" : "done", { report: final });
  return { runId: recorder.runId ?? 0, interrupted, report: final };
}

const countSchema = z.number().int().min(0);
/** The part of a stored generation report that `runs show` prints (the store is a boundary too). */
const reportSummarySchema = z.object({
  stoppedBy: z.string(),
  topUpCalls: countSchema,
  rounds: z.array(z.object({ round: countSchema, items: countSchema, accepted: countSchema })),
  gates: z.object({
    checked: countSchema,
    accepted: countSchema,
    invalid: countSchema,
    seedCopies: countSchema,
    nearDuplicates: countSchema,
    failed: countSchema,
    earlierDocuments: countSchema.optional(),
    nearDuplicateThreshold: z.number(),
    shingleWords: countSchema,
    seedCopyWords: countSchema,
    lsh: z.object({ bands: countSchema, rows: countSchema }),
  }),
  labels: z.array(
    z.object({
      label: z.string(),
      target: countSchema,
      accepted: countSchema,
      short: countSchema,
      cells: z.object({ accepted: z.record(z.string(), countSchema) }),
    }),
  ),
  stored: z.object({
    inserted: countSchema,
    alreadyStored: countSchema,
    sameTextElsewhere: countSchema,
    idConflicts: countSchema,
  }),
});
export type GenerationReportSummary = z.infer<typeof reportSummarySchema>;

/** A run's stored report as a generation report, or undefined when it is not one. */
export function generationReportOf(report: unknown): GenerationReportSummary | undefined {
  const parsed = reportSummarySchema.safeParse(report);
  return parsed.success ? parsed.data : undefined;
}

/** The gate and balance lines `generate` prints and `runs show` repeats. */
export function describeGenerationReport(report: GenerationReportSummary): string[] {
  const { gates } = report;
  return [
    `gates: ${gates.checked} checked, ${gates.accepted} accepted; rejected ${gates.invalid} invalid, ` +
      `${gates.seedCopies} seed copies (≥ ${gates.seedCopyWords} shared words), ` +
      `${gates.nearDuplicates} near-duplicates (Jaccard ≥ ${gates.nearDuplicateThreshold}, ` +
      `${gates.shingleWords}-word shingles, LSH ${gates.lsh.bands}×${gates.lsh.rows}` +
      `${gates.earlierDocuments ? `, also against ${gates.earlierDocuments} earlier synthetic documents` : ""}); ${gates.failed} failed calls`,
    `rounds: ${report.rounds.map((round) => `${round.round}: ${round.accepted}/${round.items} accepted`).join(", ")}` +
      ` (${report.topUpCalls} top-up calls; stopped: ${report.stoppedBy})`,
    ...report.labels.map(
      (label) =>
        `  ${label.label}: ${label.accepted}/${label.target} accepted${label.short > 0 ? ` (${label.short} short)` : ""}; ` +
        `cells ${Object.entries(label.cells.accepted)
          .map(([cell, count]) => `${cell}: ${count}`)
          .join("; ")}`,
    ),
    `stored: ${report.stored.inserted} new documents, ${report.stored.alreadyStored} already stored` +
      (report.stored.sameTextElsewhere > 0
        ? `, ${report.stored.sameTextElsewhere} same text as another document`
        : "") +
      (report.stored.idConflicts > 0 ? `, ${report.stored.idConflicts} id conflicts` : ""),
  ];
}
