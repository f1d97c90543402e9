import type { ModelFile, SectionValue } from "./model-file.ts";

/**
 * A hashed weight table (rows of `width` weights, row-major) as two model-file sections: the ids of
 * the rows with a non-zero weight (`<name>.rows`, uint32, ascending) and those rows' weights
 * (`<name>.weights`, float32). Most hash buckets never receive an update, so this is a fraction of
 * the dense table.
 */
export function sparseRowSections(
  name: string,
  dense: Float32Array,
  width: number,
): Record<string, SectionValue> {
  const rowCount = dense.length / width;
  const ids: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    const base = row * width;
    for (let column = 0; column < width; column++) {
      if (dense[base + column] !== 0) {
        ids.push(row);
        break;
      }
    }
  }
  const rows = Uint32Array.from(ids);
  const weights = new Float32Array(rows.length * width);
  rows.forEach((row, index) => {
    weights.set(dense.subarray(row * width, (row + 1) * width), index * width);
  });
  return { [`${name}.rows`]: rows, [`${name}.weights`]: weights };
}

/** The dense table of `rowCount` rows back from its sections; rows out of range are a damaged file. */
export function readSparseRows(file: ModelFile, name: string, width: number, rowCount: number): Float32Array {
  const rows = file.uint32(`${name}.rows`);
  const weights = file.float32(`${name}.weights`);
  if (weights.length !== rows.length * width) {
    throw file.damaged(
      `table "${name}" stores ${rows.length} rows of ${width} but ${weights.length} weights`,
    );
  }
  const dense = new Float32Array(rowCount * width);
  // Element by element: a subarray per row (hundreds of thousands of rows of a few weights) cost
  // more in allocation and garbage collection than the copying, a tenth of a one-advert `predict`.
  for (let index = 0, from = 0; index < rows.length; index++) {
    const row = rows[index] as number;
    if (row >= rowCount) throw file.damaged(`table "${name}" has row ${row}; it has only ${rowCount}`);
    for (let to = row * width, end = to + width; to < end; to++, from++) dense[to] = weights[from] as number;
  }
  return dense;
}

/** A linear model's weight table (one column per label, sparse rows) and its per-label `bias`. */
export function linearSections(weights: Float32Array, bias: Float32Array): Record<string, SectionValue> {
  return { ...sparseRowSections("weights", weights, bias.length), bias };
}

export function readLinearSections(
  file: ModelFile,
  labelCount: number,
  rowCount: number,
): { weights: Float32Array; bias: Float32Array } {
  const weights = readSparseRows(file, "weights", labelCount, rowCount);
  const bias = file.float32("bias");
  if (bias.length !== labelCount) throw file.damaged(`${bias.length} biases for ${labelCount} labels`);
  // A copy: a view would keep the whole file's bytes alive.
  return { weights, bias: bias.slice() };
}
