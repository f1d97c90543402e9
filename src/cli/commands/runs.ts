import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import {
  describeGenerationReport,
  generationReportOf,
  listRunLedger,
  type RunLedgerEntry,
  runLedgerDetail,
} from "../../workflows/index.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";
import { table } from "../table.ts";

const listOptionsSchema = z.strictObject({
  kind: z.string().optional(),
  limit: z.coerce.number().int().positive("--limit must be a positive whole number").optional(),
  json: z.boolean().optional(),
});
const showOptionsSchema = z.strictObject({ json: z.boolean().optional() });

const money = (usd: number): string => `$${usd.toFixed(4)}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function listRows(entries: readonly RunLedgerEntry[]): string[][] {
  return [
    [
      "id",
      "kind",
      "task",
      "model",
      "status",
      "done",
      "cached",
      "failed",
      "tokens in",
      "tokens out",
      "cost",
      "duration",
    ],
    ...entries.map(({ run, tokensIn, tokensOut, costUsd, durationMs }) => [
      String(run.id),
      run.kind,
      run.task ?? "",
      run.model === undefined ? "" : run.provider === undefined ? run.model : `${run.provider}/${run.model}`,
      run.status,
      String(run.itemsDone),
      String(run.itemsSkipped),
      String(run.itemsFailed),
      String(tokensIn),
      String(tokensOut),
      money(costUsd),
      seconds(durationMs),
    ]),
  ];
}

/** A generation run's gates and balance (its rejected items are in --json). */
function generationLines(kind: string, report: unknown): string[] {
  const generation = kind === "generate" ? generationReportOf(report) : undefined;
  return generation === undefined ? [] : ["", ...describeGenerationReport(generation)];
}

export function registerRunsCommand(program: Command, io: CliIo): void {
  const runs = program
    .command("runs")
    .description("List runs (labelling, judging, training…) with their items, tokens, cost and duration.")
    .option("--kind <kind>", "only runs of this kind (label, judge, …)")
    .option("--limit <n>", "only the newest N runs")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobdistill runs\n  $ jobdistill runs --kind label --limit 5\n  $ jobdistill runs show 3",
    )
    .action(async (raw: unknown, command: Command) => {
      const options = parseCommandOptions(listOptionsSchema, raw);
      await withReadOnlyWorkspace(command, (workspace) => {
        const entries = listRunLedger(workspace, {
          kind: options.kind,
          limit: options.limit,
        });
        if (options.json) return io.out(JSON.stringify(entries, null, 2));
        io.out(entries.length === 0 ? "no runs yet" : table(listRows(entries)));
      });
    });

  runs
    .command("show <id>")
    .description("One run in detail: settings, items, spend per model, failures.")
    .option("--json", "print JSON")
    .action(async (id: string, raw: { json?: boolean }, command: Command) => {
      // `--json` after `show ID` may be claimed by the parent `runs`, which has the same option.
      const parentJson = command.parent?.opts<{ json?: boolean }>().json;
      const options = parseCommandOptions(showOptionsSchema, {
        ...raw,
        ...(parentJson ? { json: true } : {}),
      });
      const runId = Number(id);
      if (!Number.isInteger(runId) || runId <= 0)
        throw new UsageError(`run id must be a positive whole number, not ${id}`);
      await withReadOnlyWorkspace(command, (workspace) => {
        const detail = runLedgerDetail(workspace, runId);
        if (detail === undefined) throw new UsageError(`there is no run ${runId} (see: jobdistill runs)`);
        if (options.json) return io.out(JSON.stringify(detail, null, 2));
        const { run } = detail;
        io.out(
          [
            `run ${run.id}: ${run.kind}${run.task ? ` ${run.task}` : ""} — ${run.status}`,
            `model: ${run.provider ?? "?"}/${run.model ?? "?"}`,
            `started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ""} (${seconds(detail.durationMs)})`,
            `items: ${run.itemsTotal} total, ${run.itemsDone} done, ${run.itemsSkipped} cached, ${run.itemsFailed} failed`,
            `failed attempts: ${detail.failedAttempts} (${detail.finalFailures} final)`,
            `settings: ${JSON.stringify(run.params)}`,
            ...(run.error ? [`error: ${run.error}`] : []),
            "",
            "spend per model:",
            table([
              ["provider", "model", "calls", "tokens in", "tokens out", "cost"],
              ...detail.spend.map((row) => [
                row.provider,
                row.model,
                String(row.calls),
                String(row.tokensIn),
                String(row.tokensOut),
                money(row.costUsd),
              ]),
            ]),
            `total: ${detail.tokensIn} in, ${detail.tokensOut} out, ${money(detail.costUsd)}`,
            ...generationLines(run.kind, run.report),
          ].join("\n"),
        );
      });
    });
}
