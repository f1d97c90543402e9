import {
  encodeModel,
  type GraphParts,
  type NodeProto,
  node,
  type TensorProto,
  tensor,
} from "./onnx-graph.ts";

type Attributes = Parameters<typeof node>[3];

/** Collects nodes and initializers with fresh tensor names, so graph code reads as a sequence of ops. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;

  constructor(private readonly prefix: string) {}

  private fresh(hint: string): string {
    this.counter++;
    return `${this.prefix}${hint}_${this.counter}`;
  }

  /** A constant input; returns its name. */
  constant(
    hint: string,
    type: "float" | "double" | "int64",
    dims: readonly number[],
    values: ArrayLike<number>,
  ): string {
    const name = this.fresh(hint);
    this.initializers.push(tensor(name, type, dims, values));
    return name;
  }

  /** An initializer built elsewhere (a large weight table). */
  add(initializer: TensorProto): string {
    this.initializers.push(initializer);
    return initializer.name;
  }

  /** One single-output operator; `output` names the result (a graph output), else a fresh name. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, output?: string): string {
    const name = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push(node(opType, inputs, [name], attributes));
    return name;
  }

  /** The ModelProto bytes of everything added so far. */
  encode(parts: Omit<GraphParts, "nodes" | "initializers">): Uint8Array {
    return encodeModel({ ...parts, nodes: this.nodes, initializers: this.initializers });
  }
}
