import { UsageError } from "../core/errors.ts";
import type { GraphBuilder } from "./graph-builder.ts";
import { floatTensor } from "./onnx-graph.ts";

/** Name of the lexical graphs' input: hashed feature ids, int64 [batch, features], padded with -1. */
export const featureIdsInput = "feature_ids";

/** protobuf cannot hold a message over 2 GiB; stay well below it. */
const maxTableBytes = 1.5 * 2 ** 30;

/** What every lexical graph derives from its padded ids once. */
export interface FeatureMask {
  /** The ids with padding replaced by 0 (ONNX's Gather reads -1 as the last row). */
  safeIds: string;
  /** 1.0 for a real id, 0.0 for padding: double [batch, features, 1]. */
  weight: string;
  /** Real ids per row: double [batch, 1]. */
  count: string;
}

export function featureMask(graph: GraphBuilder): FeatureMask {
  const zero = graph.constant("zero_id", "int64", [], [0]);
  const real = graph.op("GreaterOrEqual", [featureIdsInput, zero]);
  const safeIds = graph.op("Where", [real, featureIdsInput, zero]);
  const realDouble = graph.op("Cast", [real], { to: 11 });
  const axisTwo = graph.constant("axis_2", "int64", [1], [2]);
  const axisOne = graph.constant("axis_1", "int64", [1], [1]);
  const weight = graph.op("Unsqueeze", [realDouble, axisTwo]);
  const count = graph.op("ReduceSum", [realDouble, axisOne], { keepdims: 1 });
  return { safeIds, weight, count };
}

/**
 * Σ over a row's real ids of `table[id]` (a dense `rows × width` float32 table, row-major), summed
 * in double as the TypeScript students sum float32 weights in float64: double [batch, width].
 */
export function gatherSum(
  graph: GraphBuilder,
  mask: FeatureMask,
  name: string,
  table: Float32Array,
  width: number,
): string {
  if (table.byteLength > maxTableBytes) {
    throw new UsageError(
      `the ${name} weight table is ${(table.byteLength / 2 ** 20).toFixed(0)} MB, too large for one ONNX file; retrain with fewer hash bits`,
      { bytes: table.byteLength },
    );
  }
  const weights = graph.add(floatTensor(name, [table.length / width, width], table));
  const rows = graph.op("Gather", [weights, mask.safeIds], { axis: 0 });
  const rowsDouble = graph.op("Cast", [rows], { to: 11 });
  const masked = graph.op("Mul", [rowsDouble, mask.weight]);
  const axisOne = graph.constant("axis_1", "int64", [1], [1]);
  return graph.op("ReduceSum", [masked, axisOne], { keepdims: 0 });
}

/** `sum / sqrt(count)` (0 for a row without ids), as `accumulateMargins` scales a segment's sum. */
export function scaleByInverseSqrtCount(graph: GraphBuilder, mask: FeatureMask, sum: string): string {
  const one = graph.constant("one", "double", [], [1]);
  const root = graph.op("Sqrt", [graph.op("Max", [mask.count, one])]);
  return graph.op("Div", [sum, root]);
}

/** `values + bias` with a double bias vector. */
export function addBias(graph: GraphBuilder, values: string, bias: ArrayLike<number>): string {
  return graph.op("Add", [values, graph.constant("bias", "double", [bias.length], bias)]);
}

/** A double tensor cast to float32 under a graph output's name. */
export function floatOutput(graph: GraphBuilder, values: string, output: string): string {
  return graph.op("Cast", [values], { to: 1 }, output);
}
