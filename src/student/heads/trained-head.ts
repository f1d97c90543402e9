import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import type { ModelFile } from "../model-file.ts";
import { calibrationSchema } from "../segment-classifier/model.ts";
import { sigmoid, softmaxInPlace } from "../segment-classifier/probability.ts";
import { type DenseLayer, type HeadExample, type HeadKind, type HeadOutput, headKinds } from "./head.ts";

/**
 * A head's config as a student's model file embeds it (beside the student's own config): what
 * the weights mean, the calibration, and how it was trained. The weights are sections.
 */
export const headConfigSchema = z
  .object({
    kind: z.enum(headKinds),
    labels: z.array(z.string().min(1)).min(1),
    inputDimensions: z.number().int().positive(),
    /** 2^hashBits rows of hashed n-gram weights beside the dense path, or null for none. */
    hashBits: z.number().int().min(1).max(26).nullable(),
    /** Hidden units of the MLP; null for the linear kinds. */
    hiddenSize: z.number().int().positive().nullable(),
    output: z.enum(["softmax", "sigmoid"]),
    /** `temperature` for softmax heads, `platt` (per label) for sigmoid heads. */
    calibration: calibrationSchema,
    /** The options it was trained with and what training did, for provenance. */
    training: z.record(z.string(), z.unknown()),
  })
  .superRefine((config, context) => {
    const labelCount = config.labels.length;
    if (new Set(config.labels).size !== labelCount) {
      context.addIssue({ code: "custom", message: "duplicate labels", path: ["labels"] });
    }
    if ((config.kind === "mlp") !== (config.hiddenSize !== null)) {
      context.addIssue({ code: "custom", message: "hiddenSize is for mlp heads only", path: ["hiddenSize"] });
    }
    const expected = config.output === "softmax" ? "temperature" : "platt";
    if (config.calibration.kind !== expected) {
      context.addIssue({
        code: "custom",
        message: `a ${config.output} head is calibrated by ${expected}`,
        path: ["calibration"],
      });
    }
    if (
      config.calibration.kind === "platt" &&
      (config.calibration.slopes.length !== labelCount || config.calibration.intercepts.length !== labelCount)
    ) {
      context.addIssue({
        code: "custom",
        message: "one Platt slope and intercept per label expected",
        path: ["calibration"],
      });
    }
  });
export type HeadConfig = z.infer<typeof headConfigSchema>;

/** One trained fully connected layer (`y = act(x · W + b)`, W row-major inputs × outputs). */
export interface HeadLayer {
  weights: Float32Array;
  bias: Float32Array;
}

/** What a head stores beside its config; `prefix` namespaces the sections inside a student's file. */
export interface HeadModelParts {
  config: HeadConfig;
  sections: Record<string, Float32Array>;
}

/** The part of a decoded model file a head reads its sections from (a `ModelFile` is one). */
export type HeadSectionReader = Pick<ModelFile, "float32" | "damaged">;

/**
 * A trained head: margins over one embedding (and, when trained so, hashed n-gram ids), their
 * calibration into probabilities, and its dense path as layers for the ONNX export.
 *
 * The stored layers apply to the raw embedding: a head trained on standardised inputs has the
 * standardisation folded into its first layer. Scores are computed in float64 from float32 weights.
 */
export class TrainedHead {
  readonly config: HeadConfig;
  /** The dense path: one layer (linear kinds) or hidden (ReLU) then output (mlp). */
  readonly layers: readonly HeadLayer[];
  /** `2^hashBits × labels` weights of the hashed ids, or null. */
  readonly hashedWeights: Float32Array | null;
  private readonly hidden: Float64Array;

  constructor(config: HeadConfig, layers: readonly HeadLayer[], hashedWeights: Float32Array | null) {
    const labelCount = config.labels.length;
    const shapes =
      config.hiddenSize === null
        ? [[config.inputDimensions, labelCount]]
        : [
            [config.inputDimensions, config.hiddenSize],
            [config.hiddenSize, labelCount],
          ];
    const wrong = (reason: string) =>
      new UsageError(`head weights do not match its config: ${reason}`, {
        kind: config.kind,
        inputDimensions: config.inputDimensions,
        labels: labelCount,
      });
    if (layers.length !== shapes.length) throw wrong(`${layers.length} layers, expected ${shapes.length}`);
    shapes.forEach(([inputs, outputs], index) => {
      const layer = layers[index] as HeadLayer;
      if (
        layer.weights.length !== (inputs as number) * (outputs as number) ||
        layer.bias.length !== outputs
      ) {
        throw wrong(`layer ${index} is not ${inputs} × ${outputs}`);
      }
    });
    if ((config.hashBits === null) !== (hashedWeights === null)) throw wrong("hashed weights and hashBits");
    if (config.hashBits !== null && hashedWeights?.length !== 2 ** config.hashBits * labelCount) {
      throw wrong(`hashed weights are not 2^${config.hashBits} × ${labelCount}`);
    }
    this.config = config;
    this.layers = layers;
    this.hashedWeights = hashedWeights;
    this.hidden = new Float64Array(config.hiddenSize ?? 0);
  }

  get kind(): HeadKind {
    return this.config.kind;
  }
  get labels(): readonly string[] {
    return this.config.labels;
  }
  get inputDimensions(): number {
    return this.config.inputDimensions;
  }
  get hashBits(): number | null {
    return this.config.hashBits;
  }
  get output(): HeadOutput {
    return this.config.output;
  }

  /** Raw margins (before calibration), one per label, written into `out`. */
  margins(
    example: HeadExample,
    out: Float64Array = new Float64Array(this.config.labels.length),
  ): Float64Array {
    const { embedding } = example;
    if (embedding.length !== this.config.inputDimensions) {
      throw new UsageError(
        `the head takes ${this.config.inputDimensions}-dimensional embeddings, not ${embedding.length}`,
      );
    }
    const first = this.layers[0] as HeadLayer;
    if (this.layers.length === 1) {
      denseForward(embedding, first.weights, first.bias, out, this.config.labels.length, false);
    } else {
      const last = this.layers[1] as HeadLayer;
      denseForward(embedding, first.weights, first.bias, this.hidden, this.hidden.length, true);
      denseForward(this.hidden, last.weights, last.bias, out, this.config.labels.length, false);
    }
    if (this.hashedWeights !== null && example.hashed !== undefined) {
      addHashed(
        this.hashedWeights,
        this.config.hashBits as number,
        example.hashed,
        out,
        this.config.labels.length,
      );
    }
    return out;
  }

  /**
   * Calibrated logits: `margin / T` (softmax heads) or `slope · margin + intercept` per label
   * (sigmoid heads). `probabilities` is softmax or sigmoid of these; `denseLayers()` computes them.
   */
  scores(
    example: HeadExample,
    out: Float64Array = new Float64Array(this.config.labels.length),
  ): Float64Array {
    this.margins(example, out);
    const { calibration } = this.config;
    const labelCount = this.config.labels.length;
    for (let l = 0; l < labelCount; l++) {
      out[l] =
        calibration.kind === "temperature"
          ? (out[l] as number) / calibration.temperature
          : (calibration.slopes[l] as number) * (out[l] as number) + (calibration.intercepts[l] as number);
    }
    return out;
  }

  /** Calibrated probabilities: they sum to 1 for softmax heads; each label's own for sigmoid heads. */
  probabilities(
    example: HeadExample,
    out: Float64Array = new Float64Array(this.config.labels.length),
  ): Float64Array {
    this.scores(example, out);
    const labelCount = this.config.labels.length;
    if (this.config.output === "softmax") softmaxInPlace(out, labelCount, 1);
    else for (let l = 0; l < labelCount; l++) out[l] = sigmoid(out[l] as number);
    return out;
  }

  /**
   * The dense path as layers from the raw embedding to the calibrated logits `scores()` gives:
   * `y = act(x · W + b)` layer after layer (ReLU on the MLP's hidden layer, none on the last), the
   * calibration folded into the last layer. Apply softmax (softmax heads) or an element-wise
   * sigmoid (sigmoid heads) to the last layer's output to get `probabilities()`. Null when the head
   * also reads hashed ids, which no dense layer can express — unless `besideHashed`: then the
   * layers are the dense path alone and the caller adds `calibratedHashedWeights()`'s term.
   */
  denseLayers(options: { besideHashed?: boolean } = {}): DenseLayer[] | null {
    if (this.hashedWeights !== null && options.besideHashed !== true) return null;
    const labelCount = this.config.labels.length;
    const { calibration } = this.config;
    return this.layers.map((layer, index): DenseLayer => {
      const inputs = layer.weights.length / layer.bias.length;
      const last = index === this.layers.length - 1;
      if (!last) {
        const { weights, bias } = layer;
        return {
          inputs,
          outputs: bias.length,
          weights: weights.slice(),
          bias: bias.slice(),
          activation: "relu",
        };
      }
      const weights = new Float32Array(layer.weights.length);
      const bias = new Float32Array(labelCount);
      for (let l = 0; l < labelCount; l++) {
        const scale =
          calibration.kind === "temperature"
            ? 1 / calibration.temperature
            : (calibration.slopes[l] as number);
        const shift = calibration.kind === "temperature" ? 0 : (calibration.intercepts[l] as number);
        for (let i = 0; i < inputs; i++) {
          weights[i * labelCount + l] = (layer.weights[i * labelCount + l] as number) * scale;
        }
        bias[l] = (layer.bias[l] as number) * scale + shift;
      }
      return { inputs, outputs: labelCount, weights, bias, activation: "none" };
    });
  }

  /**
   * The hashed table scaled as `denseLayers()` scales the last layer (each label's column by the
   * calibration's slope, or by 1/T): `scores()` is the dense path's output plus
   * `Σ_ids table'[id] / sqrt(count)`. Null for a head without hashed ids.
   */
  calibratedHashedWeights(): Float32Array | null {
    if (this.hashedWeights === null) return null;
    const labelCount = this.config.labels.length;
    const { calibration } = this.config;
    const table = new Float32Array(this.hashedWeights.length);
    for (let index = 0; index < table.length; index++) {
      const l = index % labelCount;
      const scale =
        calibration.kind === "temperature" ? 1 / calibration.temperature : (calibration.slopes[l] as number);
      table[index] = (this.hashedWeights[index] as number) * scale;
    }
    return table;
  }

  /** The config and sections (named `prefix` + name) a student's model file stores. */
  toModelParts(prefix = "head."): HeadModelParts {
    const sections: Record<string, Float32Array> = {};
    this.layers.forEach((layer, index) => {
      sections[`${prefix}layer${index}.weights`] = layer.weights;
      sections[`${prefix}layer${index}.bias`] = layer.bias;
    });
    if (this.hashedWeights !== null) sections[`${prefix}hashed.weights`] = this.hashedWeights;
    return { config: this.config, sections };
  }
}

/**
 * Rebuilds a head from what `toModelParts` wrote: its config (validate it with `headConfigSchema`,
 * usually inside the student's config schema) and the sections of the decoded file. Weights are
 * copied, so the head does not keep the file's bytes alive.
 */
export function headFromModelParts(
  config: HeadConfig,
  file: HeadSectionReader,
  prefix = "head.",
): TrainedHead {
  const layerCount = config.hiddenSize === null ? 1 : 2;
  const layers: HeadLayer[] = [];
  for (let index = 0; index < layerCount; index++) {
    layers.push({
      weights: file.float32(`${prefix}layer${index}.weights`).slice(),
      bias: file.float32(`${prefix}layer${index}.bias`).slice(),
    });
  }
  const hashed = config.hashBits === null ? null : file.float32(`${prefix}hashed.weights`).slice();
  try {
    return new TrainedHead(config, layers, hashed);
  } catch (error) {
    if (error instanceof UsageError) throw file.damaged(error.message);
    throw error;
  }
}

/** `out[o] = act(b[o] + Σ_i x[i] · W[i·outputs + o])`, accumulated in float64. */
function denseForward(
  input: ArrayLike<number>,
  weights: Float32Array,
  bias: Float32Array,
  out: Float64Array,
  outputs: number,
  relu: boolean,
): void {
  for (let o = 0; o < outputs; o++) out[o] = bias[o] as number;
  const inputs = input.length;
  for (let i = 0; i < inputs; i++) {
    const x = input[i] as number;
    if (x === 0) continue;
    const row = i * outputs;
    for (let o = 0; o < outputs; o++) out[o] = (out[o] as number) + x * (weights[row + o] as number);
  }
  if (relu) for (let o = 0; o < outputs; o++) if ((out[o] as number) < 0) out[o] = 0;
}

/** Adds the hashed ids' weight rows, each weighted 1/sqrt(count), to `out`. */
export function addHashed(
  table: Float32Array | Float64Array,
  hashBits: number,
  ids: Int32Array,
  out: Float64Array,
  labelCount: number,
): number {
  const count = ids.length;
  if (count === 0) return 0;
  const scale = 1 / Math.sqrt(count);
  for (let k = 0; k < count; k++) {
    const id = ids[k] as number;
    if (id < 0 || id >>> hashBits !== 0) {
      throw new UsageError(`hashed feature id ${id} is outside the head's 2^${hashBits} rows`);
    }
  }
  for (let l = 0; l < labelCount; l++) {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += table[(ids[k] as number) * labelCount + l] as number;
    out[l] = (out[l] as number) + sum * scale;
  }
  return scale;
}
