import { hashString } from "../tagger/hashing.ts";

/** Feature ids (32-bit hashes of feature names) and their counts in one text. */
export type FeatureCounts = Map<number, number>;

export function addFeature(counts: FeatureCounts, name: string): void {
  addFeatureId(counts, hashString(name));
}

export function addFeatureId(counts: FeatureCounts, id: number): void {
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

/**
 * A TF-IDF inverted index over rows (occupations, or titles): for each distinct feature its idf and
 * its postings (row, weight), the weights being `(1 + ln tf) · idf` scaled so each row has unit L2
 * norm (by default; see `build`). A query's score for a row is then the cosine of their TF-IDF vectors. The arrays are what a
 * model file stores.
 */
export interface SparseIndexParts {
  /** Distinct feature ids, ascending. */
  features: Uint32Array;
  idf: Float32Array;
  /** Postings of feature i are postingRows/postingWeights[postingStart[i] … postingStart[i+1]). */
  postingStart: Uint32Array;
  postingRows: Uint32Array;
  postingWeights: Float32Array;
  rows: number;
}

export class SparseIndex {
  private readonly position = new Map<number, number>();

  constructor(readonly parts: SparseIndexParts) {
    const { features, postingStart, postingRows, postingWeights, idf } = parts;
    if (idf.length !== features.length || postingStart.length !== features.length + 1) {
      throw new Error("the sparse index's feature, idf and posting-start lengths disagree");
    }
    const postings = postingStart[features.length] ?? 0;
    if (postingRows.length !== postings || postingWeights.length !== postings) {
      throw new Error("the sparse index's postings are not as long as its posting starts say");
    }
    for (let i = 0; i < postings; i++) {
      if ((postingRows[i] ?? 0) >= parts.rows)
        throw new Error("a sparse-index posting names a row beyond the index");
    }
    features.forEach((feature, i) => {
      this.position.set(feature, i);
    });
  }

  /**
   * `idfPower` raises each idf (rare features count for more above 1); `lengthPower` divides a row's
   * weights by its norm to that power instead of the norm itself (below 1 a long row, an occupation
   * with many items, is diluted less: a pivoted length normalisation). The defaults give cosine.
   */
  static build(
    rows: readonly FeatureCounts[],
    options: { idfPower?: number | undefined; lengthPower?: number | undefined } = {},
  ): SparseIndex {
    const idfPower = options.idfPower ?? 1;
    const lengthPower = options.lengthPower ?? 1;
    const documentFrequency = new Map<number, number>();
    for (const row of rows)
      for (const feature of row.keys())
        documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    const features = Uint32Array.from([...documentFrequency.keys()].sort((a, b) => a - b));
    const idf = new Float32Array(features.length);
    const position = new Map<number, number>();
    features.forEach((feature, i) => {
      position.set(feature, i);
      idf[i] = (Math.log((rows.length + 1) / ((documentFrequency.get(feature) ?? 0) + 1)) + 1) ** idfPower;
    });
    const postingStart = new Uint32Array(features.length + 1);
    for (const row of rows) {
      for (const feature of row.keys()) {
        const at = (position.get(feature) as number) + 1;
        postingStart[at] = (postingStart[at] ?? 0) + 1;
      }
    }
    for (let i = 0; i < features.length; i++)
      postingStart[i + 1] = (postingStart[i + 1] ?? 0) + (postingStart[i] ?? 0);
    const total = postingStart[features.length] ?? 0;
    const postingRows = new Uint32Array(total);
    const postingWeights = new Float32Array(total);
    const fill = postingStart.slice(0, features.length);
    rows.forEach((row, rowIndex) => {
      const weights: [number, number][] = [];
      let norm = 0;
      for (const [feature, count] of row) {
        const i = position.get(feature) as number;
        const weight = (1 + Math.log(count)) * (idf[i] ?? 0);
        weights.push([i, weight]);
        norm += weight * weight;
      }
      const scale = norm > 0 ? norm ** (-lengthPower / 2) : 0;
      for (const [i, weight] of weights) {
        const at = fill[i] as number;
        postingRows[at] = rowIndex;
        postingWeights[at] = weight * scale;
        fill[i] = at + 1;
      }
    });
    return new SparseIndex({ features, idf, postingStart, postingRows, postingWeights, rows: rows.length });
  }

  /** Cosine of the query's TF-IDF vector with every row (features the index lacks count for nothing). */
  scores(query: FeatureCounts): Float32Array {
    const { idf, postingStart, postingRows, postingWeights, rows } = this.parts;
    const scores = new Float32Array(rows);
    const terms: [number, number][] = [];
    let norm = 0;
    for (const [feature, count] of query) {
      const i = this.position.get(feature);
      if (i === undefined) continue;
      const weight = (1 + Math.log(count)) * (idf[i] ?? 0);
      terms.push([i, weight]);
      norm += weight * weight;
    }
    if (norm === 0) return scores;
    const scale = 1 / Math.sqrt(norm);
    for (const [i, weight] of terms) {
      const end = postingStart[i + 1] ?? 0;
      for (let at = postingStart[i] ?? 0; at < end; at++) {
        const row = postingRows[at] as number;
        scores[row] = (scores[row] ?? 0) + weight * scale * (postingWeights[at] ?? 0);
      }
    }
    return scores;
  }
}
