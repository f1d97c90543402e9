import { describe, expect, it } from "vitest";
import { SparseTable } from "./sparse-rows.ts";

describe("SparseTable", () => {
  const dense = new Float32Array([0, 1.5, 0, -2.25, 0, 0, 3, 0, 0.125, 0]);
  const ids = Uint32Array.from([1, 3, 6, 8]);
  const weights = Float32Array.from([1.5, -2.25, 3, 0.125]);

  it("adds a row as the dense loop does, sparse and after turning dense", () => {
    for (const turnDense of [false, true]) {
      const table = new SparseTable(ids, weights, dense.length);
      if (turnDense) expect(table.toDense()).toEqual(dense);
      expect(table.isDense).toBe(turnDense);
      for (let base = 0; base + 3 <= dense.length; base++) {
        const out = Float64Array.from([0.5, 0.25, 0, 7, 9]);
        const expected = Float64Array.from(out);
        for (let offset = 0; offset < 3; offset++)
          expected[1 + offset] = (expected[1 + offset] as number) + (dense[base + offset] as number);
        table.addRow(base, 3, out, 1);
        expect(Array.from(out)).toEqual(Array.from(expected));
      }
    }
  });

  it("builds the dense table once", () => {
    const table = new SparseTable(ids, weights, dense.length);
    expect(table.toDense()).toBe(table.toDense());
    expect(Array.from(table.toDense())).toEqual(Array.from(dense));
  });
});
