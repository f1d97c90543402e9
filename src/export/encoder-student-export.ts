import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, UsageError } from "../core/errors.ts";
import {
  type EncoderReference,
  formatEncoderId,
  localFolder,
  parseEncoderId,
  readModelCardPooling,
  resolveHfSpec,
  weightsHash,
} from "../encoders/index.ts";
import {
  decodeEncoderSegmentClassifier,
  type EncoderSegmentClassifier,
} from "../student/encoder-segments/index.ts";
import type { DenseLayer } from "../student/heads/head.ts";
import { headFromModelParts, type TrainedHead } from "../student/heads/index.ts";
import { decodeModelFile, ModelFileError } from "../student/model-file.ts";
import { FeatureExtractor } from "../student/segment-classifier/index.ts";
import { encoderSkillTypeConfigSchema } from "../student/skill-type/encoder-model.ts";
import { type EncoderHeadExportOptions, exportEncoderHead } from "./encoder-head.ts";
import { combinedHeadScheme } from "./feature-scheme.ts";
import { testVectorTexts } from "./test-texts.ts";

/** What `exportEncoderStudent` wrote. */
export interface EncoderStudentExportSummary {
  kind: "encoder-segment-classifier" | "skill-type-encoder";
  outDir: string;
  files: string[];
  modelBytes: number;
}

/** The head part of an export, from the student's model file; the encoder part comes from its id. */
type HeadPlan = Omit<
  EncoderHeadExportOptions,
  "encoderModelFolder" | "onnxFile" | "pooling" | "normalize"
> & {
  kind: EncoderStudentExportSummary["kind"];
  encoder: EncoderReference;
  /** Zero-shot scoring reads the unit vector whatever the encoder's setting. */
  forceNormalize?: boolean;
};

const retrainHint =
  "train it with an hf: encoder instead (`jobdistill train --encoder hf:<hub id or folder>`, e.g. hf:Xenova/all-MiniLM-L6-v2), whose ONNX graph the export extends";

/** transformers.js's file name for a dtype (`onnx/model.onnx`, `onnx/model_quantized.onnx`, …). */
function onnxFileFor(dtype: string): string {
  const suffix = dtype === "fp32" ? "" : dtype === "q8" ? "_quantized" : `_${dtype}`;
  return `onnx/model${suffix}.onnx`;
}

async function transformersCacheDir(): Promise<string | undefined> {
  try {
    const transformers = (await import("@huggingface/transformers")) as unknown as {
      env: { cacheDir: string | null };
    };
    return transformers.env.cacheDir ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The encoder's folder, pooling and normalisation as the model was trained over: the id (with the
 * model card, as the hf: encoder resolves it) and a check that the folder still holds those weights.
 */
async function encoderPart(
  encoder: EncoderReference,
  what: string,
): Promise<Pick<EncoderHeadExportOptions, "encoderModelFolder" | "onnxFile" | "pooling" | "normalize">> {
  const spec = parseEncoderId(encoder.id);
  if (spec.kind === "use-lite") {
    throw new UsageError(
      `${what} is over the use-lite encoder (Universal Sentence Encoder lite on TensorFlow.js, with its own tokenizer), which has no ONNX graph to extend: it cannot be exported as one ONNX graph; ${retrainHint}`,
      { encoder: encoder.id },
    );
  }
  if (spec.kind === "openai") {
    throw new UsageError(
      `${what} is over ${encoder.id}, an encoder behind an HTTP endpoint, whose weights are not here: it cannot be exported as one ONNX graph; ${retrainHint}`,
      { encoder: encoder.id },
    );
  }
  const cacheDir = localFolder(spec.model) === undefined ? await transformersCacheDir() : undefined;
  const folder = localFolder(spec.model) ?? join(cacheDir ?? "", spec.model);
  if (!existsSync(folder)) {
    throw new UsageError(
      `${what} is over ${encoder.id}, but its model folder ${folder} is not there${cacheDir === undefined ? "" : " (not in transformers.js's cache)"}: run the model once (jobdistill predict) to download it, or retrain over a local folder`,
      { encoder: encoder.id, folder },
    );
  }
  const card = readModelCardPooling(folder);
  const resolved = resolveHfSpec(spec, card);
  if (formatEncoderId(resolved, card) !== encoder.id) {
    throw new UsageError(
      `${what} was trained over ${encoder.id}, but ${folder}'s sentence-transformers config now makes it ${formatEncoderId(resolved, card)}: the graph would pool otherwise than the model learnt; restore the folder or retrain`,
      { encoder: encoder.id, folder },
    );
  }
  const onnxFile = onnxFileFor(resolved.dtype);
  const trainedWeights = /\+weights@([0-9a-f]{16})$/.exec(encoder.version)?.[1];
  if (trainedWeights !== undefined) {
    let found: string;
    try {
      found = await weightsHash([onnxFile], [folder]);
    } catch (cause) {
      throw new UsageError(`cannot read ${join(folder, onnxFile)}: ${errorMessage(cause)}`, { cause });
    }
    if (found !== trainedWeights) {
      throw new UsageError(
        `${what} was trained over ${encoder.id} with weights ${trainedWeights}, but ${join(folder, onnxFile)} has ${found === "unhashed" ? "no such file" : `weights ${found}`}: the graph would give other vectors than the head learnt; restore the weights or retrain`,
        { encoder: encoder.id, folder },
      );
    }
  }
  return {
    encoderModelFolder: folder,
    onnxFile,
    pooling: resolved.pooling,
    normalize: resolved.normalize,
  };
}

function layersOf(head: TrainedHead, what: string): DenseLayer[] {
  const layers = head.denseLayers({ besideHashed: true });
  if (layers === null) throw new UsageError(`${what}: its head has no dense layers`);
  return layers;
}

function segmentClassifierPlan(model: EncoderSegmentClassifier, origin: string): HeadPlan {
  const { config } = model;
  const { scoring, labels } = config;
  const what = `the encoder segment classifier in ${origin}`;
  const decision =
    config.mode === "multi-label"
      ? `Decision (multi-label): a label is predicted when its \`logits\` column (a calibrated probability) is at least its threshold: ${labels.map((label, l) => `${label} ${(config.thresholds[l] as number).toFixed(4)}`).join(", ")} (also in decision.json).`
      : "Decision (multi-class): the label of the largest `logits` column (first on ties).";
  const decisionFile = {
    "decision.json": {
      contents: `${JSON.stringify({ mode: config.mode, labels, thresholds: config.thresholds }, null, 2)}\n`,
      about: "how jobdistill decides from `logits`: the mode and, multi-label, each label's threshold.",
    },
  };
  const base = { kind: "encoder-segment-classifier" as const, encoder: config.encoder, labels };
  if (scoring.kind === "pair-head") {
    throw new UsageError(
      `${what} scores by pair-head (the trained reranker format over [q ⊙ p, |q − p|] per category), which the ONNX export does not build; retrain with --encoder-head logistic or mlp (head scoring), or use zero-shot scoring, to export`,
    );
  }
  if (scoring.kind === "zero-shot") {
    // σ(slope · cos(p, q_l) + intercept): one dense layer over the unit vector, then a sigmoid.
    const dims = config.encoder.dimensions;
    const prototypes = model.prototypes as Float32Array;
    const weights = new Float32Array(dims * labels.length);
    labels.forEach((_, l) => {
      for (let i = 0; i < dims; i++)
        weights[i * labels.length + l] = (prototypes[l * dims + i] as number) * (scoring.slopes[l] as number);
    });
    return {
      ...base,
      forceNormalize: true,
      layers: [
        {
          inputs: dims,
          outputs: labels.length,
          weights,
          bias: Float32Array.from(scoring.intercepts),
          activation: "none",
        },
      ],
      output: "sigmoid",
      notes: [
        "Zero-shot scoring (the reranker format untrained): each column is σ(slope · cos(segment, category prototype) + intercept), the prototype's weights times the slope in the dense layer.",
        decision,
      ],
      extraFiles: decisionFile,
    };
  }
  const head = model.head as TrainedHead;
  const ngrams = scoring.ngrams;
  const table = head.calibratedHashedWeights();
  const hashed = ngrams && table ? { table, hashBits: ngrams.hashBits } : undefined;
  const extractor = ngrams ? new FeatureExtractor(ngrams) : undefined;
  const vectors = extractor
    ? testVectorTexts.map((text) => {
        const count = extractor.extract(text);
        return `${JSON.stringify({ text, feature_ids: [Array.from(extractor.indices.subarray(0, count))] })}\n`;
      })
    : [];
  return {
    ...base,
    layers: layersOf(head, what),
    output: head.output,
    hashed,
    notes: [
      `Head: ${head.kind}${hashed ? ", combined: the embedding and the segment's hashed word/char n-grams (`feature_ids`) in one head" : " over the embedding"}; the calibration is folded into the weights.`,
      decision,
    ],
    extraFiles: {
      ...decisionFile,
      ...(ngrams
        ? {
            "feature-scheme.md": {
              contents: combinedHeadScheme(ngrams),
              about: "how text becomes `feature_ids`, precisely enough to reimplement.",
            },
            "test-vectors.jsonl": {
              contents: vectors.join(""),
              about:
                "one JSON object per line: `text` and its `feature_ids` as jobdistill computes them; a featuriser should match them exactly.",
            },
          }
        : {}),
    },
  };
}

function skillTypePlan(bytes: Uint8Array, origin: string): HeadPlan {
  const file = decodeModelFile(bytes, "skill-type-encoder", origin);
  const config = file.config(encoderSkillTypeConfigSchema);
  const what = `the encoder skill typer in ${origin}`;
  if (config.lexicalVote) {
    throw new UsageError(
      `${what} adds the lexical typer's vote (its concept linker and neighbour vote search stored phrases, which is not a graph): it cannot be exported as one ONNX graph (jobdistill trains the encoder typer with that vote); to export a skill typer, train the lexical one (\`jobdistill train --task skill-type\` without --encoder), whose regression exports with its feature scheme`,
    );
  }
  const head = headFromModelParts(config.head, file, "head.");
  if (head.hashBits !== null)
    throw new UsageError(`${what}: its head reads hashed ids, which it never should`);
  const { slope, intercept } = config.calibration;
  // logits = softmax([0, slope · (score_Soft − score_Hard) + intercept]) = [1 − P(Soft), P(Soft)].
  const calibrated: DenseLayer = {
    inputs: 2,
    outputs: 2,
    weights: Float32Array.from([0, -slope, 0, slope]),
    bias: Float32Array.from([0, intercept]),
    activation: "none",
  };
  const { hardBelow, softFrom } = config.decision;
  return {
    kind: "skill-type-encoder",
    encoder: config.encoder,
    labels: config.labels,
    layers: [...layersOf(head, what), calibrated],
    output: "softmax",
    notes: [
      `\`logits\` is [P(Hard), P(Soft)], calibrated on ${config.calibration.fittedOn} (P(Soft) = σ(${slope.toFixed(4)} · head log-odds + ${intercept.toFixed(4)})).`,
      `Decision: Soft when P(Soft) ≥ ${softFrom.toFixed(4)}, Hard when P(Soft) < ${hardBelow.toFixed(4)}, Unknown between (also in decision.json).`,
      config.contextWeight > 0
        ? `The graph types a phrase alone, as jobdistill does without a sentence; with a sentence jobdistill mixes its embedding in (weight ${config.contextWeight}), which this graph does not.`
        : "The graph types the phrase alone, as jobdistill does.",
    ],
    extraFiles: {
      "decision.json": {
        contents: `${JSON.stringify({ labels: config.labels, hardBelow, softFrom }, null, 2)}\n`,
        about: "the Unknown band jobdistill decides with: Soft from `softFrom`, Hard below `hardBelow`.",
      },
    },
  };
}

/** The plan for an encoder-backed student's file, or undefined when the file holds another kind. */
function planFor(bytes: Uint8Array, origin: string): HeadPlan | undefined {
  const attempts = [
    () => segmentClassifierPlan(decodeEncoderSegmentClassifier(bytes, origin), origin),
    () => skillTypePlan(bytes, origin),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (error) {
      if (error instanceof ModelFileError && error.problem === "wrong-kind") continue;
      throw error;
    }
  }
  return undefined;
}

/**
 * An encoder-backed student's file (encoder segment classifier, encoder skill typer) as one ONNX
 * graph from `input_ids` and `attention_mask` (and, for a combined head, `feature_ids`) to
 * `logits`, through `exportEncoderHead`: the encoder's id, pooling and normalisation, the head's
 * weights, calibration and labels all come from the file. Undefined when the file holds another
 * kind of model; a UsageError says why a student cannot be one graph (use-lite, openai:, a pair
 * head, the skill typer's lexical vote) and what to do.
 */
export async function exportEncoderStudent(
  bytes: Uint8Array,
  origin: string,
  outDir: string,
): Promise<EncoderStudentExportSummary | undefined> {
  const plan = planFor(bytes, origin);
  if (plan === undefined) return undefined;
  const { kind, encoder, forceNormalize, ...head } = plan;
  const encoderOptions = await encoderPart(encoder, `the ${kind} student in ${origin}`);
  const summary = exportEncoderHead(
    {
      ...head,
      ...encoderOptions,
      normalize: forceNormalize === true || encoderOptions.normalize,
    },
    outDir,
  );
  return { kind, outDir, files: summary.files, modelBytes: statSync(join(outDir, "model.onnx")).size };
}
