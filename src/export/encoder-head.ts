import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorMessage, InputError, UsageError } from "../core/errors.ts";
import type { DenseLayer } from "../student/heads/head.ts";
import type { Calibration } from "../student/segment-classifier/index.ts";
import { GraphBuilder } from "./graph-builder.ts";
import { featureIdsInput, featureMask, gatherSum, scaleByInverseSqrtCount } from "./hashed-features.ts";
import {
  floatTensor,
  type GraphProto,
  type ModelProto,
  type NodeLike as NodeProto,
  onnx,
  type ValueInfoLike as ValueInfoProto,
  valueInfo,
} from "./onnx-graph.ts";
import { writeFiles } from "./write-files.ts";

export interface EncoderHeadExportOptions {
  /** A Hugging Face model folder: the encoder's ONNX file and its tokenizer files. */
  encoderModelFolder: string;
  /** The ONNX file inside the folder. @default "onnx/model.onnx", else "model.onnx" */
  onnxFile?: string | undefined;
  /** How token vectors become one sentence vector: the mean over `attention_mask`, or the first token. */
  pooling: "mean" | "cls";
  /** Divide the pooled vector by its L2 norm (as the encoder's model card says). */
  normalize: boolean;
  /** The head's dense path over the pooled vector, in order: `y = act(x · W + b)`. */
  layers: readonly DenseLayer[];
  /** What `logits` holds: probabilities (softmax over labels, or a sigmoid each), or raw margins. */
  output: "softmax" | "sigmoid" | "none";
  /** One name per output column. */
  labels: readonly string[];
  /**
   * The head's calibration, folded into the last layer (exact: temperature divides it, Platt scales
   * and shifts each column). Temperature goes with `softmax` or `none`, Platt with `sigmoid`.
   * @default none
   */
  calibration?: Calibration | undefined;
  /** The encoder output holding token vectors [batch, seq, hidden]. @default "last_hidden_state", else the first rank-3 output */
  hiddenStateOutput?: string | undefined;
  /**
   * A combined head's hashed n-gram weights (`2^hashBits × labels`, row-major, calibrated as the
   * last layer is): a third input `feature_ids` (int64 [batch, features], padded with -1) whose rows
   * are summed, divided by √count and added to the last layer's output. Needs opset 13 or later.
   * @default none: two inputs only
   */
  hashed?: { table: Float32Array; hashBits: number } | undefined;
  /** Lines for the export's README about the student (its decision rule, what is not in the graph). @default none */
  notes?: readonly string[] | undefined;
  /** More files to write beside model.onnx, by name, each with a line for the README. @default none */
  extraFiles?: Readonly<Record<string, { contents: string; about: string }>> | undefined;
}

export interface EncoderHeadExportSummary {
  outDir: string;
  files: string[];
  hiddenStateOutput: string;
  dimensions: number;
}

/**
 * The combined head's n-gram term, float [batch, labels]: `Σ table[id] / √count` over a row's real
 * ids, in double as the TypeScript head sums, the same graph the lexical segment classifier uses.
 */
function hashedTerm(
  head: GraphBuilder,
  options: EncoderHeadExportOptions,
  opset: number,
  onnxPath: string,
): string {
  const { table, hashBits } = options.hashed as NonNullable<EncoderHeadExportOptions["hashed"]>;
  const labelCount = options.labels.length;
  if (table.length !== 2 ** hashBits * labelCount) {
    throw new UsageError(`the hashed table is not 2^${hashBits} × ${labelCount} labels`);
  }
  if (opset < 13) {
    throw new UsageError(
      `the encoder ${onnxPath} uses ONNX opset ${opset}; a combined head's export needs 13 or later`,
    );
  }
  const mask = featureMask(head);
  const sum = scaleByInverseSqrtCount(
    head,
    mask,
    gatherSum(head, mask, `${prefix}hashed/weights`, table, labelCount),
  );
  return head.op("Cast", [sum], { to: onnx.TensorProto.DataType.FLOAT });
}

/** Tokenizer and config files transformers.js, Python's tokenizers and ML.NET's tokenisers read. */
const companionFiles = [
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.txt",
  "config.json",
  "special_tokens_map.json",
  "sentencepiece.bpe.model",
  "merges.txt",
  "vocab.json",
];

const prefix = "jobdistill_head/";

function readEncoder(path: string): ModelProto {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new InputError(`cannot read the encoder's ONNX file ${path}: ${errorMessage(cause)}`, { cause });
  }
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new InputError(`${path} is not an ONNX model: ${errorMessage(cause)}`, { cause });
  }
}

function resolveOnnxFile(options: EncoderHeadExportOptions): string {
  const candidates = options.onnxFile ? [options.onnxFile] : ["onnx/model.onnx", "model.onnx"];
  const found = candidates
    .map((file) => join(options.encoderModelFolder, file))
    .find((path) => existsSync(path));
  if (!found) {
    throw new UsageError(
      `no encoder ONNX file in ${options.encoderModelFolder} (looked for ${candidates.join(", ")}); pass onnxFile`,
    );
  }
  return found;
}

const rank = (info: ValueInfoProto): number | undefined => info.type?.tensorType?.shape?.dim?.length;

/** Checks the layers chain from `dimensions` to the labels, with weights of the stated sizes. */
function checkLayers(options: EncoderHeadExportOptions, dimensions: number | undefined): void {
  const { layers, labels } = options;
  if (layers.length === 0) throw new UsageError("an encoder-head export needs at least one dense layer");
  let inputs = dimensions ?? (layers[0] as DenseLayer).inputs;
  layers.forEach((layer, index) => {
    if (layer.inputs !== inputs) {
      throw new UsageError(`dense layer ${index} takes ${layer.inputs} inputs, but ${inputs} reach it`);
    }
    if (layer.weights.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
      throw new UsageError(
        `dense layer ${index} is not ${layer.inputs} × ${layer.outputs} with ${layer.outputs} biases`,
      );
    }
    inputs = layer.outputs;
  });
  if (inputs !== labels.length) {
    throw new UsageError(`the last dense layer gives ${inputs} outputs for ${labels.length} labels`);
  }
  const { calibration, output } = options;
  if (calibration?.kind === "platt" && output !== "sigmoid") {
    throw new UsageError("Platt calibration goes with output sigmoid");
  }
  if (calibration?.kind === "temperature" && output === "sigmoid") {
    throw new UsageError("temperature calibration goes with output softmax or none");
  }
}

/** The last layer with the calibration folded in: margins·a + b per column, or margins / T. */
function foldCalibration(layer: DenseLayer, calibration: Calibration | undefined): DenseLayer {
  if (!calibration) return layer;
  const slope = (column: number): number =>
    calibration.kind === "temperature" ? 1 / calibration.temperature : (calibration.slopes[column] ?? 1);
  const shift = (column: number): number =>
    calibration.kind === "platt" ? (calibration.intercepts[column] ?? 0) : 0;
  const weights = new Float32Array(layer.weights.length);
  for (let i = 0; i < layer.weights.length; i++)
    weights[i] = (layer.weights[i] as number) * slope(i % layer.outputs);
  const bias = Float32Array.from(layer.bias, (value, column) => value * slope(column) + shift(column));
  return { ...layer, weights, bias };
}

/** Keeps the nodes `wanted` depends on (nodes are topologically sorted), dropping the encoder's own head. */
function prune(nodes: readonly NodeProto[], wanted: string): NodeProto[] {
  const needed = new Set([wanted]);
  const kept: NodeProto[] = [];
  for (let index = nodes.length - 1; index >= 0; index--) {
    const current = nodes[index] as NodeProto;
    if (!(current.output ?? []).some((name) => needed.has(name))) continue;
    kept.push(current);
    for (const name of current.input ?? []) needed.add(name);
    // Subgraphs (If, Loop) may read outer names: keep what they read too.
    for (const attribute of current.attribute ?? []) {
      for (const graph of [attribute.g, ...(attribute.graphs ?? [])]) {
        for (const inner of graph?.node ?? []) for (const name of inner.input ?? []) needed.add(name);
      }
    }
  }
  return kept.reverse();
}

/** Renames a tensor wherever nodes, initializers and subgraphs mention it. */
function renameTensor(graph: GraphProto, from: string, to: string): void {
  const swap = (names: string[] | null | undefined): void => {
    names?.forEach((name, index) => {
      if (name === from) names[index] = to;
    });
  };
  for (const current of graph.node) {
    swap(current.input);
    swap(current.output);
  }
  for (const initializer of graph.initializer) if (initializer.name === from) initializer.name = to;
}

/**
 * One ONNX graph from `input_ids` and `attention_mask` (int64 [batch, seq]) to `logits`
 * (float [batch, labels]): the encoder's graph, pooling and optional L2 normalisation, then the
 * head's dense layers and output function. Writes model.onnx, the tokenizer files, labels.json and
 * a README into `outDir`.
 */
export function exportEncoderHead(
  options: EncoderHeadExportOptions,
  outDir: string,
): EncoderHeadExportSummary {
  const onnxPath = resolveOnnxFile(options);
  const model = readEncoder(onnxPath);
  // Decoded messages are class instances whose repeated fields are arrays (possibly empty).
  const graph = model.graph as GraphProto | null | undefined;
  if (!graph) throw new InputError(`${onnxPath} has no graph`);
  const inputNames = graph.input.map((input) => input.name ?? "");
  for (const required of ["input_ids", "attention_mask"]) {
    if (!inputNames.includes(required)) {
      throw new UsageError(
        `the encoder ${onnxPath} has no "${required}" input (it takes ${inputNames.join(", ")})`,
      );
    }
  }
  const unsupported = inputNames.filter(
    (name) => !["input_ids", "attention_mask", "token_type_ids"].includes(name),
  );
  if (unsupported.length > 0) {
    throw new UsageError(
      `the encoder ${onnxPath} also needs ${unsupported.join(", ")}, which the export cannot supply`,
    );
  }
  const hiddenInfo = options.hiddenStateOutput
    ? graph.output.find((output) => output.name === options.hiddenStateOutput)
    : (graph.output.find((output) => output.name === "last_hidden_state") ??
      graph.output.find((output) => rank(output) === 3));
  if (!hiddenInfo || rank(hiddenInfo) !== 3) {
    throw new UsageError(
      `the encoder ${onnxPath} has no token-vector output [batch, seq, hidden]${options.hiddenStateOutput ? ` named "${options.hiddenStateOutput}"` : ""} (outputs: ${graph.output.map((output) => output.name).join(", ")})`,
    );
  }
  const hiddenDim = hiddenInfo.type?.tensorType?.shape?.dim?.[2]?.dimValue;
  const dimensions = hiddenDim === undefined || hiddenDim === null ? undefined : Number(hiddenDim);
  checkLayers(options, dimensions);

  const opset = Number(
    model.opsetImport.find((entry) => !entry.domain || entry.domain === "ai.onnx")?.version ?? 0,
  );
  if (opset < 9)
    throw new UsageError(`the encoder ${onnxPath} uses ONNX opset ${opset}; the export needs 9 or later`);
  const hiddenName = hiddenInfo.name ?? "";
  graph.node = prune(graph.node, hiddenName);
  // The encoder's own head may have had an output called "logits"; the name is ours now.
  renameTensor(graph, "logits", "encoder/logits");
  const hidden = hiddenName === "logits" ? "encoder/logits" : hiddenName;

  const head = new GraphBuilder(prefix);
  const axes = (values: number[]): Record<string, number[]> | undefined =>
    opset < 13 ? { axes: values } : undefined;
  const axesInput = (values: number[]): string[] =>
    opset < 13 ? [] : [head.constant("axes", "int64", [values.length], values)];
  const reduceSum = (input: string, axis: number, keepdims: 0 | 1): string =>
    head.op("ReduceSum", [input, ...axesInput([axis])], { ...axes([axis]), keepdims });
  if (inputNames.includes("token_type_ids")) {
    // One segment: token_type_ids are zeros of input_ids' shape.
    const zero = onnx.TensorProto.create({
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [1],
      rawData: new Uint8Array(8),
    });
    head.op("ConstantOfShape", [head.op("Shape", ["input_ids"])], { value: zero }, "token_type_ids");
  }
  let pooled: string;
  if (options.pooling === "mean") {
    const mask = head.op("Cast", ["attention_mask"], { to: onnx.TensorProto.DataType.FLOAT });
    const mask3 = head.op("Unsqueeze", [mask, ...axesInput([2])], axes([2]) ?? {});
    const summed = reduceSum(head.op("Mul", [hidden, mask3]), 1, 0);
    const count = head.op("Max", [reduceSum(mask, 1, 1), head.constant("min_count", "float", [], [1e-9])]);
    pooled = head.op("Div", [summed, count]);
  } else {
    pooled = head.op("Gather", [hidden, head.constant("first_token", "int64", [], [0])], { axis: 1 });
  }
  if (options.normalize) {
    const norm = head.op("Sqrt", [reduceSum(head.op("Mul", [pooled, pooled]), 1, 1)]);
    pooled = head.op("Div", [
      pooled,
      head.op("Max", [norm, head.constant("min_norm", "float", [], [1e-12])]),
    ]);
  }
  const lastIndex = options.layers.length - 1;
  let x = pooled;
  options.layers.forEach((original, index) => {
    const layer = index === lastIndex ? foldCalibration(original, options.calibration) : original;
    const weights = head.add(
      floatTensor(`${prefix}layer${index}/weights`, [layer.inputs, layer.outputs], layer.weights),
    );
    const bias = head.add(floatTensor(`${prefix}layer${index}/bias`, [layer.outputs], layer.bias));
    x = head.op("Add", [head.op("MatMul", [x, weights]), bias]);
    if (layer.activation === "relu") x = head.op("Relu", [x]);
  });
  if (options.hashed) x = head.op("Add", [x, hashedTerm(head, options, opset, onnxPath)]);
  if (options.output === "softmax") head.op("Softmax", [x], { axis: -1 }, "logits");
  if (options.output === "sigmoid") head.op("Sigmoid", [x], {}, "logits");
  if (options.output === "none") head.op("Identity", [x], {}, "logits");

  const tokenTypeIds = inputNames.includes("token_type_ids");
  graph.node = tokenTypeIds
    ? [...head.nodes.slice(0, 2), ...graph.node, ...head.nodes.slice(2)]
    : [...graph.node, ...head.nodes];
  const used = new Set(graph.node.flatMap((current) => current.input));
  graph.initializer = [
    ...graph.initializer.filter((initializer) => used.has(initializer.name)),
    ...head.initializers,
  ];
  graph.input = [
    ...graph.input.filter((input) => input.name !== "token_type_ids"),
    ...(options.hashed ? [valueInfo(featureIdsInput, "int64", ["batch", "features"])] : []),
  ];
  graph.output = [valueInfo("logits", "float", ["batch", options.labels.length])];
  graph.valueInfo = graph.valueInfo.filter((info) => used.has(info.name));
  model.producerName = `${model.producerName ?? ""} + jobdistill head`.trim();
  model.metadataProps = [
    ...model.metadataProps,
    ...Object.entries({
      "jobdistill.labels": JSON.stringify(options.labels),
      "jobdistill.pooling": options.pooling,
      "jobdistill.normalize": String(options.normalize),
      "jobdistill.output": options.output,
      ...(options.hashed ? { "jobdistill.hashBits": String(options.hashed.hashBits) } : {}),
    }).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  ];
  const bytes = onnx.ModelProto.encode(model).finish();

  const files: Record<string, string | Uint8Array> = {
    "model.onnx": bytes,
    "labels.json": `${JSON.stringify(options.labels)}\n`,
    ...Object.fromEntries(
      Object.entries(options.extraFiles ?? {}).map(([name, file]) => [name, file.contents]),
    ),
    "README.md": encoderHeadReadme(options, dimensions),
  };
  writeFiles(outDir, files);
  const copied = copyCompanions(options.encoderModelFolder, onnxPath, model, outDir);
  return {
    outDir,
    files: [...Object.keys(files), ...copied],
    hiddenStateOutput: hiddenName,
    dimensions: dimensions ?? 0,
  };
}

/** Tokenizer files, and any external weight files the encoder's graph points at, beside model.onnx. */
function copyCompanions(folder: string, onnxPath: string, model: ModelProto, outDir: string): string[] {
  const copied: string[] = [];
  const copy = (from: string, name: string): void => {
    try {
      copyFileSync(from, join(outDir, name));
      copied.push(name);
    } catch (cause) {
      throw new InputError(`cannot copy ${from} into ${outDir}: ${errorMessage(cause)}`, { cause });
    }
  };
  for (const name of companionFiles) if (existsSync(join(folder, name))) copy(join(folder, name), name);
  const external = new Set<string>();
  for (const initializer of (model.graph as GraphProto | null | undefined)?.initializer ?? []) {
    const location = initializer.externalData?.find((entry) => entry.key === "location")?.value;
    if (location) external.add(location);
  }
  for (const location of external) copy(join(dirname(onnxPath), location), location);
  return copied;
}

function encoderHeadReadme(options: EncoderHeadExportOptions, dimensions: number | undefined): string {
  const labels = options.labels;
  const logits =
    options.output === "softmax"
      ? "probabilities: softmax over the labels (each row sums to 1)"
      : options.output === "sigmoid"
        ? "probabilities: a sigmoid per label (multi-label; each in 0..1 on its own)"
        : "raw margins (no softmax or sigmoid)";
  return [
    "# ONNX export of a jobdistill encoder-head student",
    "",
    "## Files",
    "",
    "- `model.onnx` — one graph: the encoder, pooling, normalisation and the head.",
    "- `labels.json` — the label of each `logits` column, in order.",
    "- the encoder's tokenizer and config files (`tokenizer.json` and friends), unchanged.",
    ...Object.entries(options.extraFiles ?? {}).map(([name, file]) => `- \`${name}\` — ${file.about}`),
    "",
    "## Inputs",
    "",
    "- `input_ids`: int64 [batch, seq] — token ids from the tokenizer beside this file (with its special tokens, e.g. [CLS] … [SEP]).",
    "- `attention_mask`: int64 [batch, seq] — 1 for real tokens, 0 for padding.",
    "  (The encoder's `token_type_ids`, if it has them, are zeros inside the graph.)",
    ...(options.hashed
      ? [
          `- \`${featureIdsInput}\`: int64 [batch, features] — the text's hashed word and character n-gram ids (feature-scheme.md; each < 2^${options.hashed.hashBits}, duplicates kept), padded with -1; a text without ids is one row of a single -1. test-vectors.jsonl gives the ids of 25 texts to check a featuriser against.`,
        ]
      : []),
    "",
    "## Output",
    "",
    `- \`logits\`: float [batch, ${labels.length}] — ${logits}; columns: ${labels.join(", ")}.`,
    "",
    "## What the graph does",
    "",
    `1. The encoder's token vectors${dimensions ? ` (${dimensions} dimensions)` : ""}.`,
    options.pooling === "mean"
      ? "2. Mean pooling: Σ over tokens with attention_mask 1, divided by their count."
      : "2. CLS pooling: the first token's vector.",
    options.normalize ? "3. L2 normalisation: divided by its Euclidean norm." : "3. No normalisation.",
    `4. ${options.layers.length} dense layer(s) \`y = act(x · W + b)\`${options.calibration ? `, the calibration (${options.calibration.kind}) folded into the last` : ""}${options.hashed ? `, plus the n-gram term Σ T[id] / √count over \`${featureIdsInput}\` (T: 2^${options.hashed.hashBits} × ${labels.length}, calibrated)` : ""}, then ${options.output === "none" ? "nothing" : options.output}.`,
    "",
    ...(options.notes && options.notes.length > 0 ? ["## This student", "", ...options.notes, ""] : []),
    "Loading from Python and C#: see src/export/README.md in the jobdistill repository.",
    "",
  ].join("\n");
}
