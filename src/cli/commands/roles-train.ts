import type { Command } from "commander";
import { z } from "zod";
import type { RankingMetrics } from "../../student/roles/index.ts";
import { trainRolesModel } from "../../workflows/index.ts";
import { type CliIo, processIo } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const trainOptionsSchema = z.strictObject({
  onet: z.string().min(1).optional(),
  out: z.string().min(1),
  encoder: z.string().min(1),
  seed: z.coerce.number().int("--seed must be a whole number"),
  evaluate: z.boolean(),
});

const pct = (value: number): string => `${(100 * value).toFixed(1)}%`;
const metricsLine = (metrics: RankingMetrics): string =>
  `top-1 ${pct(metrics.top1)}, top-5 ${pct(metrics.top5)}, MRR ${metrics.mrr.toFixed(3)}, major group ${pct(metrics.majorGroupTop1)} (${metrics.queries} queries)`;

/** The `roles` command group: the one already on `program`, else a new one (whichever part registers first). */
export function rolesCommandGroup(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === "roles") ??
    program
      .command("roles")
      .description("Roles that fit a person's skills (O*NET occupations), and job-title normalisation")
  );
}

/** `jobdistill roles train`: the roles model from an O*NET folder, as one model file. */
export function registerRolesTrain(rolesCommand: Command, io: CliIo = processIo): void {
  rolesCommand
    .command("train")
    .description(
      "Train the roles model from an O*NET text export: a lexical and an encoder student over each occupation's " +
        "technologies and tasks (30% of them held out for the test figures printed), and the job-title normaliser.",
    )
    .option("--onet <dir>", "the O*NET folder (default $JOBDISTILL_SHARED/data/onet or ../shared/data/onet)")
    .requiredOption("--out <file>", "the model file to write")
    .option("--encoder <id>", "use-lite, another encoder id, or none (lexical only)", "use-lite")
    .option("--seed <n>", "seed of the splits and sampled queries", "1")
    .option("--no-evaluate", "skip scoring the held-out test queries (saves embedding them)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ jobdistill roles train --out roles.jdm\n  $ jobdistill roles train --onet db_29_2_text --out roles.jdm --encoder none",
    )
    .action(async (raw: Record<string, unknown>) => {
      const options = parseCommandOptions(trainOptionsSchema, raw);
      let shown = -1;
      const result = await trainRolesModel({
        onetDir: options.onet,
        out: options.out,
        encoder: options.encoder,
        seed: options.seed,
        evaluate: options.evaluate,
        onProgress: (progress) => {
          if (progress.stage !== "embed") {
            io.err(`${progress.stage}…`);
            return;
          }
          const tenth = progress.total === 0 ? 10 : Math.floor((10 * progress.done) / progress.total);
          if (tenth === shown) return;
          shown = tenth;
          io.err(`embedding ${progress.done}/${progress.total} phrases`);
        },
      });
      const { validation, titles } = result;
      io.out(`wrote ${result.out}: ${result.occupations} occupations from ${result.onetDir}`);
      if (result.untested > 0)
        io.out(`${result.untested} occupations had too few items to hold any out (trained on, not tested)`);
      io.out(
        result.encoder === null
          ? "students: lexical only"
          : `students: lexical + ${result.encoder} centroids (${result.embedded.texts} phrases embedded in ${result.embedded.seconds.toFixed(0)} s), lexical weight ${validation.lexicalWeight} chosen on validation`,
      );
      io.out(
        validation.queries === 0
          ? "validation: too few items for validation queries (equal fusion weights)"
          : `validation MRR (${validation.queries} queries): lexical ${validation.lexical.mrr.toFixed(3)}${validation.encoder ? `, encoder ${validation.encoder.mrr.toFixed(3)}, combined ${validation.combined?.mrr.toFixed(3)}` : ""}`,
      );
      if (result.test) {
        io.out("test (students fitted on the train items; the file holds them refitted on all items):");
        io.out(`test, 5 held-out skills: ${metricsLine(result.test.fiveSkills)}`);
        io.out(`test, 3 held-out skills: ${metricsLine(result.test.threeSkills)}`);
      }
      const usage = result.embeddingUsage;
      if (usage)
        io.out(
          `embedding requests: ${usage.requests}, ${usage.inputTokens} input tokens, ${usage.costUsd === undefined ? "cost unknown (no price for the model)" : `$${usage.costUsd.toFixed(4)}`}`,
        );
      io.out(
        `titles: held-out alternate titles top-1 ${pct(titles.top1)}; confident when the ${titles.measure} ≥ ${titles.threshold.toFixed(3)} (${pct(titles.coverage)} of them, ${pct(titles.precision)} right)`,
      );
    });
}
