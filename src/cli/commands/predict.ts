import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import { parseQueueUrl } from "../../teacher/queue/queue-url.ts";
import {
  type BadRow,
  inputForms,
  type PredictBatchSummary,
  type PredictSource,
  predictBatch,
  predictTasks,
} from "../../workflows/predict.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const outputFormats = ["json", "jsonl", "conll", "csv"] as const;

const predictOptionsSchema = z
  .strictObject({
    task: z.enum(predictTasks, { error: `--task must be one of ${predictTasks.join(", ")}` }),
    model: z.string().min(1).optional(),
    file: z.array(z.string().min(1)).optional(),
    fromWorkspace: z.boolean().optional(),
    inputFormat: z
      .enum(["auto", ...inputForms], {
        error: `--input-format must be one of auto, ${inputForms.join(", ")}`,
      })
      .optional(),
    textColumn: z.string().min(1).optional(),
    idColumn: z.string().min(1).optional(),
    textField: z.string().min(1).optional(),
    idField: z.string().min(1).optional(),
    format: z
      .enum(outputFormats, { error: `--format must be one of ${outputFormats.join(", ")}` })
      .optional(),
    output: z.string().min(1).optional(),
    html: z.boolean().optional(),
    column: z.string().min(1).optional(),
    lexicon: z.string().min(1).optional(),
    threads: z.coerce
      .number({ error: "--threads must be a whole number from 1 to 64" })
      .int({ error: "--threads must be a whole number from 1 to 64" })
      .min(1, { error: "--threads must be a whole number from 1 to 64" })
      .max(64, { error: "--threads must be a whole number from 1 to 64" })
      .optional(),
    queue: z.string().optional(),
    maxBadRows: z.coerce
      .number({ error: "--max-bad-rows must be a whole number ≥ 0" })
      .int({ error: "--max-bad-rows must be a whole number ≥ 0" })
      .min(0, { error: "--max-bad-rows must be a whole number ≥ 0" })
      .optional(),
  })
  .refine(
    (options) =>
      (options.column === undefined && options.lexicon === undefined) || options.task === "skill-type",
    {
      message: "--column and --lexicon are for --task skill-type",
    },
  )
  .refine((options) => options.format !== "conll" || options.task !== "skill-type", {
    message: "--format conll is for span tasks; --task skill-type writes csv or json",
  });

type PredictOptions = z.infer<typeof predictOptionsSchema>;

/** Where the records come from: arguments, files and folders, the workspace, else stdin. */
function sourcesOf(texts: readonly string[], options: PredictOptions, io: CliIo): PredictSource[] {
  const given = [texts.length > 0, options.file !== undefined, Boolean(options.fromWorkspace)];
  if (given.filter(Boolean).length > 1) {
    throw new UsageError("give the text as arguments, with --file, or with --from-workspace: one of them");
  }
  const form = options.inputFormat === "auto" ? undefined : options.inputFormat;
  if (texts.length > 0) {
    // skill-type: one phrase per argument; the span tasks: the arguments are one advert.
    return options.task === "skill-type"
      ? texts.map((text) => ({ kind: "text", text }))
      : [{ kind: "text", text: texts.join(" ") }];
  }
  if (options.file) {
    return options.file.map((path) => ({
      kind: "path",
      path,
      // A plain text file of skill phrases holds one per line.
      form:
        form ?? (options.task === "skill-type" && !/\.(csv|jsonl|ndjson)$/i.test(path) ? "lines" : undefined),
    }));
  }
  if (options.fromWorkspace) return [{ kind: "workspace", documents: [] }];
  const stdin = io.inputStream ?? process.stdin;
  if ((stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError(
      "nothing to predict: give TEXT, --file F…, --from-workspace, or pipe records into stdin",
    );
  }
  return [{ kind: "stream", name: "stdin", stream: stdin, form: form ?? "auto" }];
}

function describeBad(bad: BadRow): string {
  return `${bad.file}${bad.line === undefined ? "" : `:${bad.line}`}: bad row: ${bad.reason}`;
}

function summaryLine(summary: PredictBatchSummary): string {
  return `predicted ${summary.items} record${summary.items === 1 ? "" : "s"}, ${summary.badRows} bad row${summary.badRows === 1 ? "" : "s"}, in ${summary.seconds.toFixed(1)} s (${summary.itemsPerSecond.toFixed(0)} records/s)`;
}

export function registerPredictCommand(program: Command, io: CliIo): void {
  program
    .command("predict")
    .description(
      [
        "Run a trained student over one advert or a whole batch, on CPU, without any LLM.",
        "  requirements  highlights of the ten categories (category, offsets, score)",
        "  skills        skill and knowledge mentions (SkillSpan's layers)",
        "  skill-type    Hard/Soft/Unknown for skill phrases, one per record",
        "Records stream: each is written once predicted, in input order;",
        "memory stays flat however many there are.",
        "Offsets point into the visible text (HTML reduced), which json includes.",
      ].join("\n"),
    )
    .argument("[text...]", "the text to read (skill-type: one skill per argument); else --file, else stdin")
    .requiredOption("--task <task>", predictTasks.join(" | "))
    .option("--model <name>", "name prefix given to `train --name` (default: the task)")
    .option(
      "--file <paths...>",
      "files or folders: .csv a table, .jsonl/.ndjson JSON lines, a folder one record per .txt/.md/.html file, any other file one advert (skill-type: one phrase per line)",
    )
    .option("--from-workspace", "predict every document stored in the workspace (`jobdistill import`)")
    .option(
      "--input-format <form>",
      "how to read stdin and --file: auto | csv | jsonl | lines (one record per line) | text (all one record) (default auto: files by extension; stdin JSON lines when it starts with {, else one record per line)",
    )
    .option(
      "--text-column <name>",
      "CSV: the text column (default: text, description, job_description or body)",
    )
    .option("--id-column <name>", "CSV: the id column (default: id or job_id, else a content hash)")
    .option("--text-field <name>", "JSON lines: the text field (default as --text-column)")
    .option("--id-field <name>", "JSON lines: the id field (default as --id-column)")
    .option("--html", "treat every input as HTML")
    .option("--column <name>", "skill-type: read the skills from this column of CSV input (as --text-column)")
    .option(
      "--lexicon <name>",
      "skill-type: the workspace lexicon consulted first (default esco when imported)",
    )
    .option(
      "--format <format>",
      "json (one object per record and line; jsonl is the same), csv (one row per span or skill), conll (tokens and tags) (default: csv for skill-type, else json)",
    )
    .option("-o, --output <file>", "write the records to this file instead of stdout")
    .option("--threads <n>", "worker threads predicting, each with its own copy of the model (default 1)")
    .option(
      "--queue <url>",
      "redis://host:port[/db]: runs of records become jobs that `jobdistill worker`s predict (requirements, skills)",
    )
    .option("--max-bad-rows <n>", "bad rows tolerated before the exit code says failure (default 0)")
    .addHelpText(
      "after",
      [
        "",
        "Bad rows (a line that is not JSON, a missing or empty text, a CSV row with the wrong number",
        "of fields) are listed on stderr with file and line, counted, and not predicted; every other",
        "record still is. The exit code is 1 when there were more bad rows than --max-bad-rows.",
        "A progress bar (records, rate, ETA) is drawn on stderr when the output goes to a file or a",
        "pipe; a summary line (records, bad rows, time, records/s) ends every batch.",
        "",
        "Examples:",
        '  $ jobdistill predict --task requirements "5+ years of Python. We offer 30 days of holiday."',
        "  $ jobdistill predict --task requirements --file advert.html --format conll",
        "  $ jobdistill predict --task requirements --file postings.csv --text-column description --format csv -o spans.csv",
        "  $ jobdistill predict --task requirements --file adverts.jsonl --threads 2 > highlights.jsonl",
        "  $ jobdistill predict --task skills --file adverts/                # one record per file",
        "  $ jobdistill predict --task requirements --from-workspace > highlights.jsonl",
        "  $ cat adverts.jsonl | jobdistill predict --task skills           # JSON lines, or one advert per line",
        "  $ jobdistill predict --task skill-type --file skills.txt          # CSV: skill,label,confidence,source",
        "  $ jobdistill predict --task skill-type --file postings.csv --column skill",
        "  $ jobdistill predict --task skills --file corpus.jsonl --queue redis://queue-host:6379/0 -o mentions.jsonl",
      ].join("\n"),
    )
    .action(async (texts: string[], raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(predictOptionsSchema, raw);
      const task = options.task;
      const format =
        options.format === undefined
          ? task === "skill-type"
            ? "csv"
            : "jsonl"
          : options.format === "json"
            ? "jsonl"
            : options.format;
      const queue = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
      const sources = sourcesOf(texts, options, io);
      const batch = !sources.every((source) => source.kind === "text");
      await withReadOnlyWorkspace(command, async (workspace) => {
        const resolved = sources.map(
          (source): PredictSource =>
            source.kind === "workspace"
              ? {
                  kind: "workspace",
                  documents: workspace.documents.iterate(),
                  count: workspace.documents.count(),
                }
              : source,
        );
        const output =
          options.output === undefined
            ? (io.outputStream ?? process.stdout)
            : createWriteStream(options.output);
        const toTerminal = options.output === undefined && Boolean((output as { isTTY?: boolean }).isTTY);
        const bar =
          batch && io.interactive && !toTerminal
            ? // Loaded only when a bar is shown: a one-advert predict starts faster without it.
              new (await import("cli-progress")).SingleBar({
                format:
                  " predict {bar} {percentage}% | {items} records, {badRows} bad | {rate}/s | ETA {eta_formatted}",
                hideCursor: true,
                clearOnComplete: true,
              })
            : undefined;
        const started = performance.now();
        let barStarted = false;
        const summary = await predictBatch(workspace, {
          task,
          model: options.model,
          lexicon: options.lexicon,
          threads: options.threads,
          queue,
          onWarning: (message) => io.err(`warning: ${message}`),
          sources: resolved,
          format,
          output,
          endOutput: options.output !== undefined,
          textColumn: options.textColumn ?? options.column,
          idColumn: options.idColumn,
          textField: options.textField ?? options.column,
          idField: options.idField,
          html: options.html,
          onBadRow: (bad) => io.err(`jobdistill: ${describeBad(bad)}`),
          onProgress: bar
            ? (progress) => {
                const payload = {
                  items: progress.items,
                  badRows: progress.badRows,
                  rate: Math.round(progress.items / Math.max((performance.now() - started) / 1000, 1e-3)),
                };
                if (!barStarted) {
                  // Without a known total (stdin), the bar shows records and rate only.
                  bar.start(progress.total ?? 0, 0, payload);
                  barStarted = true;
                }
                bar.update(progress.total === undefined ? 0 : progress.done, payload);
              }
            : undefined,
        }).finally(() => {
          if (barStarted) bar?.stop();
        });
        if (batch) io.err(summaryLine(summary));
        const tolerated = options.maxBadRows ?? 0;
        if (summary.badRows > tolerated) {
          throw new InputError(
            `${summary.badRows} bad row${summary.badRows === 1 ? "" : "s"} (more than --max-bad-rows ${tolerated}); each is listed above with its file and line`,
            { data: { badRows: summary.badRows } },
          );
        }
      });
    });
}
