import { tokenize } from "../align/tokenize.ts";
import { FeatureExtractor, type SegmentClassifier } from "../student/segment-classifier/index.ts";
import { type SkillTypeModel, skillTypeFeatures } from "../student/skill-type/index.ts";
import { layerScores } from "../student/tagger/averaged-perceptron.ts";
import { FeatureExtractor as TaggerFeatureExtractor } from "../student/tagger/features.ts";
import type { TaggerModel } from "../student/tagger/index.ts";
import { LabelSet } from "../student/tagger/label-set.ts";
import { PhraseLexicon } from "../student/tagger/lexicon.ts";
import { decodeEmission, emissionScores } from "../student/tagger/viterbi.ts";
import { segmentClassifierScheme, skillTypeScheme, taggerScheme } from "./feature-scheme.ts";
import { GraphBuilder } from "./graph-builder.ts";
import {
  addBias,
  featureIdsInput,
  featureMask,
  floatOutput,
  gatherSum,
  scaleByInverseSqrtCount,
} from "./hashed-features.ts";
import { valueInfo } from "./onnx-graph.ts";
import { testVectorTexts } from "./test-texts.ts";

/** One line of test-vectors.jsonl: what the featuriser and the graph must give for `text`. */
export interface TestVector {
  text: string;
  /** The tagger's tokens (src/align/tokenize.ts); one feature row per token. */
  tokens?: string[];
  /** One row of hashed feature ids per graph row (per text, or per token for the tagger). */
  feature_ids: number[][];
  /** Float outputs of the graph, one row per feature row, as the TypeScript student computes them. */
  outputs: Record<string, number[][]>;
  /** What the student decides from those outputs (labels, a label index, BIO tags per layer). */
  decision: unknown;
}

/** Everything a lexical export writes beside its README: file name → contents. */
export interface LexicalExport {
  kind: "segment-classifier" | "skill-type" | "tagger";
  model: Uint8Array;
  featureScheme: string;
  testVectors: TestVector[];
  /** Extra files (the tagger's decoding tables). */
  extraFiles: Record<string, string>;
  /** What the README says the graph takes and gives. */
  inputs: string;
  outputs: string[];
  notes: string[];
}

const opset = 13;
const idsInput = valueInfo(featureIdsInput, "int64", ["batch", "features"]);
const rows = (values: Float64Array, width: number): number[][] =>
  Array.from({ length: values.length / width }, (_, row) =>
    Array.from(values.subarray(row * width, (row + 1) * width)),
  );

function metadata(
  kind: string,
  labels: unknown,
  extra: Record<string, unknown> = {},
): Record<string, string> {
  return {
    "jobdistill.kind": kind,
    "jobdistill.labels": JSON.stringify(labels),
    ...Object.fromEntries(
      Object.entries(extra).map(([key, value]) => [`jobdistill.${key}`, JSON.stringify(value)]),
    ),
  };
}

/** The segment classifier: hashed n-grams → Σ rows / √count + bias → Platt sigmoid or tempered softmax. */
export function exportSegmentClassifier(model: SegmentClassifier): LexicalExport {
  const { config } = model;
  const labelCount = config.labels.length;
  const graph = new GraphBuilder("");
  const mask = featureMask(graph);
  const sum = gatherSum(graph, mask, "weights", model.weights, labelCount);
  const margins = addBias(graph, scaleByInverseSqrtCount(graph, mask, sum), model.bias);
  const { calibration } = config;
  const probabilities =
    calibration.kind === "platt"
      ? graph.op("Sigmoid", [
          graph.op("Add", [
            graph.op("Mul", [
              margins,
              graph.constant("platt_slopes", "double", [labelCount], calibration.slopes),
            ]),
            graph.constant("platt_intercepts", "double", [labelCount], calibration.intercepts),
          ]),
        ])
      : graph.op(
          "Softmax",
          [
            graph.op("Div", [
              margins,
              graph.constant("temperature", "double", [], [calibration.temperature]),
            ]),
          ],
          { axis: -1 },
        );
  floatOutput(graph, margins, "margins");
  floatOutput(graph, probabilities, "probabilities");
  const decisionOutput =
    config.mode === "multi-label"
      ? valueInfo("predicted", "bool", ["batch", labelCount])
      : valueInfo("label_index", "int64", ["batch"]);
  if (config.mode === "multi-label") {
    graph.op(
      "GreaterOrEqual",
      [probabilities, graph.constant("thresholds", "double", [labelCount], config.thresholds)],
      {},
      "predicted",
    );
  } else {
    graph.op("ArgMax", [probabilities], { axis: 1, keepdims: 0 }, "label_index");
  }
  const bytes = graph.encode({
    name: "jobdistill-segment-classifier",
    inputs: [idsInput],
    outputs: [
      valueInfo("margins", "float", ["batch", labelCount]),
      valueInfo("probabilities", "float", ["batch", labelCount]),
      decisionOutput,
    ],
    opset,
    metadata: metadata("segment-classifier", config.labels, {
      mode: config.mode,
      thresholds: config.thresholds,
    }),
  });
  const extractor = new FeatureExtractor(config.features);
  const testVectors = testVectorTexts.map((text): TestVector => {
    const count = extractor.extract(text);
    const ids = Array.from(extractor.indices.subarray(0, count));
    const marginValues = model.marginsInto(text, new Float64Array(labelCount));
    const probabilityValues = model.probabilitiesInto(text, new Float64Array(labelCount));
    return {
      text,
      feature_ids: [ids],
      outputs: {
        margins: rows(marginValues, labelCount),
        probabilities: rows(probabilityValues, labelCount),
      },
      decision: { labels: model.predict(text).labels },
    };
  });
  return {
    kind: "segment-classifier",
    model: bytes,
    featureScheme: segmentClassifierScheme(config),
    testVectors,
    extraFiles: {},
    inputs: `\`${featureIdsInput}\`: int64 [batch, features], one text per row, its hashed feature ids (duplicates kept, order free) padded with -1.`,
    outputs: [
      `\`margins\`: float [batch, ${labelCount}] — raw scores, one per label (${config.labels.join(", ")}).`,
      `\`probabilities\`: float [batch, ${labelCount}] — calibrated (${calibration.kind === "platt" ? "per-label Platt sigmoid: multi-label" : `softmax over margins / ${calibration.temperature}: multi-class`}).`,
      config.mode === "multi-label"
        ? `\`predicted\`: bool [batch, ${labelCount}] — probability ≥ the label's threshold (${config.thresholds.map((t) => t.toFixed(4)).join(", ")}).`
        : "`label_index`: int64 [batch] — the most probable label (first on ties).",
    ],
    notes: [],
  };
}

/**
 * The skill-type regression: distinct hashed phrase features → Σ rows + bias → softmax. The concept
 * linker and the neighbour vote search stored phrases; they are not graphs and are not exported.
 */
export function exportSkillType(model: SkillTypeModel): LexicalExport {
  const { config } = model;
  const labelCount = config.labels.length;
  const graph = new GraphBuilder("");
  const mask = featureMask(graph);
  const scores = addBias(graph, gatherSum(graph, mask, "weights", model.weights, labelCount), model.bias);
  floatOutput(graph, scores, "scores");
  floatOutput(graph, graph.op("Softmax", [scores], { axis: -1 }), "probabilities");
  const offsets = Array.from({ length: labelCount }, (_, l) => config.decisionOffsets[l] ?? 0);
  graph.op("ArgMax", [addBias(graph, scores, offsets)], { axis: 1, keepdims: 0 }, "label_index");
  const bytes = graph.encode({
    name: "jobdistill-skill-type",
    inputs: [idsInput],
    outputs: [
      valueInfo("scores", "float", ["batch", labelCount]),
      valueInfo("probabilities", "float", ["batch", labelCount]),
      valueInfo("label_index", "int64", ["batch"]),
    ],
    opset,
    metadata: metadata("skill-type", config.labels, { decisionOffsets: offsets }),
  });
  const testVectors = testVectorTexts.map((text): TestVector => {
    const ids = Array.from(skillTypeFeatures(text, config.features));
    const scoreValues = model.scores(text);
    const probabilities = softmaxRow(scoreValues);
    let best = 0;
    for (let l = 1; l < labelCount; l++)
      if (
        (scoreValues[l] as number) + (offsets[l] as number) >
        (scoreValues[best] as number) + (offsets[best] as number)
      )
        best = l;
    return {
      text,
      feature_ids: [ids],
      outputs: { scores: rows(scoreValues, labelCount), probabilities: [probabilities] },
      decision: { label_index: best, label: config.labels[best] },
    };
  });
  const searches = [config.linker ? "concept linker" : "", config.neighbours ? "neighbour vote" : ""].filter(
    Boolean,
  );
  return {
    kind: "skill-type",
    model: bytes,
    featureScheme: skillTypeScheme(config),
    testVectors,
    extraFiles: {},
    inputs: `\`${featureIdsInput}\`: int64 [batch, features], one phrase per row, its distinct hashed feature ids padded with -1.`,
    outputs: [
      `\`scores\`: float [batch, ${labelCount}] — the regression's class scores (${config.labels.join(", ")}).`,
      `\`probabilities\`: float [batch, ${labelCount}] — softmax of the scores (the student's confidence).`,
      `\`label_index\`: int64 [batch] — argmax of scores + decision offsets (${offsets.join(", ")}).`,
    ],
    notes: [
      searches.length > 0
        ? `This model also has a ${searches.join(" and a ")}, which search its stored training phrases: they are not a graph and are NOT in this export. jobdistill's own answer for a phrase the ${searches.join("/")} decides can differ from \`label_index\`; the graph is the regression alone.`
        : "This model has no concept linker or neighbour vote: the graph is the whole student.",
      "The workspace lexicon (consulted before the student by `jobdistill predict --task skill-type`) is not part of the export.",
    ],
  };
}

function softmaxRow(values: Float64Array): number[] {
  const max = Math.max(...values);
  const exps = Array.from(values, (value) => Math.exp(value - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/** An output name from a layer name: ONNX names are free text, but consumers like identifiers. */
export const emissionOutput = (layer: string): string => `emissions_${layer.replace(/[^A-Za-z0-9_]/g, "_")}`;

/**
 * The span tagger's emission scoring: per token, Σ of its feature rows per tag (no scaling, no bias:
 * the bias is feature id 1). Viterbi over the transition tables (tagger-decoding.json) is the
 * consumer's; span-edge rankers are not exported.
 */
export function exportTagger(model: TaggerModel): LexicalExport {
  const { config } = model;
  const bucketMask = 2 ** config.hashBits - 1;
  const graph = new GraphBuilder("");
  const featureRows = featureMask(graph);
  const outputs = model.layers.map((layer) => {
    const name = emissionOutput(layer.name);
    floatOutput(
      graph,
      gatherSum(graph, featureRows, `emission_${layer.name}`, layer.weights.emission, layer.tags.length),
      name,
    );
    return valueInfo(name, "float", ["tokens", layer.tags.length]);
  });
  const bytes = graph.encode({
    name: "jobdistill-tagger",
    inputs: [valueInfo(featureIdsInput, "int64", ["tokens", "features"])],
    outputs,
    opset,
    metadata: metadata("tagger", Object.fromEntries(model.layers.map((layer) => [layer.name, layer.tags]))),
  });
  const extractor = new TaggerFeatureExtractor(
    config.features,
    model.clusters,
    model.lexicon ? new PhraseLexicon(model.lexicon) : undefined,
  );
  const decoders = model.layers.map((layer) => ({
    layer,
    labels: new LabelSet(layer.tags),
    scores: layerScores(layer.weights, config.order, config.hashBits),
  }));
  const testVectors = testVectorTexts.map((text): TestVector => {
    const tokens = tokenize(text).map((token) => token.text);
    const features = extractor.extract(tokens);
    const featureIds = Array.from({ length: tokens.length }, (_, t) =>
      Array.from(
        features.ids.subarray(features.offsets[t], features.offsets[t + 1]),
        (id) => id & bucketMask,
      ),
    );
    const outputsByLayer: Record<string, number[][]> = {};
    const tags: Record<string, string[]> = {};
    for (const { layer, labels, scores } of decoders) {
      const emission = emissionScores(features, scores, labels.size);
      outputsByLayer[emissionOutput(layer.name)] = rows(emission, labels.size);
      tags[layer.name] =
        tokens.length === 0
          ? []
          : Array.from(
              decodeEmission(emission, scores, labels, tokens.length),
              (id) => layer.tags[id] as string,
            );
    }
    return {
      text,
      tokens,
      feature_ids: featureIds,
      outputs: outputsByLayer,
      decision: { viterbi_tags: tags },
    };
  });
  const decoding = {
    order: config.order,
    encoding: config.encoding,
    layers: decoders.map(({ layer, labels, scores }) => ({
      name: layer.name,
      output: emissionOutput(layer.name),
      tags: layer.tags,
      start: labels.start,
      allowed: Array.from(labels.allowed),
      allowedEnd: Array.from(labels.allowedEnd),
      transition: Array.from(scores.transition),
      transition2: Array.from(scores.transition2),
      final: Array.from(scores.final),
      spanEdgeRankers: (layer.spanEdges ?? []).length,
    })),
  };
  const extraFiles: Record<string, string> = {
    "tagger-decoding.json": `${JSON.stringify(decoding, null, 1)}\n`,
  };
  if (model.clusters)
    extraFiles["word-clusters.tsv"] = [...model.clusters]
      .map(([word, path]) => `${word}\t${path}\n`)
      .join("");
  if (model.lexicon) extraFiles["lexicon.txt"] = model.lexicon.map((phrase) => `${phrase}\n`).join("");
  const withEdges = model.layers
    .filter((layer) => (layer.spanEdges ?? []).length > 0)
    .map((layer) => layer.name);
  return {
    kind: "tagger",
    model: bytes,
    featureScheme: taggerScheme(config, {
      clusters: model.clusters !== undefined,
      lexicon: model.lexicon !== undefined,
    }),
    testVectors,
    extraFiles,
    inputs: `\`${featureIdsInput}\`: int64 [tokens, features], one sentence per call, one row per token: its hashed feature ids (masked to ${config.hashBits} bits) padded with -1.`,
    outputs: model.layers.map(
      (layer) =>
        `\`${emissionOutput(layer.name)}\`: float [tokens, ${layer.tags.length}] — emission scores of layer "${layer.name}" per tag (${layer.tags.join(", ")}).`,
    ),
    notes: [
      `Decoding is yours: ${config.order === 1 ? "first-order" : "second-order"} Viterbi over the emissions plus tagger-decoding.json's transition tables, within its allowed transitions (see the README section on the tagger).`,
      withEdges.length > 0
        ? `Layers ${withEdges.join(", ")} also have span-edge rankers that adjust span ends after decoding: they are NOT exported, so decoded spans can differ from jobdistill's at their edges (test vectors give the Viterbi tags before that step).`
        : "No layer has span-edge rankers: Viterbi over the emissions is the whole decoding.",
    ],
  };
}
