import type { SentenceEncoder } from "../src/encoders/encoder.ts";

/**
 * A deterministic stand-in for a sentence encoder, for tests where the maths is the point: each
 * lower-cased word adds ±1 to a few of `dimensions` coordinates chosen by its hash, and the sum is
 * scaled to unit length. Texts that share words are similar; nothing else is. Records every batch.
 */
export function fakeEncoder(
  options: { id?: string; version?: string; dimensions?: number } = {},
): SentenceEncoder & { batches: string[][] } {
  const dimensions = options.dimensions ?? 64;
  const batches: string[][] = [];
  const vectorOf = (text: string): Float32Array => {
    const vector = new Float32Array(dimensions);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}+#]+/gu) ?? []) {
      let hash = 2166136261;
      for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
      for (let k = 0; k < 3; k++) {
        hash = Math.imul(hash ^ (hash >>> 15), 2246822507) >>> 0;
        const index = hash % dimensions;
        vector[index] = (vector[index] as number) + (hash & 0x100 ? 1 : -1);
      }
    }
    let sum = 0;
    for (const value of vector) sum += value * value;
    if (sum > 0) for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) / Math.sqrt(sum);
    return vector;
  };
  return {
    id: options.id ?? "fake",
    version: options.version ?? "1",
    dimensions,
    normalized: true,
    batches,
    async embed(texts) {
      batches.push([...texts]);
      return texts.map(vectorOf);
    },
    async close() {},
  };
}
