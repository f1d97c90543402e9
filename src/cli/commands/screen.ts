import { existsSync, writeFileSync } from "node:fs";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { openWorkspace } from "../../store/index.ts";
import {
  openScreenModel,
  readScreenInputs,
  screenDocuments,
  screenRowsToCsv,
} from "../../workflows/index.ts";
import { type CliIo, workspaceDirOf } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const screenOptionsSchema = z.strictObject({
  model: z.string().min(1, "--model needs a registered screen model name or a model file"),
  out: z.string().min(1).optional(),
  threshold: z.coerce
    .number({ error: "--threshold must be a number from 0 to 1" })
    .min(0, "--threshold must be a number from 0 to 1")
    .max(1, "--threshold must be a number from 0 to 1")
    .optional(),
  top: z.coerce
    .number({ error: "--top must be a whole number ≥ 1" })
    .int("--top must be a whole number ≥ 1")
    .min(1, "--top must be a whole number ≥ 1")
    .optional(),
  explain: z.coerce
    .number({ error: "--explain must be a whole number from 0 to 10" })
    .int("--explain must be a whole number from 0 to 10")
    .min(0, "--explain must be a whole number from 0 to 10")
    .max(10, "--explain must be a whole number from 0 to 10")
    .default(3),
  json: z.boolean().optional(),
  textColumn: z.string().min(1).optional(),
  idColumn: z.string().min(1).optional(),
  maxFailures: z.coerce
    .number({ error: "--max-failures must be a whole number ≥ 0" })
    .int("--max-failures must be a whole number ≥ 0")
    .min(0, "--max-failures must be a whole number ≥ 0")
    .default(0),
});

export function registerScreenCommand(program: Command, io: CliIo): void {
  program
    .command("screen")
    .description(
      [
        "Screen documents (resumes) with a screen model from `train --task screen`: one row per",
        "document, ranked by the positive label's score, with the sentences that drove it.",
        "Reads .txt/.md/.html/.pdf/.docx files, folders of them (recursively) and CSV/JSONL rows.",
        "A file with no readable text (broken, encrypted, image-only) is listed on stderr with the",
        "reason; the ranking of the others is still written, and the exit code is 1 when more",
        "files failed than --max-failures allows.",
      ].join("\n"),
    )
    .argument("<paths...>", "files, folders, or CSV/JSONL tables")
    .requiredOption("--model <name>", "a registered screen model (e.g. screen-encoder) or a model file")
    .option("--out <file>", "write the ranking here (CSV, or JSON with --json); default: standard output")
    .option("--threshold <t>", "keep only documents whose score reaches t (0–1)")
    .option("--top <k>", "keep only the k best documents")
    .option("--explain <n>", "supporting sentences per document (default 3)")
    .option("--json", "JSON instead of CSV")
    .option("--text-column <name>", "CSV/JSONL: the text column (default text, description, body, resume)")
    .option("--id-column <name>", "CSV/JSONL: the id column (default id, else file:line)")
    .option("--max-failures <n>", "unreadable files tolerated before the exit code says failure (default 0)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ jobdistill train --task screen --labels devops,other",
        "  $ jobdistill screen --model screen-encoder resumes/ --out ranked.csv --top 20",
        "  $ jobdistill screen --model screen-ngram applicants.csv --text-column resume --threshold 0.7 --json",
      ].join("\n"),
    )
    .action(async (paths: string[], raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(screenOptionsSchema, raw);
      // A registered name needs the workspace; a model file path does not.
      const dir = workspaceDirOf(command);
      const workspace = existsSync(dir) ? openWorkspace(dir, { create: false }) : undefined;
      try {
        const model = await openScreenModel(workspace, options.model);
        try {
          const { inputs, failures } = await readScreenInputs(paths, {
            textColumn: options.textColumn,
            idColumn: options.idColumn,
          });
          for (const failure of failures) io.err(`${failure.id}: ${failure.reason}`);
          const bar =
            io.interactive && inputs.length >= 50
              ? new SingleBar({
                  format: "screening [{bar}] {value}/{total} documents",
                  stream: process.stderr,
                })
              : undefined;
          bar?.start(inputs.length, 0);
          const started = performance.now();
          const rows = await screenDocuments(model, inputs, {
            threshold: options.threshold,
            top: options.top,
            explain: options.explain,
            onProgress: (done) => bar?.update(done),
          }).finally(() => bar?.stop());
          const seconds = (performance.now() - started) / 1000;
          const text = options.json
            ? `${JSON.stringify(rows, null, 2)}\n`
            : screenRowsToCsv(rows, options.explain);
          if (options.out) writeFileSync(options.out, text);
          else io.out(text);
          io.err(
            `screened ${inputs.length} document${inputs.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s` +
              `, ${rows.length} row${rows.length === 1 ? "" : "s"}${options.threshold === undefined ? "" : ` at or above ${options.threshold}`} written${options.out ? ` to ${options.out}` : ""}` +
              `; ${failures.length} unreadable`,
          );
          if (failures.length > options.maxFailures) {
            throw new InputError(
              `${failures.length} file${failures.length === 1 ? "" : "s"} had no readable text (more than --max-failures ${options.maxFailures}); each is listed above with the reason`,
              { data: { failures: failures.length } },
            );
          }
        } finally {
          await model.close?.();
        }
      } finally {
        workspace?.close();
      }
    });
}
