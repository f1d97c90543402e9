import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { errorMessage, InputError } from "../../core/errors.ts";
import type { LayerWeights } from "./averaged-perceptron.ts";
import { taggerConfigSchema } from "./config.ts";
import { type TaggerLayer, TaggerModel } from "./model.ts";
import type { SpanEdgeModel } from "./span-edges.ts";

/** File magic: 8 ASCII bytes, then a uint32 (little-endian) header length. See README.md. */
const magic = "JDTAGGER";
const weightTables = ["emission", "transition", "transition2", "final"] as const;

const headerSchema = z.object({
  format: z.literal("jobdistill-tagger"),
  config: taggerConfigSchema,
  layers: z.array(
    z.object({
      name: z.string(),
      tags: z.array(z.string()).min(1),
      bestEpoch: z.number().int(),
      devF1: z.number().optional(),
      outsideShift: z.number().optional(),
      insideShift: z.number().optional(),
      /** Span-edge rankers' settings, in order; their sparse weights follow the layer's tables. */
      spanEdges: z
        .array(
          z.object({
            side: z.enum(["start", "end"]),
            hashBits: z.number().int().min(8).max(24),
            maxLength: z.number().int().positive(),
            margin: z.number(),
            stored: z.number().int().nonnegative(),
          }),
        )
        .optional(),
      /** Dense length and stored (non-zero) entry count of each weight table. */
      tables: z.array(
        z.object({ name: z.enum(weightTables), length: z.number().int(), stored: z.number().int() }),
      ),
    }),
  ),
  clusters: z.record(z.string(), z.string()).optional(),
  lexicon: z.array(z.string()).optional(),
});
type Header = z.infer<typeof headerSchema>;

/** Non-zero weights only: most hash buckets never receive an update. */
function sparse(values: Float32Array): { indices: Uint32Array; weights: Float32Array } {
  let count = 0;
  for (const value of values) if (value !== 0) count++;
  const indices = new Uint32Array(count);
  const weights = new Float32Array(count);
  let next = 0;
  values.forEach((value, index) => {
    if (value === 0) return;
    indices[next] = index;
    weights[next] = value;
    next++;
  });
  return { indices, weights };
}

/** A span-edge ranker's header entry; appends its sparse weights after the layer's tables. */
function spanEdgeHeader(model: SpanEdgeModel, bodies: Buffer[]) {
  const { indices, weights } = sparse(model.weights);
  bodies.push(Buffer.from(indices.buffer, indices.byteOffset, indices.byteLength));
  bodies.push(Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength));
  return {
    side: model.side,
    hashBits: model.hashBits,
    maxLength: model.maxLength,
    margin: model.margin,
    stored: indices.length,
  };
}

/** The model as bytes: header JSON, then per layer and table the sparse (index, weight) pairs. */
export function serialiseTagger(model: TaggerModel): Buffer {
  const bodies: Buffer[] = [];
  const layers: Header["layers"] = model.layers.map((layer) => {
    const tables = weightTables.map((name) => {
      const { indices, weights } = sparse(layer.weights[name]);
      bodies.push(Buffer.from(indices.buffer, indices.byteOffset, indices.byteLength));
      bodies.push(Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength));
      return { name, length: layer.weights[name].length, stored: indices.length };
    });
    return {
      name: layer.name,
      tags: layer.tags,
      bestEpoch: layer.bestEpoch,
      ...(layer.devF1 === undefined ? {} : { devF1: layer.devF1 }),
      ...(layer.outsideShift === undefined ? {} : { outsideShift: layer.outsideShift }),
      ...(layer.insideShift === undefined ? {} : { insideShift: layer.insideShift }),
      ...(layer.spanEdges
        ? { spanEdges: layer.spanEdges.map((model) => spanEdgeHeader(model, bodies)) }
        : {}),
      tables,
    };
  });
  const header: Header = {
    format: "jobdistill-tagger",
    config: model.config,
    layers,
    ...(model.clusters ? { clusters: Object.fromEntries(model.clusters) } : {}),
    ...(model.lexicon ? { lexicon: [...model.lexicon] } : {}),
  };
  let headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  // Pad the header with spaces so the weights start 4-byte aligned.
  const padding = (4 - ((magic.length + 4 + headerBytes.length) % 4)) % 4;
  headerBytes = Buffer.concat([headerBytes, Buffer.alloc(padding, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([Buffer.from(magic, "ascii"), length, headerBytes, ...bodies]);
}

export function deserialiseTagger(bytes: Uint8Array, origin = "tagger model"): TaggerModel {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 12 || buffer.toString("ascii", 0, 8) !== magic) {
    throw new InputError(`${origin}: not a jobdistill tagger file (bad magic)`);
  }
  const headerLength = buffer.readUInt32LE(8);
  let header: Header;
  try {
    header = headerSchema.parse(JSON.parse(buffer.toString("utf8", 12, 12 + headerLength)));
  } catch (error) {
    throw new InputError(`${origin}: unreadable header (${errorMessage(error)})`, { cause: error });
  }
  // Copy the body once so typed-array views are aligned whatever the source buffer's offset.
  const body = new Uint8Array(buffer.subarray(12 + headerLength)).buffer;
  let offset = 0;
  const layers: TaggerLayer[] = header.layers.map((layer) => {
    const tables: Partial<LayerWeights> = {};
    for (const table of layer.tables) {
      if (offset + table.stored * 8 > body.byteLength) throw new InputError(`${origin}: truncated weights`);
      const indices = new Uint32Array(body, offset, table.stored);
      const weights = new Float32Array(body, offset + table.stored * 4, table.stored);
      offset += table.stored * 8;
      const dense = new Float32Array(table.length);
      for (let index = 0; index < indices.length; index++) {
        const position = indices[index] as number;
        if (position >= table.length) throw new InputError(`${origin}: weight index out of range`);
        dense[position] = weights[index] as number;
      }
      tables[table.name] = dense;
    }
    const spanEdges = (layer.spanEdges ?? []).map(({ stored, ...settings }): SpanEdgeModel => {
      const length = 2 ** settings.hashBits;
      if (offset + stored * 8 > body.byteLength) throw new InputError(`${origin}: truncated weights`);
      const indices = new Uint32Array(body, offset, stored);
      const values = new Float32Array(body, offset + stored * 4, stored);
      offset += stored * 8;
      const weights = new Float32Array(length);
      for (let index = 0; index < stored; index++) {
        const position = indices[index] as number;
        if (position >= length) throw new InputError(`${origin}: weight index out of range`);
        weights[position] = values[index] as number;
      }
      return { ...settings, weights };
    });
    const size = layer.tags.length;
    const expected = {
      emission: 2 ** header.config.hashBits * size,
      transition: (size + 1) * size,
      transition2: header.config.order === 2 ? (size + 1) * (size + 1) * size : 0,
      final: size,
    };
    for (const name of weightTables) {
      if (tables[name]?.length !== expected[name]) {
        throw new InputError(
          `${origin}: layer ${layer.name} has no ${name} table of length ${expected[name]}`,
        );
      }
    }
    return {
      name: layer.name,
      tags: layer.tags,
      weights: tables as LayerWeights,
      bestEpoch: layer.bestEpoch,
      ...(layer.devF1 === undefined ? {} : { devF1: layer.devF1 }),
      ...(layer.outsideShift === undefined ? {} : { outsideShift: layer.outsideShift }),
      ...(layer.insideShift === undefined ? {} : { insideShift: layer.insideShift }),
      ...(layer.spanEdges ? { spanEdges } : {}),
    };
  });
  return new TaggerModel({
    config: header.config,
    layers,
    ...(header.clusters ? { clusters: new Map(Object.entries(header.clusters)) } : {}),
    ...(header.lexicon ? { lexicon: header.lexicon } : {}),
  });
}

export function saveTagger(model: TaggerModel, path: string): void {
  writeFileSync(path, serialiseTagger(model));
}

export function loadTagger(path: string): TaggerModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read tagger model ${path}: ${errorMessage(error)}`, { cause: error });
  }
  return deserialiseTagger(bytes, path);
}
