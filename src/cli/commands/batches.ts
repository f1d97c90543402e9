import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { loadPrices } from "../../teacher/index.ts";
import { cancelBatch, collectBatches, createTeacher, listBatches } from "../../workflows/index.ts";
import {
  addBatchOptions,
  batchLabellingOptionsOf,
  batchOptionFields,
  batchTable,
  renderBatchResult,
  throwIfUnfinished,
} from "../batch-options.ts";
import { type CliIo, withReadOnlyWorkspace, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";
import { table } from "../table.ts";
import {
  addTeacherOptions,
  interruptHandlers,
  teacherChoiceOf,
  teacherOptionFields,
  teacherProgressPrinter,
} from "../teacher-options.ts";

const listOptionsSchema = z.strictObject({ json: z.boolean().optional() });
const collectOptionsSchema = z.strictObject({ ...teacherOptionFields, ...batchOptionFields });

export function registerBatchesCommand(program: Command, io: CliIo): void {
  const batches = program
    .command("batches")
    .description(
      "List the provider batches of label --batch with their status and counts. batches collect downloads what finished and labels it.",
    )
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  $ jobdistill batches\n  $ jobdistill batches collect --wait")
    .action(async (raw: unknown, command: Command) => {
      const options = parseCommandOptions(listOptionsSchema, raw);
      await withReadOnlyWorkspace(command, (workspace) => {
        const stored = listBatches(workspace);
        if (options.json) return io.out(JSON.stringify(stored, null, 2));
        io.out(
          stored.length === 0 ? "no batches yet (jobdistill label … --batch)" : table(batchTable(stored)),
        );
      });
    });

  const collect = batches
    .command("collect")
    .description(
      "Poll every open batch, download the output and error files of those that finished, feed the answers " +
        "through the same parse, repair, validate and align path as online calls, and submit follow-ups.",
    );
  addBatchOptions(addTeacherOptions(collect)).action(
    async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(collectOptionsSchema, raw);
      const prices = loadPrices(options.prices);
      await withWorkspace(command, async (workspace) => {
        const interrupts = interruptHandlers(io);
        const progress = teacherProgressPrinter(io);
        let results: Awaited<ReturnType<typeof collectBatches>>;
        try {
          results = await collectBatches(workspace, {
            ...batchLabellingOptionsOf(options, { io, prices, signal: interrupts.graceful.signal, progress }),
            modelFor: (plan) => createTeacher({ ...teacherChoiceOf(options, io), model: plan.model }),
          });
        } finally {
          progress.stop();
          interrupts.dispose();
        }
        if (results.length === 0) return io.out("no batches yet (jobdistill label … --batch)");
        for (const { plan, result } of results)
          io.out(`${plan.task} (${plan.model}): ${renderBatchResult(result)}`);
        throwIfUnfinished(results.map(({ result }) => result));
      });
    },
  );

  const cancel = batches
    .command("cancel <id>")
    .description(
      "Cancel a submitted batch (its id in jobdistill batches). What it finished is collected as usual, the rest resubmitted.",
    );
  addTeacherOptions(cancel).action(async (id: string, raw: Record<string, unknown>, command: Command) => {
    const options = parseCommandOptions(z.strictObject(teacherOptionFields), raw);
    const batchId = Number(id);
    if (!Number.isInteger(batchId) || batchId <= 0) {
      throw new UsageError(`batch id must be a positive whole number, not ${id}`);
    }
    await withWorkspace(command, async (workspace) => {
      const cancelled = await cancelBatch(workspace, batchId, (model) =>
        createTeacher({ ...teacherChoiceOf(options, io), model }),
      );
      io.out(
        `batch ${cancelled.id} (${cancelled.providerBatchId ?? "?"}): ${cancelled.providerStatus ?? "?"}`,
      );
    });
  });
}
