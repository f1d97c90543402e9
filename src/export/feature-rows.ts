/** Feature-id rows as the lexical graphs take them: int64 [rows, width], padded with -1. */
export interface PaddedIds {
  data: BigInt64Array;
  dims: [number, number];
}

/**
 * Pads each row to the longest (at least one column, so an empty row is one -1). The graphs treat
 * any negative id as padding.
 */
export function padFeatureIds(rows: readonly (readonly number[])[]): PaddedIds {
  const width = Math.max(1, ...rows.map((row) => row.length));
  const data = new BigInt64Array(rows.length * width).fill(-1n);
  rows.forEach((row, index) => {
    row.forEach((id, column) => {
      data[index * width + column] = BigInt(id);
    });
  });
  return { data, dims: [rows.length, width] };
}
