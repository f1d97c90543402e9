import type { Command } from "commander";
import { z } from "zod";
import { sftFormats } from "../../dataset/formats/chat-sft.ts";
import { exportSft, exportStudentAsOnnx, type SftExportReport, sftDefaults } from "../../workflows/index.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";

const onnxHelp = [
  "",
  "MODEL is a model file written by `jobdistill train` (a path), or the name `train` registered it under",
  "in the workspace (requirements-tagger, requirements-segments, skills-tagger, skill-type, …).",
  "OUT/ is created; files in it are overwritten.",
  "",
  "What it writes, by kind of student:",
  "  segment classifier  model.onnx: feature_ids → margins, probabilities (calibrated), predicted",
  "  skill-type          model.onnx: feature_ids → scores, probabilities, label_index (the regression only:",
  "                      the concept linker and neighbour vote are not graphs and are not exported)",
  "  span tagger         model.onnx: feature_ids per token → emissions per layer, and tagger-decoding.json",
  "                      (transition tables, allowed transitions) for your Viterbi",
  "Every lexical export also has feature-scheme.md (the featuriser written out: tokenising, lower-casing,",
  "n-grams, hashing constants, masking) and test-vectors.jsonl (text → feature ids → scores, 25 texts)",
  "to check a reimplementation against, and README.md saying what the inputs and outputs are.",
  "",
  "Encoder-backed students (train --encoder hf:…) export one graph from input_ids and attention_mask to logits",
  "(a combined head also takes feature_ids), with the tokenizer files, labels.json and",
  "decision.json beside it (loading from Python and C#: src/export/README.md). A student over use-lite",
  "or openai: has no ONNX encoder graph to extend: it is refused, saying to train with an hf: encoder.",
  "",
  "Examples:",
  "  $ jobdistill export onnx ./segments.jdm onnx/segments/",
  "  $ jobdistill export onnx requirements-segments onnx/segments/   # by its workspace name",
  "  $ python -c \"import onnxruntime as ort; print(ort.InferenceSession('onnx/segments/model.onnx').get_inputs())\"",
].join("\n");

/** `export onnx` and `export sft`, under the `export` group that `export label-studio` shares. */
export function registerExportCommand(program: Command, io: CliIo): void {
  const exportCommand =
    program.commands.find((command) => command.name() === "export") ?? program.command("export");
  exportCommand.description("Export stored data and trained students for other tools.");
  exportCommand
    .command("onnx")
    .description(
      "Export a trained student as an ONNX graph, with what another runtime needs to feed it (feature scheme and test vectors, or tokenizer files).",
    )
    .argument("<model>", "model file written by `jobdistill train`, or a registered model's name")
    .argument("<out>", "folder to write model.onnx and its companions into")
    .addHelpText("after", onnxHelp)
    .action(async (model: string, out: string, _raw: unknown, command: Command) => {
      const summary = await exportStudentAsOnnx(model, out, (body) => withReadOnlyWorkspace(command, body));
      io.out(
        `wrote the ${summary.kind} student as ONNX to ${summary.outDir}: ${summary.files.join(", ")} (model.onnx ${(summary.modelBytes / 2 ** 20).toFixed(1)} MB)`,
      );
    });
  registerExportSftCommand(program, io);
}

const sftOptionsSchema = z.strictObject({
  task: z.string().min(1),
  source: z.string().min(1).optional(),
  format: z.enum([...sftFormats, "both"]),
  validation: z.coerce.number().min(0).lt(1),
  seed: z.coerce.number().int().nonnegative().optional(),
  epochs: z.coerce.number().int().positive(),
  price: z.coerce.number().nonnegative(),
  maxTokens: z.coerce.number().int().positive(),
  minExamples: z.coerce.number().int().nonnegative(),
});

const sftHelp = [
  "",
  "One example per item the task's teacher answers (a chunk of a long advert is its own example): the",
  "system and user messages are what the task's prompt sends for it, the assistant message the task's",
  "JSON answer: the teacher call's stored answer, or for other sources (gold, human) rebuilt from the spans.",
  "",
  'Writes OUT/openai/{train,validation}.jsonl: {"messages": [system, user, assistant]} for OpenAI\'s',
  'fine-tuning API; OUT/trl/{train,validation}.jsonl: {"prompt": [system, user], "completion": [assistant]},',
  "TRL's conversational prompt-completion form (SFTTrainer trains on the completion only); and",
  "OUT/report.json. Documents, not examples, are split, so no advert is in both files.",
  "Examples breaking the formats' rules (roles, order, empty content, over --max-tokens) are left out and",
  "counted; fewer than --min-examples training examples is an error. Tokens are estimated (characters/4",
  "plus 4 a message), and the cost is training tokens x --epochs x --price per 1M tokens.",
  "",
  "Examples:",
  "  $ jobdistill export sft --task requirements sft/",
  "  $ jobdistill export sft --task requirements --source gold --validation 0.2 --seed 7 sft/",
  "  $ openai api files.create -f sft/openai/train.jsonl -p fine-tune",
].join("\n");

function sftSummary(report: SftExportReport): string[] {
  const { train, validation } = report.tokens;
  return [
    `wrote ${train.examples} training and ${validation.examples} validation examples for "${report.task}" from ${report.source.kind} "${report.source.name}" to ${report.out}: ${report.files.join(", ")}`,
    `  documents: train ${report.documents.train}, validation ${report.documents.validation} (seed ${report.seed}); answers: ${report.answers.fromCalls} stored, ${report.answers.fromAnnotations} rebuilt from annotations`,
    `  tokens per example (estimate): train mean ${train.mean}, max ${train.max}, total ${train.total}; validation total ${validation.total}`,
    `  estimated training cost: ${report.cost.trainingTokens} tokens (${report.cost.epochs} epochs) x $${report.cost.pricePerMillionTokens}/1M = $${report.cost.estimatedUsd.toFixed(4)}`,
    ...report.warnings.map((warning) => `  warning: ${warning}`),
  ];
}

/** `export sft`: a task's labels as chat fine-tuning files (OpenAI, TRL). */
export function registerExportSftCommand(program: Command, io: CliIo): void {
  const exportCommand =
    program.commands.find((command) => command.name() === "export") ?? program.command("export");
  exportCommand
    .command("sft")
    .description(
      "Export a task's labels as chat fine-tuning JSONL for OpenAI's fine-tuning API and Hugging Face TRL.",
    )
    .requiredOption("--task <task>", "task whose labels to export (requirements, skills, classify)")
    .option(
      "--source <source>",
      "annotations to use: teacher, gold, human, or a source name (as dataset build)",
    )
    .option("--format <format>", "openai, trl or both", "both")
    .option(
      "--validation <fraction>",
      "share of the documents held out for validation",
      String(sftDefaults.validationFraction),
    )
    .option("--seed <n>", "seed of the document split")
    .option("--epochs <n>", "epochs the cost estimate assumes", String(sftDefaults.epochs))
    .option(
      "--price <usd>",
      "USD per 1M training tokens (gpt-4o-mini's by default)",
      String(sftDefaults.pricePerMillionTokens),
    )
    .option("--max-tokens <n>", "longest example kept, in estimated tokens", String(sftDefaults.maxTokens))
    .option(
      "--min-examples <n>",
      "fewest training examples accepted (OpenAI needs 10)",
      String(sftDefaults.minExamples),
    )
    .argument("<out>", "folder to write the files into (created; files in it are overwritten)")
    .addHelpText("after", sftHelp)
    .action(async (out: string, raw: unknown, command: Command) => {
      const options = parseCommandOptions(sftOptionsSchema, raw);
      const report = await withReadOnlyWorkspace(command, (workspace) =>
        exportSft(workspace, {
          task: options.task,
          source: options.source,
          out,
          formats: options.format === "both" ? sftFormats : [options.format],
          validationFraction: options.validation,
          seed: options.seed,
          epochs: options.epochs,
          pricePerMillionTokens: options.price,
          maxTokens: options.maxTokens,
          minExamples: options.minExamples,
        }),
      );
      for (const line of sftSummary(report)) io.out(line);
    });
}
