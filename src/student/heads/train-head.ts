import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";
import { createRandom, type Random } from "../../core/random.ts";
import { sigmoid } from "../segment-classifier/probability.ts";
import { fitPlattPerLabel, fitTemperature } from "./calibration.ts";
import { type HeadExample, type HeadOutput, headKinds } from "./head.ts";
import { addHashed, type HeadConfig, type HeadLayer, TrainedHead } from "./trained-head.ts";

/**
 * A head's hyperparameters with their defaults (see README.md in this folder for why these).
 * Serialisable; recorded in the trained head's config.
 */
export const headOptionsSchema = z.object({
  kind: z.enum(headKinds),
  /** Passes over the training data (fewer when early stopping on dev triggers). @default 30 */
  epochs: z.number().int().min(1).max(10_000).default(30),
  /** Step size: Adam's, or SGD's with momentum. @default 0.01 */
  learningRate: z.number().positive().default(0.01),
  /** L2 penalty `l2/2 · ‖W‖²` on the weights (not the biases), added to the mean loss. @default 1e-4 */
  l2: z.number().min(0).default(1e-4),
  /** Hidden units of the mlp (ignored by the linear kinds). @default 128 */
  hiddenSize: z.number().int().min(1).max(8192).default(128),
  /** Examples per gradient step. @default 32 */
  batchSize: z.number().int().min(1).default(32),
  /** Seed of the initial weights (mlp) and of each epoch's order. @default 1 */
  seed: z.number().int().default(1),
  /** Epochs without dev-loss improvement before stopping; the best epoch's weights are kept. @default 5 */
  patience: z.number().int().min(1).default(5),
  /**
   * `balanced`: a softmax head weighs each example by N / (labels · count of its class); a
   * per-label (sigmoid or SVM) head weighs positives N / (2 · positives) and negatives
   * N / (2 · negatives) for each label. @default "none"
   */
  classWeights: z.enum(["none", "balanced"]).default("none"),
  /** Adam (β1 0.9, β2 0.999, ε 1e-8) or SGD with momentum. @default "adam" */
  optimizer: z.enum(["adam", "sgd"]).default("adam"),
  /** SGD's momentum. @default 0.9 */
  momentum: z.number().min(0).max(0.999).default(0.9),
  /** The linear SVM's loss. @default "squared-hinge" */
  loss: z.enum(["hinge", "squared-hinge"]).default("squared-hinge"),
  /**
   * softmax (one label per example) or sigmoid (each label apart). `logistic` is softmax and
   * `ovr-logistic` sigmoid whatever this says; `linear-svm` and `mlp` default to softmax when every
   * training example has exactly one target, else sigmoid.
   */
  output: z.enum(["softmax", "sigmoid"]).optional(),
  /**
   * Rows of the hashed n-gram table are 2^hashBits; needed when examples carry `hashed` ids.
   * @default null (dense only)
   */
  hashBits: z.number().int().min(1).max(26).nullable().default(null),
  /** Standardise each embedding dimension by the training mean and deviation (folded into the weights). @default true */
  standardise: z.boolean().default(true),
  /** Calibrate on dev (temperature or Platt per label); identity without dev. @default true */
  calibrate: z.boolean().default(true),
});
export type HeadOptions = z.input<typeof headOptionsSchema>;
export type HeadHyperparameters = z.infer<typeof headOptionsSchema>;

export interface HeadTrainingProgress {
  epoch: number;
  epochs: number;
  trainLoss: number;
  devLoss: number | undefined;
  bestEpoch: number;
}

/** Held-out examples: early stopping and calibration. */
export interface HeadDevData {
  examples: readonly HeadExample[];
  targets: readonly (readonly number[])[];
}

/** One trainable block with its optimiser state. */
interface Parameter {
  values: Float64Array;
  gradient: Float64Array;
  first: Float64Array;
  second: Float64Array;
  decay: boolean;
}

const parameter = (size: number, decay: boolean): Parameter => ({
  values: new Float64Array(size),
  gradient: new Float64Array(size),
  first: new Float64Array(size),
  second: new Float64Array(size),
  decay,
});

type Loss = "softmax" | "sigmoid" | "hinge" | "squared-hinge";

/** Examples laid out flat for the hot loops: embeddings `count × dims`, targets `count × labels`. */
interface Encoded {
  count: number;
  inputs: Float64Array;
  hashedIds: Int32Array;
  hashedOffsets: Int32Array;
  targets: Uint8Array;
  targetLists: readonly (readonly number[])[];
}

/**
 * Trains a head over embeddings (and hashed ids when `hashBits` is set): multinomial logistic
 * regression, one-vs-rest logistic regression, a one-vs-rest linear SVM, or a one-hidden-layer
 * ReLU MLP, by mini-batch Adam (or SGD with momentum) with L2, in a seeded order, so the same data,
 * options and seed give bit-identical weights. `targets[e]` lists example e's label indices
 * (exactly one for softmax heads; any number for sigmoid ones). With `dev`: early stopping on dev
 * loss, then calibration on dev. The hashed table is updated lazily (only rows a batch touches,
 * L2 included), as sparse features are.
 */
export function trainHead(
  examples: readonly HeadExample[],
  targets: readonly (readonly number[])[],
  labels: readonly string[],
  options: HeadOptions,
  dev?: HeadDevData,
  onProgress?: (progress: HeadTrainingProgress) => void,
): TrainedHead {
  const parsed = headOptionsSchema.safeParse(options);
  if (!parsed.success) throw new UsageError(`invalid head options: ${z.prettifyError(parsed.error)}`);
  const hyper = parsed.data;
  if (labels.length === 0 || new Set(labels).size !== labels.length) {
    throw new UsageError("labels must be non-empty and without duplicates", { labels });
  }
  if (examples.length === 0) throw new UsageError("no training examples");
  if (targets.length !== examples.length) {
    throw new UsageError("one target list per training example expected", {
      examples: examples.length,
      targets: targets.length,
    });
  }
  const labelCount = labels.length;
  const dims = (examples[0] as HeadExample).embedding.length;
  if (dims === 0) throw new InputError("training embeddings are empty");
  const output = chooseOutput(hyper, targets);
  const loss: Loss = hyper.kind === "linear-svm" ? hyper.loss : output === "softmax" ? "softmax" : "sigmoid";

  const train = encode(examples, targets, dims, labelCount, output, hyper.hashBits, "training");
  const devData =
    dev && dev.examples.length > 0
      ? encode(dev.examples, dev.targets, dims, labelCount, output, hyper.hashBits, "dev")
      : undefined;

  const { mean, scale } = hyper.standardise ? standardisation(train, dims) : identityScaling(dims);
  applyScaling(train, mean, scale, dims);
  if (devData) applyScaling(devData, mean, scale, dims);

  const random = createRandom(hyper.seed);
  const mlp = hyper.kind === "mlp";
  const hiddenSize = hyper.hiddenSize;
  const network = createNetwork(dims, labelCount, mlp ? hiddenSize : null, hyper.hashBits, random);
  const weights = exampleWeights(train, labelCount, loss, hyper.classWeights);
  const trainer = new Trainer(network, labelCount, loss, hyper);

  let best = snapshot(network);
  let bestDevLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let epochsRun = 0;
  const order = new Int32Array(train.count);
  for (let e = 0; e < train.count; e++) order[e] = e;
  for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
    epochsRun = epoch;
    shuffleInPlace(order, random);
    const trainLoss = trainer.epoch(train, order, weights);
    let devLoss: number | undefined;
    if (devData) {
      devLoss = trainer.meanLoss(devData);
      if (devLoss < bestDevLoss) {
        bestDevLoss = devLoss;
        bestEpoch = epoch;
        best = snapshot(network);
      }
    } else {
      bestEpoch = epoch;
    }
    onProgress?.({ epoch, epochs: hyper.epochs, trainLoss, devLoss, bestEpoch });
    if (devData && epoch - bestEpoch >= hyper.patience) break;
  }
  if (!devData) best = snapshot(network);

  const layers = foldScaling(best, mean, scale, dims);
  const uncalibrated: HeadConfig = {
    kind: hyper.kind,
    labels: [...labels],
    inputDimensions: dims,
    hashBits: hyper.hashBits,
    hiddenSize: mlp ? hiddenSize : null,
    output,
    calibration:
      output === "softmax"
        ? { kind: "temperature", temperature: 1 }
        : { kind: "platt", slopes: Array(labelCount).fill(1), intercepts: Array(labelCount).fill(0) },
    training: {
      ...hyper,
      output,
      trainExamples: train.count,
      devExamples: devData?.count ?? 0,
      epochsRun,
      bestEpoch,
      ...(devData ? { devLoss: bestDevLoss } : {}),
    },
  };
  const hashed = best.hashed === null ? null : Float32Array.from(best.hashed);
  const head = new TrainedHead(uncalibrated, layers, hashed);
  if (!dev || dev.examples.length === 0 || !hyper.calibrate) return head;
  const devMargins = dev.examples.map((example) => head.margins(example));
  const calibration: HeadConfig["calibration"] =
    output === "softmax"
      ? {
          kind: "temperature",
          temperature: fitTemperature(
            devMargins,
            dev.targets.map((list) => list[0] as number),
            labelCount,
          ),
        }
      : { kind: "platt", ...fitPlattPerLabel(devMargins, dev.targets, labelCount) };
  return new TrainedHead({ ...uncalibrated, calibration }, layers, hashed);
}

function chooseOutput(hyper: HeadHyperparameters, targets: readonly (readonly number[])[]): HeadOutput {
  const fixed: HeadOutput | undefined =
    hyper.kind === "logistic" ? "softmax" : hyper.kind === "ovr-logistic" ? "sigmoid" : undefined;
  if (fixed !== undefined) {
    if (hyper.output !== undefined && hyper.output !== fixed) {
      throw new UsageError(`a ${hyper.kind} head has ${fixed} output, not ${hyper.output}`);
    }
    return fixed;
  }
  return hyper.output ?? (targets.every((list) => list.length === 1) ? "softmax" : "sigmoid");
}

function encode(
  examples: readonly HeadExample[],
  targets: readonly (readonly number[])[],
  dims: number,
  labelCount: number,
  output: HeadOutput,
  hashBits: number | null,
  what: string,
): Encoded {
  if (targets.length !== examples.length) {
    throw new UsageError(`one target list per ${what} example expected`, {
      examples: examples.length,
      targets: targets.length,
    });
  }
  const count = examples.length;
  const inputs = new Float64Array(count * dims);
  const labelTargets = new Uint8Array(count * labelCount);
  const hashedOffsets = new Int32Array(count + 1);
  let hashedTotal = 0;
  examples.forEach((example, e) => {
    if (example.embedding.length !== dims) {
      throw new InputError(
        `${what} example ${e} has a ${example.embedding.length}-dimensional embedding, not ${dims}`,
      );
    }
    inputs.set(example.embedding, e * dims);
    const list = targets[e] as readonly number[];
    if (output === "softmax" && list.length !== 1) {
      throw new InputError(
        `${what} example ${e} has ${list.length} targets; a softmax head needs exactly one`,
      );
    }
    for (const target of list) {
      if (!Number.isInteger(target) || target < 0 || target >= labelCount) {
        throw new InputError(
          `${what} example ${e} has target ${target}, not a label index below ${labelCount}`,
        );
      }
      labelTargets[e * labelCount + target] = 1;
    }
    if (example.hashed !== undefined && example.hashed.length > 0) {
      if (hashBits === null) {
        throw new UsageError(`${what} example ${e} has hashed ids but the head has no hashBits`);
      }
      for (const id of example.hashed) {
        if (id < 0 || id >>> hashBits !== 0) {
          throw new InputError(`${what} example ${e} has hashed id ${id}, outside 2^${hashBits} rows`);
        }
      }
      hashedTotal += example.hashed.length;
    }
    hashedOffsets[e + 1] = hashedTotal;
  });
  const hashedIds = new Int32Array(hashedTotal);
  examples.forEach((example, e) => {
    if (example.hashed !== undefined) hashedIds.set(example.hashed, hashedOffsets[e] as number);
  });
  return { count, inputs, hashedIds, hashedOffsets, targets: labelTargets, targetLists: targets };
}

function standardisation(data: Encoded, dims: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (let e = 0; e < data.count; e++) {
    for (let i = 0; i < dims; i++) mean[i] = (mean[i] as number) + (data.inputs[e * dims + i] as number);
  }
  for (let i = 0; i < dims; i++) mean[i] = (mean[i] as number) / data.count;
  for (let e = 0; e < data.count; e++) {
    for (let i = 0; i < dims; i++) {
      const d = (data.inputs[e * dims + i] as number) - (mean[i] as number);
      scale[i] = (scale[i] as number) + d * d;
    }
  }
  // scale = 1 / deviation; a constant dimension keeps scale 1 (it carries nothing either way).
  for (let i = 0; i < dims; i++) {
    const deviation = Math.sqrt((scale[i] as number) / data.count);
    scale[i] = deviation > 1e-12 ? 1 / deviation : 1;
  }
  return { mean, scale };
}

function identityScaling(dims: number): { mean: Float64Array; scale: Float64Array } {
  return { mean: new Float64Array(dims), scale: new Float64Array(dims).fill(1) };
}

function applyScaling(data: Encoded, mean: Float64Array, scale: Float64Array, dims: number): void {
  for (let e = 0; e < data.count; e++) {
    for (let i = 0; i < dims; i++) {
      const at = e * dims + i;
      data.inputs[at] = ((data.inputs[at] as number) - (mean[i] as number)) * (scale[i] as number);
    }
  }
}

interface Network {
  /** Layer 0: dims × (hidden or labels); layer 1 (mlp): hidden × labels. */
  layers: { weights: Parameter; bias: Parameter; inputs: number; outputs: number }[];
  hashed: Parameter | null;
}

function createNetwork(
  dims: number,
  labelCount: number,
  hiddenSize: number | null,
  hashBits: number | null,
  random: Random,
): Network {
  const layer = (inputs: number, outputs: number, limit: number) => {
    const weights = parameter(inputs * outputs, true);
    // Uniform in ±limit (He for the ReLU layer, Glorot for the output); zero for the convex kinds.
    if (limit > 0)
      for (let i = 0; i < weights.values.length; i++) weights.values[i] = (2 * random.next() - 1) * limit;
    return { weights, bias: parameter(outputs, false), inputs, outputs };
  };
  const layers =
    hiddenSize === null
      ? [layer(dims, labelCount, 0)]
      : [
          layer(dims, hiddenSize, Math.sqrt(6 / dims)),
          layer(hiddenSize, labelCount, Math.sqrt(6 / (hiddenSize + labelCount))),
        ];
  return { layers, hashed: hashBits === null ? null : parameter(2 ** hashBits * labelCount, true) };
}

interface Snapshot {
  layers: { weights: Float64Array; bias: Float64Array }[];
  hashed: Float64Array | null;
}

function snapshot(network: Network): Snapshot {
  return {
    layers: network.layers.map((layer) => ({
      weights: layer.weights.values.slice(),
      bias: layer.bias.values.slice(),
    })),
    hashed: network.hashed?.values.slice() ?? null,
  };
}

/**
 * The layers over the raw embedding: x' = (x − mean) · scale, so the first layer's W' = scale · W
 * (row-wise) and b' = b − Σ_i mean_i · scale_i · W_i.
 */
function foldScaling(best: Snapshot, mean: Float64Array, scale: Float64Array, dims: number): HeadLayer[] {
  return best.layers.map((layer, index) => {
    if (index > 0) return { weights: Float32Array.from(layer.weights), bias: Float32Array.from(layer.bias) };
    const outputs = layer.bias.length;
    const weights = new Float32Array(layer.weights.length);
    const bias = Float64Array.from(layer.bias);
    for (let i = 0; i < dims; i++) {
      const s = scale[i] as number;
      const m = mean[i] as number;
      for (let o = 0; o < outputs; o++) {
        const w = (layer.weights[i * outputs + o] as number) * s;
        weights[i * outputs + o] = w;
        bias[o] = (bias[o] as number) - m * w;
      }
    }
    return { weights, bias: Float32Array.from(bias) };
  });
}

/**
 * Per-example (softmax) or per-example-and-label (per-label losses) loss weights, `count × labels`
 * for the latter. All ones without class weights.
 */
function exampleWeights(
  data: Encoded,
  labelCount: number,
  loss: Loss,
  classWeights: "none" | "balanced",
): Float64Array {
  const perLabel = loss !== "softmax";
  const weights = new Float64Array(perLabel ? data.count * labelCount : data.count).fill(1);
  if (classWeights === "none") return weights;
  const positives = new Float64Array(labelCount);
  for (let e = 0; e < data.count; e++) {
    for (let l = 0; l < labelCount; l++)
      positives[l] = (positives[l] as number) + (data.targets[e * labelCount + l] as number);
  }
  const n = data.count;
  for (let e = 0; e < n; e++) {
    if (!perLabel) {
      const gold = data.targetLists[e]?.[0] as number;
      weights[e] = n / (labelCount * (positives[gold] as number));
      continue;
    }
    for (let l = 0; l < labelCount; l++) {
      const positive = data.targets[e * labelCount + l] === 1;
      const p = positives[l] as number;
      // A label with no positives (or no negatives) has nothing to balance.
      weights[e * labelCount + l] = p === 0 || p === n ? 1 : positive ? n / (2 * p) : n / (2 * (n - p));
    }
  }
  return weights;
}

function shuffleInPlace(order: Int32Array, random: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
}

/** Mini-batch training of a network: the forward and backward passes and the optimiser's step. */
class Trainer {
  private readonly margins: Float64Array;
  private readonly marginGradient: Float64Array;
  private readonly hidden: Float64Array;
  private readonly hiddenGradient: Float64Array;
  /** Rows of the hashed table touched in the current batch, and a per-row stamp to list each once. */
  private touched: Int32Array;
  private touchedCount = 0;
  private readonly stamp: Int32Array;
  private batchNumber = 0;
  private step = 0;
  private readonly dims: number;
  private readonly hashBits: number;

  constructor(
    private readonly network: Network,
    private readonly labelCount: number,
    private readonly loss: Loss,
    private readonly hyper: HeadHyperparameters,
  ) {
    this.dims = (network.layers[0] as Network["layers"][number]).inputs;
    this.margins = new Float64Array(labelCount);
    this.marginGradient = new Float64Array(labelCount);
    const hiddenSize =
      network.layers.length > 1 ? (network.layers[0] as Network["layers"][number]).outputs : 0;
    this.hidden = new Float64Array(hiddenSize);
    this.hiddenGradient = new Float64Array(hiddenSize);
    const rows = network.hashed === null ? 0 : network.hashed.values.length / labelCount;
    this.hashBits = rows > 0 ? 31 - Math.clz32(rows) : 0;
    this.stamp = new Int32Array(rows).fill(-1);
    this.touched = new Int32Array(Math.min(rows, 4096));
  }

  /** One pass in `order`; returns the mean (weighted) training loss. */
  epoch(data: Encoded, order: Int32Array, weights: Float64Array): number {
    const { batchSize } = this.hyper;
    let total = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      this.beginBatch();
      for (let k = start; k < end; k++) {
        const e = order[k] as number;
        this.forward(data, e);
        total += this.lossAndGradient(data, e, weights);
        this.backward(data, e);
      }
      this.applyStep(end - start);
    }
    return total / order.length;
  }

  /** Mean unweighted loss over `data` (dev), without touching the gradients. */
  meanLoss(data: Encoded): number {
    let total = 0;
    for (let e = 0; e < data.count; e++) {
      this.forward(data, e);
      total += this.lossAndGradient(data, e, null);
    }
    return total / data.count;
  }

  private forward(data: Encoded, e: number): void {
    const { layers, hashed } = this.network;
    const dims = this.dims;
    const offset = e * dims;
    const first = layers[0] as Network["layers"][number];
    const target = layers.length > 1 ? this.hidden : this.margins;
    const outputs = first.outputs;
    const w = first.weights.values;
    target.set(first.bias.values);
    for (let i = 0; i < dims; i++) {
      const x = data.inputs[offset + i] as number;
      if (x === 0) continue;
      const row = i * outputs;
      for (let o = 0; o < outputs; o++) target[o] = (target[o] as number) + x * (w[row + o] as number);
    }
    if (layers.length > 1) {
      const second = layers[1] as Network["layers"][number];
      const hiddenSize = outputs;
      for (let h = 0; h < hiddenSize; h++) if ((this.hidden[h] as number) < 0) this.hidden[h] = 0;
      const w2 = second.weights.values;
      const labelCount = this.labelCount;
      this.margins.set(second.bias.values);
      for (let h = 0; h < hiddenSize; h++) {
        const a = this.hidden[h] as number;
        if (a === 0) continue;
        const row = h * labelCount;
        for (let l = 0; l < labelCount; l++)
          this.margins[l] = (this.margins[l] as number) + a * (w2[row + l] as number);
      }
    }
    if (hashed !== null) {
      const from = data.hashedOffsets[e] as number;
      const to = data.hashedOffsets[e + 1] as number;
      if (to > from) {
        addHashed(
          hashed.values,
          this.hashBits,
          data.hashedIds.subarray(from, to),
          this.margins,
          this.labelCount,
        );
      }
    }
  }

  /** The example's loss; writes d loss / d margin into `marginGradient` (weighted when `weights`). */
  private lossAndGradient(data: Encoded, e: number, weights: Float64Array | null): number {
    const labelCount = this.labelCount;
    const z = this.margins;
    const g = this.marginGradient;
    const targetRow = e * labelCount;
    if (this.loss === "softmax") {
      let max = Number.NEGATIVE_INFINITY;
      for (let l = 0; l < labelCount; l++) max = Math.max(max, z[l] as number);
      let sum = 0;
      for (let l = 0; l < labelCount; l++) {
        const value = Math.exp((z[l] as number) - max);
        g[l] = value;
        sum += value;
      }
      const weight = weights === null ? 1 : (weights[e] as number);
      let loss = 0;
      for (let l = 0; l < labelCount; l++) {
        const y = data.targets[targetRow + l] as number;
        if (y === 1) loss = -((z[l] as number) - max - Math.log(sum));
        g[l] = weight * ((g[l] as number) / sum - y);
      }
      return weight * loss;
    }
    let loss = 0;
    for (let l = 0; l < labelCount; l++) {
      const weight = weights === null ? 1 : (weights[targetRow + l] as number);
      const positive = data.targets[targetRow + l] === 1;
      const margin = z[l] as number;
      if (this.loss === "sigmoid") {
        // −log σ(±margin), kept finite for large |margin|.
        const signed = positive ? margin : -margin;
        loss +=
          weight * (signed >= 0 ? Math.log1p(Math.exp(-signed)) : -signed + Math.log1p(Math.exp(signed)));
        g[l] = weight * (sigmoid(margin) - (positive ? 1 : 0));
      } else {
        const y = positive ? 1 : -1;
        const slack = 1 - y * margin;
        if (slack <= 0) {
          g[l] = 0;
        } else if (this.loss === "hinge") {
          loss += weight * slack;
          g[l] = -weight * y;
        } else {
          loss += weight * slack * slack;
          g[l] = -2 * weight * y * slack;
        }
      }
    }
    return loss / labelCount;
  }

  private beginBatch(): void {
    this.batchNumber++;
    this.touchedCount = 0;
  }

  /** Accumulates the example's gradients into the parameters' `gradient` arrays. */
  private backward(data: Encoded, e: number): void {
    const { layers, hashed } = this.network;
    const labelCount = this.labelCount;
    const dims = this.dims;
    const gz = this.marginGradient;
    const last = layers[layers.length - 1] as Network["layers"][number];
    for (let l = 0; l < labelCount; l++)
      last.bias.gradient[l] = (last.bias.gradient[l] as number) + (gz[l] as number);
    const offset = e * dims;
    if (layers.length === 1) {
      const gw = last.weights.gradient;
      for (let i = 0; i < dims; i++) {
        const x = data.inputs[offset + i] as number;
        if (x === 0) continue;
        const row = i * labelCount;
        for (let l = 0; l < labelCount; l++) gw[row + l] = (gw[row + l] as number) + x * (gz[l] as number);
      }
    } else {
      const first = layers[0] as Network["layers"][number];
      const hiddenSize = first.outputs;
      const w2 = last.weights.values;
      const gw2 = last.weights.gradient;
      const gh = this.hiddenGradient;
      for (let h = 0; h < hiddenSize; h++) {
        const a = this.hidden[h] as number;
        const row = h * labelCount;
        let back = 0;
        for (let l = 0; l < labelCount; l++) {
          const g = gz[l] as number;
          gw2[row + l] = (gw2[row + l] as number) + a * g;
          back += (w2[row + l] as number) * g;
        }
        // ReLU passes the gradient only where the unit was active.
        gh[h] = a > 0 ? back : 0;
      }
      for (let h = 0; h < hiddenSize; h++)
        first.bias.gradient[h] = (first.bias.gradient[h] as number) + (gh[h] as number);
      const gw1 = first.weights.gradient;
      for (let i = 0; i < dims; i++) {
        const x = data.inputs[offset + i] as number;
        if (x === 0) continue;
        const row = i * hiddenSize;
        for (let h = 0; h < hiddenSize; h++) gw1[row + h] = (gw1[row + h] as number) + x * (gh[h] as number);
      }
    }
    if (hashed !== null) {
      const from = data.hashedOffsets[e] as number;
      const to = data.hashedOffsets[e + 1] as number;
      if (to === from) return;
      const scale = 1 / Math.sqrt(to - from);
      for (let k = from; k < to; k++) {
        const id = data.hashedIds[k] as number;
        if (this.stamp[id] !== this.batchNumber) {
          this.stamp[id] = this.batchNumber;
          if (this.touchedCount === this.touched.length) {
            const grown = new Int32Array(this.touched.length * 2);
            grown.set(this.touched);
            this.touched = grown;
          }
          this.touched[this.touchedCount++] = id;
        }
        const row = id * labelCount;
        for (let l = 0; l < labelCount; l++) {
          hashed.gradient[row + l] = (hashed.gradient[row + l] as number) + scale * (gz[l] as number);
        }
      }
    }
  }

  private applyStep(batchSize: number): void {
    this.step++;
    const inverse = 1 / batchSize;
    for (const layer of this.network.layers) {
      this.update(layer.weights, 0, layer.weights.values.length, inverse);
      this.update(layer.bias, 0, layer.bias.values.length, inverse);
    }
    const { hashed } = this.network;
    if (hashed === null) return;
    const labelCount = this.labelCount;
    for (let t = 0; t < this.touchedCount; t++) {
      const row = (this.touched[t] as number) * labelCount;
      this.update(hashed, row, row + labelCount, inverse);
    }
  }

  /** One optimiser step on `values[from, to)`, from the summed gradient (then zeroed). */
  private update(p: Parameter, from: number, to: number, inverse: number): void {
    const { learningRate, l2, optimizer, momentum } = this.hyper;
    const decay = p.decay ? l2 : 0;
    const values = p.values;
    const gradient = p.gradient;
    const first = p.first;
    if (optimizer === "sgd") {
      for (let i = from; i < to; i++) {
        const g = (gradient[i] as number) * inverse + decay * (values[i] as number);
        gradient[i] = 0;
        const velocity = momentum * (first[i] as number) - learningRate * g;
        first[i] = velocity;
        values[i] = (values[i] as number) + velocity;
      }
      return;
    }
    const beta1 = 0.9;
    const beta2 = 0.999;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const stepSize = learningRate / correction1;
    const second = p.second;
    for (let i = from; i < to; i++) {
      const g = (gradient[i] as number) * inverse + decay * (values[i] as number);
      gradient[i] = 0;
      const m = beta1 * (first[i] as number) + (1 - beta1) * g;
      const v = beta2 * (second[i] as number) + (1 - beta2) * g * g;
      first[i] = m;
      second[i] = v;
      values[i] = (values[i] as number) - (stepSize * m) / (Math.sqrt(v / correction2) + 1e-8);
    }
  }
}
