import type { SentenceFeatures } from "./features.ts";

/**
 * The emission weights of several layers interleaved per hash bucket ([layer 0 tags, layer 1 tags, …]),
 * so that summing a token's features for all layers touches one cache line per feature instead of one
 * per layer: with 2^20 buckets the tables are tens of megabytes and these lookups are cache misses,
 * the largest cost of prediction. Each (token, layer, tag) sum still starts at 0 and adds the features
 * in order, so the scores equal those of `emissionScores` bit for bit.
 */
/**
 * Copies one layer's emission rows into its columns of the interleaved table. The table starts at
 * zero and most weights are zero (hash buckets no update reached), so only the others are written.
 * A function of its own so that V8 optimises the loop (inside a closure it ran near interpreter speed).
 */
function interleave(
  table: Float32Array,
  width: number,
  emission: Float32Array,
  size: number,
  layerOffset: number,
): void {
  let base = layerOffset;
  for (let index = 0; index < emission.length; index += size) {
    for (let tag = 0; tag < size; tag++) {
      const weight = emission[index + tag] as number;
      if (weight !== 0) table[base + tag] = weight;
    }
    base += width;
  }
}

export class FusedEmission {
  private readonly table: Float32Array;
  private readonly width: number;
  private readonly layerOffsets: number[];
  /** Row offsets in `table` of the current token's features. */
  private bases = new Int32Array(256);
  /** Sum of the weights `warm` read: meaningless, kept so that the reads have an effect. */
  lastWarmed = 0;
  private readonly layerSums: Float64Array[];
  /** The current token's sums, all layers' columns side by side. */
  private readonly sums: Float64Array;

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
      interleave(table, width, emission, sizes[layer] as number, this.layerOffsets[layer] as number);
    });
    this.layerSums = sizes.map(() => new Float64Array(0));
    this.sums = new Float64Array(this.width);
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
   * Adds rows `ids[first .. end)` to `sums`, column by column in feature order. Four columns at a
   * time: four independent sums in registers share each row's lookup.
   */
  private addRows(ids: Uint32Array, first: number, end: number): void {
    const { width, table, bucketMask, sums } = this;
    const featureCount = end - first;
    let bases = this.bases;
    if (bases.length < featureCount) {
      bases = new Int32Array(2 * featureCount);
      this.bases = bases;
    }
    for (let index = 0; index < featureCount; index++)
      bases[index] = ((ids[first + index] as number) & bucketMask) * width;
    let column = 0;
    for (; column + 4 <= width; column += 4) {
      let sum0 = sums[column] as number;
      let sum1 = sums[column + 1] as number;
      let sum2 = sums[column + 2] as number;
      let sum3 = sums[column + 3] as number;
      for (let index = 0; index < featureCount; index++) {
        const at = (bases[index] as number) + column;
        sum0 += table[at] as number;
        sum1 += table[at + 1] as number;
        sum2 += table[at + 2] as number;
        sum3 += table[at + 3] as number;
      }
      sums[column] = sum0;
      sums[column + 1] = sum1;
      sums[column + 2] = sum2;
      sums[column + 3] = sum3;
    }
    for (; column < width; column++) {
      let sum = sums[column] as number;
      for (let index = 0; index < featureCount; index++)
        sum += table[(bases[index] as number) + column] as number;
      sums[column] = sum;
    }
  }

  /**
   * Per layer, emission[position * size + tag] for the sentence (arrays reused by the next call and
   * possibly longer than count × size).
   */
  scores(features: SentenceFeatures): readonly Float64Array[] {
    const count = features.offsets.length - 1;
    const { sizes, layerOffsets, layerSums, sums } = this;
    const { ids, offsets } = features;
    this.warm(ids, offsets[count] as number);
    for (let layer = 0; layer < sizes.length; layer++) {
      const size = sizes[layer] as number;
      if ((layerSums[layer] as Float64Array).length < count * size)
        layerSums[layer] = new Float64Array(2 * count * size);
    }
    for (let position = 0; position < count; position++) {
      sums.fill(0);
      this.addRows(ids, offsets[position] as number, offsets[position + 1] as number);
      for (let layer = 0; layer < sizes.length; layer++) {
        const size = sizes[layer] as number;
        const layerOffset = layerOffsets[layer] as number;
        const out = layerSums[layer] as Float64Array;
        for (let tag = 0; tag < size; tag++) out[position * size + tag] = sums[layerOffset + tag] as number;
      }
    }
    return this.layerSums;
  }
}
