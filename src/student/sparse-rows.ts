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

/**
 * A weight table of `length` elements kept as its saved non-zero elements (`ids` ascending, one
 * weight each), with the dense table built the first time something asks for it. Reading a
 * tagger's emission tables densely writes tens of megabytes (a tenth of a one-advert `predict`);
 * the first few sentences are scored from the non-zero elements instead (`addRow`), which gives the
 * same sums, since the elements left out are zeros.
 */
export class SparseTable {
  private dense: Float32Array | undefined;

  constructor(
    private ids: Uint32Array,
    private weights: Float32Array,
    readonly length: number,
  ) {}

  /** The dense table (built once, on first use; the non-zero elements are let go then). */
  toDense(): Float32Array {
    if (this.dense === undefined) {
      const dense = new Float32Array(this.length);
      const { ids, weights } = this;
      for (let index = 0; index < ids.length; index++) dense[ids[index] as number] = weights[index] as number;
      this.dense = dense;
      this.ids = new Uint32Array(0);
      this.weights = new Float32Array(0);
    }
    return this.dense;
  }

  /** Whether the dense table has been built. */
  get isDense(): boolean {
    return this.dense !== undefined;
  }

  /**
   * Adds elements `base .. base + width` to `out[at .. at + width]`, in that order, as a loop over
   * the dense row does (skipping zeros changes no sum).
   */
  addRow(base: number, width: number, out: Float64Array, at: number): void {
    const { dense } = this;
    if (dense !== undefined) {
      for (let offset = 0; offset < width; offset++)
        out[at + offset] = (out[at + offset] as number) + (dense[base + offset] as number);
      return;
    }
    const { ids, weights } = this;
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((ids[middle] as number) < base) low = middle + 1;
      else high = middle;
    }
    const end = base + width;
    for (let index = low; index < ids.length; index++) {
      const id = ids[index] as number;
      if (id >= end) break;
      out[at + id - base] = (out[at + id - base] as number) + (weights[index] as number);
    }
  }
}

/** A table's sections as a `SparseTable` (validated as `readSparseRows` does, not yet dense). */
export function readSparseTable(file: ModelFile, name: string, length: number): SparseTable {
  const ids = file.uint32(`${name}.rows`);
  const weights = file.float32(`${name}.weights`);
  if (weights.length !== ids.length) {
    throw file.damaged(`table "${name}" stores ${ids.length} rows of 1 but ${weights.length} weights`);
  }
  let previous = -1;
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index] as number;
    if (id >= length) throw file.damaged(`table "${name}" has row ${id}; it has only ${length}`);
    if (id <= previous) throw file.damaged(`table "${name}" has its rows out of order at ${id}`);
    previous = id;
  }
  // Views into the file's bytes until the table turns dense (most of a tagger's file is these tables).
  return new SparseTable(ids, weights, length);
}
