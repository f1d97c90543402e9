import { readFileSync } from "node:fs";
import { errorMessage, InputError, UsageError } from "../core/errors.ts";
import { ModelFileError, modelKinds } from "../student/model-file.ts";
import { decodeSegmentClassifier } from "../student/segment-classifier/index.ts";
import { decodeSkillTypeModel } from "../student/skill-type/index.ts";
import { deserialiseTagger } from "../student/tagger/index.ts";
import { type EncoderStudentExportSummary, exportEncoderStudent } from "./encoder-student-export.ts";
import {
  exportSegmentClassifier,
  exportSkillType,
  exportTagger,
  type LexicalExport,
} from "./lexical-export.ts";
import { writeFiles } from "./write-files.ts";

/** What `exportOnnx` (lexical students) or `exportModelAsOnnx` (any student) wrote. */
export interface OnnxExportSummary {
  kind: LexicalExport["kind"] | EncoderStudentExportSummary["kind"];
  outDir: string;
  /** File names written in `outDir`. */
  files: string[];
  /** Size of model.onnx in bytes. */
  modelBytes: number;
}

const exporters = [
  {
    kind: "segment-classifier",
    build: (bytes: Uint8Array, origin: string) =>
      exportSegmentClassifier(decodeSegmentClassifier(bytes, origin)),
  },
  {
    kind: "skill-type",
    build: (bytes: Uint8Array, origin: string) => exportSkillType(decodeSkillTypeModel(bytes, origin)),
  },
  {
    kind: "tagger",
    build: (bytes: Uint8Array, origin: string) => exportTagger(deserialiseTagger(bytes, origin)),
  },
] as const;

const encoderKinds: readonly EncoderStudentExportSummary["kind"][] = [
  "encoder-segment-classifier",
  "skill-type-encoder",
];

function readModel(modelPath: string): Uint8Array {
  try {
    return readFileSync(modelPath);
  } catch (cause) {
    throw new InputError(`cannot read model file ${modelPath}: ${errorMessage(cause)}`, { cause });
  }
}

/**
 * `jobdistill export onnx`: an encoder-backed student as one graph from token ids
 * (`exportEncoderStudent`), any other as its lexical export (`exportOnnx`).
 */
export async function exportModelAsOnnx(modelPath: string, outDir: string): Promise<OnnxExportSummary> {
  const encoderExport = await exportEncoderStudent(readModel(modelPath), modelPath, outDir);
  return encoderExport ?? exportOnnx(modelPath, outDir);
}

/** Reads a model file written by `train` and builds its lexical export, whatever its kind. */
export function buildLexicalExport(modelPath: string): LexicalExport {
  const bytes = readModel(modelPath);
  for (const { kind, build } of exporters) {
    try {
      return build(bytes, modelPath);
    } catch (error) {
      // Each decoder checks the header's kind first; only "not mine" moves on to the next one.
      if (error instanceof ModelFileError && error.problem === "wrong-kind") continue;
      if (error instanceof ModelFileError) throw error;
      throw error instanceof UsageError || error instanceof InputError
        ? error
        : new InputError(`cannot export the ${kind} model in ${modelPath}: ${errorMessage(error)}`, {
            cause: error,
          });
    }
  }
  throw new UsageError(
    `${modelPath} holds a kind of model the ONNX export does not know; it exports ${[...exporters.map((e) => e.kind), ...encoderKinds].join(", ")} (jobdistill reads ${modelKinds.join(", ")})`,
  );
}

function readme(exported: LexicalExport, modelPath: string): string {
  return [
    `# ONNX export of a jobdistill ${exported.kind} student`,
    "",
    `Exported from \`${modelPath}\` by \`jobdistill export onnx\`.`,
    "",
    "## Files",
    "",
    "- `model.onnx` — the scoring graph (ONNX opset 13, default domain only; runs in onnxruntime ≥ 1.8).",
    "- `feature-scheme.md` — how text becomes the graph's feature ids, precisely enough to reimplement.",
    "- `test-vectors.jsonl` — one JSON object per line: `text`, `feature_ids` (one row per graph row), the graph's float `outputs` as jobdistill computes them, and jobdistill's `decision`. A reimplementation should match the ids exactly and the outputs within 1e-5.",
    ...Object.keys(exported.extraFiles).map((file) => `- \`${file}\``),
    "",
    "## Input",
    "",
    `- ${exported.inputs}`,
    "  Padding: any negative id is ignored (use -1); the second dimension must be at least 1 (a text without features is one row of a single -1).",
    "",
    "## Outputs",
    "",
    ...exported.outputs.map((line) => `- ${line}`),
    "",
    "## Not in the graph",
    "",
    ...exported.notes.map((line) => `- ${line}`),
    "- The featuriser (tokenising and hashing) is not in the graph: see feature-scheme.md.",
    "",
    "Loading from Python and C#: see src/export/README.md in the jobdistill repository.",
    "",
  ].join("\n");
}

/** Writes a lexical student's export into `outDir` (created when missing): model.onnx and its companions. */
export function exportOnnx(modelPath: string, outDir: string): OnnxExportSummary {
  const exported = buildLexicalExport(modelPath);
  const files: Record<string, string | Uint8Array> = {
    "model.onnx": exported.model,
    "feature-scheme.md": exported.featureScheme,
    "test-vectors.jsonl": exported.testVectors.map((vector) => `${JSON.stringify(vector)}\n`).join(""),
    ...exported.extraFiles,
    "README.md": readme(exported, modelPath),
  };
  writeFiles(outDir, files);
  return { kind: exported.kind, outDir, files: Object.keys(files), modelBytes: exported.model.length };
}
