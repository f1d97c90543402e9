import onnxProto, { type onnx as onnxTypes } from "onnx-proto";

/** ONNX's generated protobuf bindings (onnx-proto is CommonJS: its namespace is the default export). */
export const { onnx } = onnxProto;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export type ValueInfoProto = InstanceType<typeof onnx.ValueInfoProto>;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type GraphProto = InstanceType<typeof onnx.GraphProto>;
/** Decoded messages type their nested fields by these interfaces (every field optional). */
export type NodeLike = onnxTypes.INodeProto;
export type ValueInfoLike = onnxTypes.IValueInfoProto;

export const elementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElementType = keyof typeof elementType;

/** Little-endian bytes of a typed array, as TensorProto.raw_data wants them. */
function rawBytes(values: Float32Array | Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A constant tensor (an initializer or a Constant node's value). */
export function tensor(
  name: string,
  type: "float" | "double" | "int64",
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  const data =
    type === "float"
      ? Float32Array.from(values)
      : type === "double"
        ? Float64Array.from(values)
        : BigInt64Array.from(Array.from(values, (value) => BigInt(value)));
  return onnx.TensorProto.create({
    name,
    dataType: elementType[type],
    dims: [...dims],
    rawData: rawBytes(data),
  });
}

/** A float tensor straight from a float32 table, without copying it first. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType: elementType.float,
    dims: [...dims],
    rawData: rawBytes(values),
  });
}

type AttributeValue = number | readonly number[] | TensorProto;

function attribute(name: string, value: AttributeValue) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value })
      : onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value });
  }
  if (value instanceof onnx.TensorProto)
    return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: value });
  return onnx.AttributeProto.create({
    name,
    type: AttributeType.INTS,
    ints: [...(value as readonly number[])],
  });
}

/** One operator. Integer attributes are INT, others FLOAT; arrays are INTS. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: [...inputs],
    output: [...outputs],
    name: outputs[0] ?? opType,
    attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  });
}

/** A graph input or output: `dims` entries are sizes or symbolic names ("batch"). */
export function valueInfo(
  name: string,
  type: ElementType,
  dims: readonly (number | string)[],
): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: elementType[type],
        shape: { dim: dims.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  });
}

export interface GraphParts {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  /** Default-domain opset; `ml` adds ai.onnx.ml when a node needs it. */
  opset: number;
  /** Shown by Netron and onnxruntime's model metadata (labels, feature scheme, jobdistill version). */
  metadata?: Record<string, string>;
  docString?: string;
}

/** IR version 7 is what opset 13 pairs with; every onnxruntime from 1.6 reads it. */
const IR_VERSION = 7;

/** A whole ModelProto as bytes. */
export function encodeModel(parts: GraphParts): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: "jobdistill",
    opsetImport: [{ domain: "", version: parts.opset }],
    docString: parts.docString ?? "",
    metadataProps: Object.entries(parts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: parts.name,
      node: parts.nodes,
      initializer: parts.initializers,
      input: parts.inputs,
      output: parts.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
