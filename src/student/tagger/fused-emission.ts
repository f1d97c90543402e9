import type { SentenceFeatures } from "./features.ts";

/**
 * The emission weights of several layers interleaved per hash bucket ([layer 0 tags, layer 1 tags, …]),
 * so that summing a token's features for all layers touches one cache line per feature instead of one
 * per layer: with 2^20 buckets the tables are tens of megabytes and these lookups are cache misses,
 * the largest cost of prediction. Each (token, layer, tag) sum still starts at 0 and adds the features
 * in order, so the scores equal those of `emissionScores` bit for bit.
 */
export class FusedEmission {
  private readonly table: Float32Array;
  private readonly width: number;
  private readonly layerOffsets: number[];
  /** Row offsets in `table` of the current token's features. */
  private bases = new Int32Array(256);
  /** Sum of the weights `warm` read: meaningless, kept so that the reads have an effect. */
  lastWarmed = 0;
  private readonly layerSums: Float64Array[];

  constructor(
    emissions: readonly Float32Array[],
    private readonly sizes: readonly number[],
    private readonly bucketMask: number,
  ) {
    const buckets = bucketMask + 1;
    this.width = sizes.reduce((total, size) => total + size, 0);
    this.layerOffsets = [];
    let offset = 0;
    for (const size of sizes) {
      this.layerOffsets.push(offset);
      offset += size;
    }
    this.table = new Float32Array(buckets * this.width);
    const { table, width } = this;
    emissions.forEach((emission, layer) => {
      const size = sizes[layer] as number;
      const layerOffset = this.layerOffsets[layer] as number;
      for (let bucket = 0; bucket < buckets; bucket++) {
        for (let tag = 0; tag < size; tag++)
          table[bucket * width + layerOffset + tag] = emission[bucket * size + tag] as number;
      }
    });
    this.layerSums = sizes.map(() => new Float64Array(0));
  }

  /**
   * Reads the first and last weight of every feature's row before summing. This loop is so short
   * that the processor keeps many of its cache misses in flight at once, whereas the summing loop
   * stalls on them nearly one at a time; it made prediction about a fifth faster. `lastWarmed` only
   * keeps the compiler from dropping the reads.
   */
  private warm(ids: Uint32Array, length: number): void {
    const { table, width, bucketMask } = this;
    let total = 0;
    for (let index = 0; index < length; index++) {
      const base = ((ids[index] as number) & bucketMask) * width;
      total += (table[base] as number) + (table[base + width - 1] as number);
    }
    this.lastWarmed = total;
  }

  /**
   * Per layer, emission[position * size + tag] for the sentence (arrays reused by the next call and
   * possibly longer than count × size).
   */
  scores(features: SentenceFeatures): readonly Float64Array[] {
    const count = features.offsets.length - 1;
    const { width, table, bucketMask, sizes, layerOffsets, layerSums } = this;
    const { ids, offsets } = features;
    this.warm(ids, offsets[count] as number);
    for (let layer = 0; layer < sizes.length; layer++) {
      const size = sizes[layer] as number;
      if ((layerSums[layer] as Float64Array).length < count * size)
        layerSums[layer] = new Float64Array(2 * count * size);
    }
    let bases = this.bases;
    for (let position = 0; position < count; position++) {
      const first = offsets[position] as number;
      const featureCount = (offsets[position + 1] as number) - first;
      if (bases.length < featureCount) {
        bases = new Int32Array(2 * featureCount);
        this.bases = bases;
      }
      for (let index = 0; index < featureCount; index++)
        bases[index] = ((ids[first + index] as number) & bucketMask) * width;
      for (let layer = 0; layer < sizes.length; layer++) {
        const size = sizes[layer] as number;
        const layerOffset = layerOffsets[layer] as number;
        const out = layerSums[layer] as Float64Array;
        for (let tag = 0; tag < size; tag++) {
          const column = layerOffset + tag;
          let sum = 0;
          for (let index = 0; index < featureCount; index++)
            sum += table[(bases[index] as number) + column] as number;
          out[position * size + tag] = sum;
        }
      }
    }
    return this.layerSums;
  }
}
