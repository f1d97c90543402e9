import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { type ImportProgress, type ImportSummary, importDocuments } from "../../dataset/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const importOptionsSchema = z.strictObject({
  idColumn: z.string().min(1).optional(),
  textColumn: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  limit: z.coerce.number().int().positive().optional(),
  errors: z.string().min(1).optional(),
  batchSize: z.coerce.number().int().positive().optional(),
});

function summaryLines(summary: ImportSummary): string[] {
  const rate = summary.rows / Math.max(summary.seconds, 0.001);
  const lines = [
    `imported ${summary.rows} rows from ${summary.files.length} input(s) in ${summary.seconds.toFixed(1)}s (${Math.round(rate)} rows/s): ` +
      `${summary.inserted} inserted, ${summary.duplicates} duplicates, ${summary.idConflicts} id conflicts, ${summary.badRows} bad rows`,
  ];
  for (const refused of summary.refusedSamples) {
    lines.push(`  ${refused.file}${refused.line === undefined ? "" : `:${refused.line}`}: ${refused.reason}`);
  }
  const refusedCount = summary.badRows + summary.idConflicts;
  if (refusedCount > summary.refusedSamples.length && !summary.errorsFile) {
    lines.push(
      `  … ${refusedCount - summary.refusedSamples.length} more: use --errors FILE to keep every refused row`,
    );
  }
  if (summary.errorsFile && refusedCount > 0) lines.push(`refused rows written to ${summary.errorsFile}`);
  return [...lines, ...skipAndTextLines(summary)];
}

/** What was not read (skipped files) and what was read with damage (invalid UTF-8, NUL bytes). */
function skipAndTextLines({ skipped, textIssues }: ImportSummary): string[] {
  const lines: string[] = [];
  if (skipped.total > 0) {
    const reasons = Object.entries(skipped.byReason).map(([reason, n]) => `${n} ${reason}`);
    lines.push(`skipped ${skipped.total} file(s), never read: ${reasons.join(", ")}`);
    for (const file of skipped.samples) lines.push(`  ${file.path}: ${file.reason}`);
    if (skipped.total > skipped.samples.length)
      lines.push(`  … ${skipped.total - skipped.samples.length} more`);
  }
  if (textIssues.invalidUtf8 + textIssues.nul > 0) {
    lines.push(
      `text issues in imported rows: ${textIssues.invalidUtf8} with invalid UTF-8 (read as U+FFFD), ` +
        `${textIssues.nul} with NUL bytes (kept)`,
    );
    for (const sample of textIssues.samples.slice(0, 5)) {
      lines.push(`  ${sample.file}${sample.line === undefined ? "" : `:${sample.line}`}: ${sample.issue}`);
    }
  }
  return lines;
}

export function registerImportCommand(program: Command, io: CliIo): void {
  program
    .command("import")
    .description(
      "Import documents (job adverts, …): CSV, JSONL, Parquet, or folders of .txt/.md/.html/.pdf/.docx files.",
    )
    .argument(
      "<files...>",
      "CSV, JSONL (.jsonl/.ndjson), Parquet files, .txt/.md/.html/.pdf/.docx files or folders",
    )
    .option(
      "--id-column <name>",
      "column holding the document id (default: id or job_id, else a content hash)",
    )
    .option(
      "--text-column <name>",
      "column holding the text (default: the first of text, description, job_description, body)",
    )
    .option("--source <name>", "tag stored with every document (default: the file or folder name)")
    .option("--limit <n>", "stop after N rows")
    .option("--errors <file>", "write every refused row (bad rows, id conflicts) as JSON lines to FILE")
    .option("--batch-size <n>", "rows per insert transaction", "1000")
    .addHelpText(
      "after",
      [
        "",
        "Files are streamed (any size). Documents are deduplicated by content; bad rows are counted and",
        "reported with file and line, never dropped silently. Files that are not read (FIFOs and devices, symlinks",
        "and other extensions in folders, binary .txt/.html) are listed; so are rows with invalid UTF-8 or NUL bytes.",
        "A fatal error (a broken CSV quote, a full disk) says where it stopped and how many rows were committed.",
        "Other columns are kept with each document (e.g. title, company). Folder files get their relative path as id;",
        "HTML is stored as HTML and reduced to text, offsets kept, when labelled.",
        "",
        "Examples:",
        "  $ jobdistill import postings.csv                       # LinkedIn-style: job_id + description",
        "  $ jobdistill import adverts.jsonl --source crawl-2024 --errors bad-rows.jsonl",
        "  $ jobdistill import data.csv --id-column ref --text-column advert_text --limit 1000",
        "  $ jobdistill import ./adverts/",
      ].join("\n"),
    )
    .action(async (files: string[], raw: unknown, command: Command) => {
      const options = parseCommandOptions(importOptionsSchema, raw);
      await withWorkspace(command, async (workspace) => {
        let bar: SingleBar | undefined;
        const started = Date.now();
        const onProgress = (progress: ImportProgress): void => {
          if (!io.interactive) return;
          if (!bar) {
            bar = new SingleBar({
              format:
                "{value} rows | {rate} rows/s | inserted {inserted} | duplicates {duplicates} | bad {bad}",
              stream: process.stderr,
              hideCursor: true,
            });
            bar.start(0, 0, { rate: "0", inserted: 0, duplicates: 0, bad: 0 });
          }
          const rate = progress.rows / Math.max((Date.now() - started) / 1000, 0.001);
          bar.update(progress.rows, {
            rate: Math.round(rate),
            inserted: progress.inserted,
            duplicates: progress.duplicates,
            bad: progress.badRows + progress.idConflicts,
          });
        };
        let summary: ImportSummary;
        try {
          summary = await importDocuments(workspace, files, {
            idColumn: options.idColumn,
            textColumn: options.textColumn,
            source: options.source,
            limit: options.limit,
            errorsFile: options.errors,
            batchSize: options.batchSize,
            onProgress,
          });
        } finally {
          bar?.stop();
        }
        for (const file of summary.skipped.samples) {
          if (file.reason === "not a regular file") {
            io.err(
              `warning: skipped ${file.path}: not a regular file (a FIFO, socket or device is never read)`,
            );
          }
        }
        for (const line of summaryLines(summary)) io.out(line);
      });
    });
}
