import { expect, it } from "vitest";
import type { SentenceEncoder } from "../src/encoders/encoder.ts";

/**
 * What every SentenceEncoder promises, as tests: `open` gives a ready encoder (shared by the tests
 * of one file). Each encoder's test file calls this inside its describe.
 */
export function itBehavesAsAnEncoder(open: () => SentenceEncoder): void {
  const texts = ["team player", "Python programming", "", "a longer sentence ".repeat(12), "team player"];

  it("gives one vector of the stated length per text, in order", async () => {
    const encoder = open();
    const vectors = await encoder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(encoder.dimensions);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
    // Order: the vectors of a reversed list are the same vectors reversed.
    const reversed = await encoder.embed([...texts].reverse());
    reversed.reverse().forEach((vector, index) => {
      expectClose(vector, vectors[index]);
    });
  });

  it("gives identical text the identical vector, alone or in a batch", async () => {
    const encoder = open();
    const [first, , , , again] = await encoder.embed(texts);
    const [alone] = await encoder.embed(["team player"]);
    expect(first).toBeDefined();
    expect(Array.from(again ?? [])).toEqual(Array.from(first ?? []));
    expectClose(alone, first);
  });

  it("says truly whether vectors are unit length", async () => {
    const encoder = open();
    for (const vector of await encoder.embed(texts)) {
      let sum = 0;
      for (const value of vector) sum += value * value;
      if (encoder.normalized) expect(Math.sqrt(sum)).toBeCloseTo(1, 5);
    }
  });

  it("gives nothing for nothing", async () => {
    expect(await open().embed([])).toEqual([]);
  });
}

function expectClose(actual: Float32Array | undefined, expected: Float32Array | undefined): void {
  expect(actual).toBeDefined();
  expect(expected).toBeDefined();
  const a = actual ?? new Float32Array();
  const b = expected ?? new Float32Array();
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let index = 0; index < a.length; index++)
    worst = Math.max(worst, Math.abs((a[index] ?? 0) - (b[index] ?? 0)));
  expect(worst).toBeLessThan(1e-5);
}
