import { readFile, writeFile } from "node:fs/promises";
import { endianness } from "node:os";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { SegmentClassifier, segmentClassifierConfigSchema } from "./model.ts";

/** File layout: see README.md in this folder. */
const MAGIC = "JDSC";
export const SEGMENT_CLASSIFIER_FORMAT_VERSION = 1;

const headerSchema = z.object({
  format: z.literal("jobdistill-segment-classifier"),
  version: z.literal(SEGMENT_CLASSIFIER_FORMAT_VERSION),
  config: segmentClassifierConfigSchema,
  /** Number of feature rows stored (rows of all-zero weights are left out). */
  rows: z.number().int().nonnegative(),
});

function assertLittleEndian(): void {
  // Float32Array views use the platform's byte order; the file is little-endian.
  if (endianness() !== "LE") throw new InputError("segment classifier files need a little-endian platform");
}

/** The model as bytes: magic, header length, JSON header, then row ids, row weights and biases. */
export function encodeSegmentClassifier(model: SegmentClassifier): Uint8Array {
  assertLittleEndian();
  const labelCount = model.config.labels.length;
  const totalRows = model.weights.length / labelCount;
  const rowIds: number[] = [];
  for (let row = 0; row < totalRows; row++) {
    const base = row * labelCount;
    for (let l = 0; l < labelCount; l++) {
      if (model.weights[base + l] !== 0) {
        rowIds.push(row);
        break;
      }
    }
  }
  const header = new TextEncoder().encode(
    JSON.stringify({
      format: "jobdistill-segment-classifier",
      version: SEGMENT_CLASSIFIER_FORMAT_VERSION,
      config: model.config,
      rows: rowIds.length,
    }),
  );
  const headerEnd = align4(8 + header.length);
  const weightsStart = headerEnd + rowIds.length * 4;
  const biasStart = weightsStart + rowIds.length * labelCount * 4;
  const bytes = new Uint8Array(biasStart + labelCount * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, header.length, true);
  bytes.set(header, 8);
  const ids = new Uint32Array(bytes.buffer, headerEnd, rowIds.length);
  const weights = new Float32Array(bytes.buffer, weightsStart, rowIds.length * labelCount);
  rowIds.forEach((row, i) => {
    ids[i] = row;
    weights.set(model.weights.subarray(row * labelCount, (row + 1) * labelCount), i * labelCount);
  });
  new Float32Array(bytes.buffer, biasStart, labelCount).set(model.bias);
  return bytes;
}

export function decodeSegmentClassifier(bytes: Uint8Array): SegmentClassifier {
  assertLittleEndian();
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new InputError("not a jobdistill segment classifier file (bad magic)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new InputError("segment classifier file is truncated (header)");
  let headerJson: unknown;
  try {
    headerJson = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new InputError("segment classifier header is not valid JSON", { cause });
  }
  const parsed = headerSchema.safeParse(headerJson);
  if (!parsed.success) {
    throw new InputError(`segment classifier header is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const { config, rows } = parsed.data;
  const labelCount = config.labels.length;
  const headerEnd = align4(8 + headerLength);
  const weightsStart = headerEnd + rows * 4;
  const biasStart = weightsStart + rows * labelCount * 4;
  if (biasStart + labelCount * 4 !== bytes.length) {
    throw new InputError("segment classifier file has the wrong length for its header", {
      data: { expected: biasStart + labelCount * 4, actual: bytes.length },
    });
  }
  // Copy into a fresh, aligned buffer: a Buffer from readFile may start at any byte offset (and
  // Buffer#slice would not copy).
  const body = new Uint8Array(bytes.subarray(headerEnd));
  const ids = new Uint32Array(body.buffer, 0, rows);
  const storedWeights = new Float32Array(body.buffer, rows * 4, rows * labelCount);
  const totalRows = 2 ** config.features.hashBits;
  const weights = new Float32Array(totalRows * labelCount);
  for (let i = 0; i < rows; i++) {
    const row = ids[i] as number;
    if (row >= totalRows)
      throw new InputError("segment classifier row id out of range", { data: { row, totalRows } });
    weights.set(storedWeights.subarray(i * labelCount, (i + 1) * labelCount), row * labelCount);
  }
  const bias = new Float32Array(body.buffer, biasStart - headerEnd, labelCount).slice();
  return new SegmentClassifier(config, weights, bias);
}

export async function saveSegmentClassifier(model: SegmentClassifier, path: string): Promise<void> {
  await writeFile(path, encodeSegmentClassifier(model));
}

export async function loadSegmentClassifier(path: string): Promise<SegmentClassifier> {
  return decodeSegmentClassifier(await readFile(path));
}

function align4(offset: number): number {
  return (offset + 3) & ~3;
}
