import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { encoderFeatureSets } from "../../student/encoder-segments/index.ts";
import type { StudentTrainingProgress, StudentTrainingReport } from "../../student/requirements/index.ts";
import { spanStudentDefaults } from "../../student/student-definitions.ts";
import { type TrainScreenResult, train, trainScreenInWorkspace } from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";
import { renderSkillTypeTraining } from "./skill-type.ts";

const trainTasks = ["requirements", "skills", "skill-type", "screen"] as const;

const trainOptionsSchema = z
  .strictObject({
    task: z.enum(trainTasks, { error: `--task must be one of ${trainTasks.join(", ")}` }),
    dataset: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
    epochs: z.coerce
      .number({ error: "--epochs must be a whole number" })
      .int("--epochs must be a whole number")
      .min(1, "--epochs must be at least 1")
      .max(1000, "--epochs must be at most 1000")
      .optional(),
    patience: z.coerce
      .number({ error: "--patience must be a whole number" })
      .int("--patience must be a whole number")
      .min(1, "--patience must be at least 1")
      .optional(),
    hashBits: z.coerce
      .number({ error: "--hash-bits must be a whole number" })
      .int("--hash-bits must be a whole number")
      .min(8, "--hash-bits must be at least 8")
      .max(26, "--hash-bits must be at most 26")
      .optional(),
    encoding: z.enum(["bio", "bilou"], { error: "--encoding must be bio or bilou" }).optional(),
    seed: z.coerce.number({ error: "--seed must be a whole number" }).int("--seed must be a whole number"),
    lexicon: z.string().min(1).optional(),
    encoder: z.string().min(1, "--encoder needs an encoder id (use-lite, hf:…, openai:…)").optional(),
    encoderFeatures: z
      .enum(encoderFeatureSets, { error: `--encoder-features must be ${encoderFeatureSets.join(" or ")}` })
      .optional(),
    labels: z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((label) => label.trim())
          .filter((label) => label !== ""),
      )
      .optional(),
    positive: z.string().min(1).optional(),
    student: z
      .enum(["encoder", "ngram", "both"], { error: "--student must be encoder, ngram or both" })
      .optional(),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, "--name may hold letters, digits, '.', '_' and '-'")
      .optional(),
  })
  .refine((options) => !(options.dataset && options.source), {
    message: "--dataset and --source exclude each other: a dataset already fixes its source",
  })
  .refine((options) => options.encoderFeatures === undefined || options.encoder !== undefined, {
    message: "--encoder-features says what the encoder-backed classifier reads: give --encoder too",
  })
  .refine((options) => (options.task === "screen") === (options.labels !== undefined), {
    message:
      "--labels names the screen labels (e.g. --labels devops,other): give it with --task screen, only then",
  })
  .refine(
    (options) =>
      options.task === "screen" || (options.positive === undefined && options.student === undefined),
    {
      message: "--positive and --student are for --task screen",
    },
  )
  .refine(
    (options) =>
      options.task !== "skill-type" ||
      (options.patience === undefined && options.hashBits === undefined && options.encoding === undefined),
    { message: "--patience, --hash-bits and --encoding set the span tagger: not for --task skill-type" },
  );

/** "tagger 20, classifier 10" for requirements: the defaults `--help` names come from the definitions. */
function taggerDefaultsHelp(pick: (task: keyof typeof spanStudentDefaults) => unknown): string {
  return Object.keys(spanStudentDefaults)
    .map((task) => `${task} ${String(pick(task as keyof typeof spanStudentDefaults))}`)
    .join(", ");
}

export type TrainCommandOptions = z.infer<typeof trainOptionsSchema>;

const percent = (value: number | undefined): string => (value === undefined ? "–" : (value * 100).toFixed(1));

/** The summary a person reads after training: sizes, the epoch each student kept, dev figures. */
export function renderTrainingSummary(
  report: StudentTrainingReport,
  runId: number,
  models: readonly string[],
): string {
  const { train, dev, test } = report.splits;
  const lines = [
    `trained ${report.task} students in ${(report.durationMs / 1000).toFixed(1)} s (run ${runId}, seed ${report.seed}): ${models.join(", ")}`,
    `  data: ${train.documents}/${dev.documents}/${test.documents} documents, ${train.sentences}/${dev.sentences}/${test.sentences} segments (train/dev/test)`,
    `  tagger dev strict F1 per layer: ${report.tagger.layers.map((layer) => `${layer.name} ${percent(layer.devF1)} (epoch ${layer.bestEpoch})`).join(", ")}`,
  ];
  const classifier = report.segmentClassifier;
  if (classifier) {
    lines.push(
      `  segment classifier${classifier.encoder && classifier.encoder !== "lexical" ? ` (over ${classifier.encoder})` : ""}: best epoch ${classifier.bestEpoch} of ${classifier.epochsRun}${classifier.devLoss === undefined ? "" : `, dev loss ${classifier.devLoss.toFixed(4)}`}`,
    );
  }
  lines.push(
    `  next: jobdistill eval --task ${report.task}${report.task === "skills" ? " --against skillspan" : ""}`,
  );
  return lines.join("\n");
}

/** The screen students side by side: held-out figures, size, speed. */
export function renderScreenTraining(result: TrainScreenResult): string {
  const counts = (byLabel: Record<string, number>) =>
    result.labels.map((label) => `${label} ${byLabel[label] ?? 0}`).join(", ");
  const skipped = Object.entries(result.skipped);
  const lines = [
    `trained screen students (run ${result.runId}); positive label ${result.positiveLabel}`,
    `  documents: train ${counts(result.documents.train)}; held-out test ${counts(result.documents.test)} (labels: ${result.labelledBy.meta} from meta.label, ${result.labelledBy.classify} from classify annotations)`,
  ];
  if (skipped.length > 0) {
    lines.push(
      `  not trained on (label not in --labels): ${skipped.map(([label, n]) => `${label} ${n}`).join(", ")}`,
    );
  }
  for (const student of result.students) {
    const test = student.test;
    lines.push(
      `  ${student.name}: ${test ? `accuracy ${percent(test.accuracy)}, F1(${result.positiveLabel}) ${percent(test.f1)}, macro-F1 ${percent(test.macroF1)}, ROC AUC ${Number.isNaN(test.rocAuc) ? "–" : test.rocAuc.toFixed(3)}, ${Math.round(student.documentsPerSecond ?? 0)} docs/s; ` : "no held-out documents; "}trained in ${student.trainSeconds.toFixed(1)} s, ${(student.bytes / 1024).toFixed(0)} KB`,
    );
  }
  lines.push(
    `  next: jobdistill screen --model ${result.students[0]?.name ?? "screen-encoder"} resumes/ --out ranked.csv`,
  );
  return lines.join("\n");
}

function progressBar(io: CliIo): { update(progress: StudentTrainingProgress): void; stop(): void } {
  if (!io.interactive) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: "training {student} {layer} [{bar}] epoch {value}/{total} · dev {dev}",
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update(progress) {
      const payload = {
        student: progress.student,
        layer:
          progress.layer === undefined
            ? ""
            : `${progress.layer} (layer ${progress.layerNumber ?? "?"}/${progress.layerCount ?? "?"})`,
        dev: Number.isNaN(progress.devScore) ? "–" : progress.devScore.toFixed(3),
      };
      if (!started) {
        bar.start(progress.epochs, progress.epoch, payload);
        started = true;
      }
      bar.setTotal(progress.epochs);
      bar.update(progress.epoch, payload);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function registerTrainCommand(program: Command, io: CliIo): void {
  program
    .command("train")
    .description(
      [
        "Train a task's students on CPU, save them under the workspace's models/",
        "folder, register them and record the run. Without --dataset a dataset is",
        "built first from the stored annotations (see --source).",
        "  requirements  span tagger (a BIO layer per category) + segment classifier",
        "  skills        span tagger with SkillSpan's skill and knowledge layers",
        "  skill-type    the Hard/Soft skill-type student",
        "  screen        document classifiers (resume screening) from documents' meta.label:",
        "                encoder + linear SVM and hashed n-grams + softmax, side by side",
      ].join("\n"),
    )
    .requiredOption("--task <task>", trainTasks.join(" | "))
    .option("--dataset <dir>", "a dataset folder from `jobdistill dataset build`")
    .option(
      "--source <source>",
      "annotations to learn from: gold, teacher or a source name (skill-type also: lexicon, its default)",
    )
    .option(
      "--lexicon <name>",
      "skill-type: the workspace lexicon to learn from or use as a feature (default esco)",
    )
    .option(
      "--epochs <n>",
      `most passes over the data, tagger and classifier; dev decides when to stop (default: ${taggerDefaultsHelp((task) => spanStudentDefaults[task].tagger.epochs)}; requirements classifier ${spanStudentDefaults.requirements.segmentClassifier?.epochs})`,
    )
    .option(
      "--patience <n>",
      `tagger: epochs without a better dev F1 before it stops (default: ${taggerDefaultsHelp((task) => spanStudentDefaults[task].tagger.patience)})`,
    )
    .option(
      "--hash-bits <n>",
      `tagger: log2 of its feature buckets per tag, 8–26 (default: ${taggerDefaultsHelp((task) => spanStudentDefaults[task].tagger.hashBits)})`,
    )
    .option(
      "--encoding <tags>",
      `tagger: bio, or bilou (span ends get their own tags) (default: ${taggerDefaultsHelp((task) => spanStudentDefaults[task].tagger.encoding)})`,
    )
    .option(
      "--encoder <id>",
      "a pretrained sentence encoder: use-lite (offline), hf:<model or folder>, openai:<model>; requirements: the segment classifier over its embeddings; skill-type: the typer over them (default: lexical students); screen: the encoder student's (default use-lite)",
    )
    .option(
      "--encoder-features <set>",
      "with --encoder: embedding (the embedding alone, default) or combined (embedding + hashed n-grams)",
    )
    .option("--labels <a,b,…>", "screen: the labels, the positive one first (e.g. devops,other)")
    .option("--positive <label>", "screen: the label whose probability ranks documents (default: the first)")
    .option("--student <kind>", "screen: encoder, ngram or both (default both, measured side by side)")
    .option("--seed <s>", "seed of the dataset split and the training order", "1")
    .option("--name <name>", "registry name prefix (default: the task, e.g. requirements-tagger)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ jobdistill gold import --format demo && jobdistill train --task requirements --source gold",
        "  $ jobdistill train --task requirements --dataset .jobdistill/datasets/requirements-2026-01-01 --epochs 10",
        "  $ jobdistill train --task requirements --source gold --encoder use-lite   # segment classifier over USE-lite",
        "  $ jobdistill train --task skills --source skillspan   # SkillSpan's official splits, every sentence",
        "  $ jobdistill train --task skills --source skillspan --epochs 12 --patience 12 --name skills-short",
        "  $ jobdistill lexicon import esco_skills.csv && jobdistill train --task skill-type --source lexicon",
        "  $ jobdistill import labelled-resumes.csv && jobdistill train --task screen --labels devops,other",
        "",
        "Defaults of each task's students live in its definition (src/student/<task>/definition.ts);",
        "the options above change them for one run, and the run records the settings it used.",
        'Then: jobdistill eval --task requirements, jobdistill predict --task requirements "advert text".',
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(trainOptionsSchema, raw);
      if (options.task === "screen") {
        const labels = options.labels ?? [];
        await withWorkspace(command, async (workspace) => {
          const result = await trainScreenInWorkspace(workspace, {
            labels,
            positiveLabel: options.positive,
            students:
              options.student === undefined || options.student === "both" ? undefined : [options.student],
            encoder: options.encoder,
            seed: options.seed,
            name: options.name,
            onEmbeddingProgress: (progress) => {
              if (progress.cached + progress.computed === progress.total) {
                io.err(`embedded ${progress.total} distinct chunks (${progress.cached} from the cache)`);
              }
            },
          });
          io.out(renderScreenTraining(result));
        });
        return;
      }
      if (options.task === "skill-type") {
        if (options.dataset)
          throw new UsageError(
            "--task skill-type trains from --source (lexicon, teacher, gold), not --dataset",
          );
        await withWorkspace(command, async (workspace) => {
          const trained = await train(workspace, {
            task: "skill-type",
            from: options.source ?? "lexicon",
            seed: options.seed,
            lexicon: options.lexicon,
            name: options.name,
            encoder: options.encoder,
            ...(options.epochs === undefined ? {} : { training: { epochs: options.epochs } }),
          });
          io.out(renderSkillTypeTraining(trained));
        });
        return;
      }
      if (options.lexicon !== undefined) throw new UsageError("--lexicon is for --task skill-type");
      if (options.encoder !== undefined && options.task !== "requirements")
        throw new UsageError("--encoder is for --task requirements or --task skill-type");
      const task = options.task;
      await withWorkspace(command, async (workspace) => {
        const bar = progressBar(io);
        try {
          const result = await train(workspace, {
            task,
            seed: options.seed,
            dataset: options.dataset,
            source: options.source,
            epochs: options.epochs,
            patience: options.patience,
            hashBits: options.hashBits,
            encoding: options.encoding,
            encoder: options.encoder,
            encoderFeatures: options.encoderFeatures,
            name: options.name,
            onEmbeddingProgress: (progress) => {
              if (progress.done === progress.total) {
                io.err(`embedded ${progress.total} distinct segments with ${options.encoder}`);
              }
            },
            onSkillSpanSplits: (sentences) =>
              io.err(
                `SkillSpan's official splits: ${sentences.train}/${sentences.dev}/${sentences.test} sentences (train/dev/test, every sentence as published)`,
              ),
            onDataset: (report) =>
              io.err(
                `dataset ${report.dir}: ${report.documents.train}/${report.documents.dev}/${report.documents.test} documents (train/dev/test${report.options.splitBy === "given" ? ", as the documents give them" : ", at random by document"}) from ${report.source.kind} "${report.source.name}"`,
              ),
            onProgress: (progress) => bar.update(progress),
          });
          bar.stop();
          io.out(
            renderTrainingSummary(
              result.report,
              result.runId,
              result.models.map((model) => model.name),
            ),
          );
        } finally {
          bar.stop();
        }
      });
    });
}
