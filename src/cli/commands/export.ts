import type { Command } from "commander";
import { exportStudentAsOnnx } from "../../workflows/index.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";

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
  "Encoder-backed students export one graph from input_ids and attention_mask to logits, with the",
  "tokenizer files beside it (loading from Python and C#: src/export/README.md).",
  "",
  "Examples:",
  "  $ jobdistill export onnx ./segments.jdm onnx/segments/",
  "  $ jobdistill export onnx requirements-segments onnx/segments/   # by its workspace name",
  "  $ python -c \"import onnxruntime as ort; print(ort.InferenceSession('onnx/segments/model.onnx').get_inputs())\"",
].join("\n");

/** `export onnx`, under the `export` group that `export label-studio` shares. */
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
}
