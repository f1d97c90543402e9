import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { type GenerationSpec, parseGenerationSpec } from "../../tasks/generate/index.ts";
import { loadPrices } from "../../teacher/index.ts";
import {
  createTeacher,
  describeGenerationReport,
  generateDocuments,
  loadGenerationSpec,
  seedReader,
  throwIfRunUnfinished,
  writeGeneratedJsonl,
} from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";
import {
  addTeacherOptions,
  count,
  interruptHandlers,
  money,
  positiveInt,
  recordedBaseUrl,
  teacherChoiceOf,
  teacherLimitsOf,
  teacherOptionFields,
  teacherProgressPrinter,
} from "../teacher-options.ts";

const nonNegativeInt = (option: string) =>
  z.coerce
    .number({ error: `${option} must be a whole number` })
    .int(`${option} must be a whole number`)
    .min(0, `${option} must be ≥ 0`);

const generateOptionsSchema = z.strictObject({
  spec: z.string().optional(),
  label: z.array(z.string()).optional(),
  seedExample: z.array(z.string()).optional(),
  count: positiveInt("--count").optional(),
  grid: z.array(z.string()).optional(),
  document: z.string().optional(),
  minWords: positiveInt("--min-words").optional(),
  maxWords: positiveInt("--max-words").optional(),
  instructions: z.string().optional(),
  seed: z.coerce.number().int("--seed must be a whole number").optional(),
  nearDuplicateThreshold: z.coerce
    .number("--near-duplicate-threshold must be a number")
    .gt(0, "--near-duplicate-threshold must be in (0, 1]")
    .max(1, "--near-duplicate-threshold must be in (0, 1]")
    .optional(),
  shingleWords: positiveInt("--shingle-words").optional(),
  seedCopyWords: positiveInt("--seed-copy-words").optional(),
  maxTopupRounds: nonNegativeInt("--max-topup-rounds").optional(),
  maxTopupCalls: nonNegativeInt("--max-topup-calls").optional(),
  out: z.string().optional(),
  ...teacherOptionFields,
});

type GenerateCommandOptions = z.infer<typeof generateOptionsSchema>;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** "name=rest" → [name, rest], or a usage error naming the option. */
function splitPair(option: string, text: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0 || at === text.length - 1)
    throw new UsageError(`${option} must look like name=value, not ${text}`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** The spec the flags describe, checked by the same schema as a spec file. */
function specFromFlags(options: GenerateCommandOptions): GenerationSpec {
  if (options.label === undefined || options.label.length === 0) {
    throw new UsageError(
      'give --spec spec.yaml, or --label "name=description" (one per label) and --count N',
    );
  }
  const labels: Record<string, { description: string; seeds?: string[] }> = {};
  for (const text of options.label) {
    const [name, description] = splitPair("--label", text);
    if (labels[name]) throw new UsageError(`--label ${name} is given twice`);
    labels[name] = { description };
  }
  for (const text of options.seedExample ?? []) {
    const [name, path] = splitPair("--seed-example", text);
    const label = labels[name];
    if (label === undefined) throw new UsageError(`--seed-example ${name}: there is no --label ${name}`);
    label.seeds = [...(label.seeds ?? []), path];
  }
  const grid: Record<string, string[]> = {};
  for (const text of options.grid ?? []) {
    const [dimension, values] = splitPair("--grid", text);
    grid[dimension] = values.split(",").map((value) => value.trim());
  }
  const raw = {
    labels,
    count: options.count,
    grid,
    ...(options.document === undefined ? {} : { document: options.document }),
    ...(options.minWords === undefined && options.maxWords === undefined
      ? {}
      : { words: { min: options.minWords ?? 50, max: options.maxWords ?? 1500 } }),
    ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  return parseGenerationSpec(raw, { where: "the flags", readSeed: seedReader(process.cwd()) });
}

/** The spec from --spec or the flags, with the gate and top-up flags laid over it. */
function resolveSpec(options: GenerateCommandOptions): GenerationSpec {
  const specFlags = [
    "label",
    "seedExample",
    "count",
    "grid",
    "document",
    "minWords",
    "maxWords",
    "instructions",
  ];
  let spec: GenerationSpec;
  if (options.spec !== undefined) {
    const both = specFlags.filter((flag) => options[flag as keyof GenerateCommandOptions] !== undefined);
    if (both.length > 0) {
      throw new UsageError(
        `--spec already says what to generate: drop ${both.map((flag) => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`,
      );
    }
    spec = loadGenerationSpec(options.spec);
    if (options.seed !== undefined) spec = { ...spec, seed: options.seed };
  } else {
    spec = specFromFlags(options);
  }
  return {
    ...spec,
    gates: {
      ...spec.gates,
      ...(options.nearDuplicateThreshold === undefined
        ? {}
        : { nearDuplicateThreshold: options.nearDuplicateThreshold }),
      ...(options.shingleWords === undefined ? {} : { shingleWords: options.shingleWords }),
      ...(options.seedCopyWords === undefined ? {} : { seedCopyWords: options.seedCopyWords }),
    },
    topUp: {
      maxRounds: options.maxTopupRounds ?? spec.topUp.maxRounds,
      maxCalls: options.maxTopupCalls ?? spec.topUp.maxCalls,
    },
  };
}

const exampleSpec = [
  "document: resume",
  "count: 100                 # per label (a label may give its own)",
  "labels:",
  "  devops:",
  "    description: resumes of senior DevOps engineers",
  "    seeds: [seeds/devops-1.txt]   # style references, relative to this file",
  "  other:",
  "    description: resumes for other roles, including near-misses such as software developers and IT support",
  "grid:",
  "  seniority: [junior, mid, senior]",
  "  format: [sectioned, prose]",
  "  country: [UK, India, Germany, US]",
  "words: { min: 150, max: 600 }",
  "gates: { nearDuplicateThreshold: 0.8, shingleWords: 5, seedCopyWords: 12 }",
  "topUp: { maxRounds: 3, maxCalls: 50 }",
];

export function registerGenerateCommand(program: Command, io: CliIo): void {
  const command = program
    .command("generate")
    .description(
      "Generate synthetic labelled documents with a teacher LLM: spread evenly over a diversity grid, " +
        "filtered by quality gates (length, seed copies, near-duplicates), topped up to balance, stored as " +
        "documents with their label in meta.label. Every call is cached: a rerun resumes.",
    )
    .option("--spec <file>", "YAML/JSON spec (see below)")
    .option("--label <name=description>", "a label and what its documents are (repeat per label)", collect)
    .option("--seed-example <label=file>", "a style reference for a label (repeatable)", collect)
    .option("--count <n>", "documents per label")
    .option("--grid <dimension=v1,v2>", "a diversity dimension and its values (repeatable)", collect)
    .option("--document <kind>", 'what is written: "resume", "job advert" (default "document")')
    .option("--min-words <n>", "shortest document (default 50)")
    .option("--max-words <n>", "longest document (default 1500)")
    .option("--instructions <text>", "extra guidance for every prompt")
    .option("--seed <s>", "seed of the order in which items visit the grid cells (default 1)")
    .option("--near-duplicate-threshold <j>", "shingle Jaccard that makes a near-duplicate (default 0.8)")
    .option("--shingle-words <n>", "words per shingle (default 5)")
    .option("--seed-copy-words <n>", "consecutive words shared with a seed that make a copy (default 12)")
    .option("--max-topup-rounds <n>", "top-up rounds after the first pass (default 3)")
    .option("--max-topup-calls <n>", "extra calls over all top-up rounds (default: the total count)")
    .option(
      "--out <file.jsonl>",
      "also write the spec's accepted documents as JSON lines (id, text, label, …)",
    );
  addTeacherOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Example spec (spec.yaml):",
        ...exampleSpec.map((line) => `  ${line}`),
        "",
        "Examples:",
        "  $ jobdistill generate --spec spec.yaml --model gpt-4o-mini --dry-run",
        "  $ jobdistill generate --spec spec.yaml --model gpt-4o-mini --rpm 500 --tpm 200000",
        '  $ jobdistill generate --label "devops=resumes of senior DevOps engineers" \\',
        '      --label "other=resumes for other roles" --count 100 --grid "seniority=junior,senior" \\',
        "      --document resume --model gpt-4o-mini --max-topup-rounds 2",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(generateOptionsSchema, raw);
      const spec = resolveSpec(options);
      const prices = loadPrices(options.prices);
      await withWorkspace(command, async (workspace) => {
        const model = await createTeacher(teacherChoiceOf(options, io));
        const baseUrl = recordedBaseUrl(options.baseUrl, io);
        const interrupts = interruptHandlers(io);
        const progress = teacherProgressPrinter(io);
        let result: Awaited<ReturnType<typeof generateDocuments>>;
        try {
          result = await generateDocuments(workspace, {
            spec,
            model,
            limits: teacherLimitsOf(options),
            prices,
            signal: interrupts.graceful.signal,
            abortSignal: interrupts.hard.signal,
            onEvent: progress.onEvent,
            onRound: (round, items) => {
              if (round > 0) io.err(`top-up round ${round}: ${items} more items`);
            },
            ...(options.dryRun ? { dryRun: true } : {}),
            params: { temperature: options.temperature, maxOutputTokens: options.maxOutputTokens },
            runParams: baseUrl === undefined ? {} : { baseUrl },
          });
        } finally {
          progress.stop();
          interrupts.dispose();
          await model.close?.();
        }
        const { estimate, report } = result;
        if (estimate) {
          io.out(
            [
              `dry run: generate with ${model.provider}/${model.modelId} (spec ${spec.specHash.slice(0, 12)})`,
              `items: ${count(estimate.items)}, cached: ${count(estimate.cached)}, to do: ${count(estimate.toDo)}` +
                ` (top-ups come on top: at most ${count(spec.topUp.maxCalls)} calls in ${spec.topUp.maxRounds} rounds)`,
              `estimated tokens: ${count(estimate.inputTokens)} in, ${count(estimate.outputTokens)} out (at most)`,
              `estimated cost: ${estimate.costUsd === undefined ? "unknown (no price for this model; see --prices)" : money(estimate.costUsd)}`,
              "items per grid cell:",
              ...Object.entries(estimate.cells).map(
                ([label, cells]) =>
                  `  ${label}: ${Object.entries(cells)
                    .map(([cell, n]) => `${cell}: ${n}`)
                    .join("; ")}`,
              ),
            ].join("\n"),
          );
          return;
        }
        if (report === undefined) return;
        io.out(
          [
            `${result.interrupted ? "interrupted" : "finished"} run ${result.runId}: generate with ${model.provider}/${model.modelId}` +
              ` in ${(report.durationMs / 1000).toFixed(1)} s; tokens ${count(report.tokensIn)} in / ${count(report.tokensOut)} out; cost ${money(report.costUsd)}`,
            ...describeGenerationReport(report),
            `see: jobdistill runs show ${result.runId} (rejected items with their reasons: --json)`,
          ].join("\n"),
        );
        if (options.out !== undefined) {
          const written = writeGeneratedJsonl(workspace, spec.specHash, options.out);
          io.out(`wrote ${count(written)} documents to ${options.out}`);
        }
        // Generation stops on the first round with failures (gates.failed then counts them all).
        const failed = report.stoppedBy === "failed" ? report.gates.failed : 0;
        throwIfRunUnfinished(
          { interrupted: result.interrupted, failed, runId: result.runId },
          { unit: "calls", failedCode: "generate-failed" },
        );
        if (!report.balanced) {
          io.err(
            `warning: not balanced — ${report.labels
              .filter((label) => label.short > 0)
              .map((label) => `${label.label} is ${label.short} short of ${label.target}`)
              .join(
                ", ",
              )} (top-ups stopped: ${report.stoppedBy}; raise --max-topup-rounds / --max-topup-calls)`,
          );
        }
      });
    });
}
