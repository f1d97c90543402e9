import type { Command } from "commander";
import { z } from "zod";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const failuresOptionsSchema = z.strictObject({
  run: z.coerce.number().int().positive("--run must be a run id").optional(),
  task: z.string().optional(),
  final: z.boolean().optional(),
  limit: z.coerce.number().int().positive("--limit must be a positive whole number"),
  json: z.boolean().optional(),
});

const clip = (text: string, length: number): string =>
  text.length <= length ? text : `${text.slice(0, length)}… (${text.length} chars)`;

export function registerFailuresCommand(program: Command, io: CliIo): void {
  program
    .command("failures")
    .description(
      "Failed teacher calls with their evidence: error, raw answer, finish reason, usage and validation issues.\n" +
        "Every failed attempt is listed; `final` marks the ones after which the item was given up.",
    )
    .option("--run <id>", "only this run")
    .option("--task <name>", "only this task")
    .option("--final", "only items that were given up")
    .option("--limit <n>", "newest N failures", "20")
    .option("--json", "print JSON (raw text in full)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobdistill failures --run 3 --final\n  $ jobdistill failures --task classify --json",
    )
    .action(async (raw: unknown, command: Command) => {
      const options = parseCommandOptions(failuresOptionsSchema, raw);
      await withReadOnlyWorkspace(command, (workspace) => {
        const failures = workspace.calls.failures({
          runId: options.run,
          task: options.task,
          ...(options.final ? { finalOnly: true } : {}),
          limit: options.limit,
        });
        if (options.json) return io.out(JSON.stringify(failures, null, 2));
        if (failures.length === 0) return io.out("no failures");
        io.out(
          failures
            .map((failure) =>
              [
                `#${failure.id} run ${failure.runId ?? "-"} ${failure.task} item ${failure.itemId} attempt ${failure.attempt}` +
                  `${failure.final ? " (final)" : ""} — ${failure.errorCode}`,
                `  ${failure.provider}/${failure.model} at ${failure.createdAt}`,
                `  ${failure.message}`,
                ...(failure.finishReason ? [`  finish reason: ${failure.finishReason}`] : []),
                ...(failure.tokensIn || failure.tokensOut
                  ? [`  tokens: ${failure.tokensIn} in, ${failure.tokensOut} out`]
                  : []),
                ...(Array.isArray(failure.issues)
                  ? failure.issues.map((issue) => `  issue: ${String(issue)}`)
                  : []),
                ...(failure.rawText === undefined
                  ? []
                  : [`  raw: ${clip(JSON.stringify(failure.rawText), 300)}`]),
              ].join("\n"),
            )
            .join("\n\n"),
        );
      });
    });
}
