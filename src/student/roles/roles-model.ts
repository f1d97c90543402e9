import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import type { RoleMatch, RoleQuery, RoleSuggestions, RolesPredictor, TitleMatch } from "../../core/roles.ts";
import { isSameEncoder, normalizeInPlace, type SentenceEncoder } from "../../encoders/index.ts";
import { topIndexes } from "./ranking-metrics.ts";
import type { SparseIndex } from "./sparse-index.ts";
import { type CommodityLookup, skillFeatures, titleFeatures } from "./text-features.ts";

export const rolesConfigSchema = z.object({
  /** The O*NET occupations the model ranks. */
  occupations: z.number().int().positive(),
  /** The encoder the centroids were embedded with; null for a lexical-only model. */
  encoder: z
    .object({ id: z.string(), version: z.string(), dimensions: z.number().int().positive() })
    .nullable(),
  /** The lexical student's weight in the fused z-scores (the encoder's is 1 − it); chosen on validation. */
  lexicalWeight: z.number().min(0).max(1),
  /** Softmax temperature turning fused z-scores into the scores returned; chosen on validation. */
  temperature: z.number().positive(),
  /**
   * A title match is `confident` when its measure (the best title score, a cosine of char n-gram
   * TF-IDF, or its margin over the runner-up occupation) reaches the threshold; chosen on validation.
   */
  titleConfidence: z.object({ measure: z.enum(["score", "margin"]), threshold: z.number() }),
  /** How the model was trained and what was held out (for the record; prediction ignores it). */
  training: z.record(z.string(), z.unknown()),
});
export type RolesConfig = z.infer<typeof rolesConfigSchema>;

export interface RolesModelParts {
  codes: readonly string[];
  titles: readonly string[];
  descriptions: readonly string[];
  /** Rows: occupations. */
  lexical: SparseIndex;
  /**
   * Technology phrases the lexical index saw (`phraseKey`, ascending) and their commodity features
   * (`commodityFeature`); absent in a model file written before them.
   */
  commodities?: { keys: Uint32Array; features: Uint32Array } | undefined;
  /** Technology centroids then task centroids: 2 · occupations × dimensions, unit rows (or zero); absent without an encoder. */
  centroids?: Float32Array | undefined;
  /** Rows: training titles. */
  titleIndex: SparseIndex;
  /** The occupation of each title row. */
  titleOccupation: Uint32Array;
}

export const titleConfidenceMeasures = ["score", "margin"] as const;
export type TitleConfidenceMeasure = (typeof titleConfidenceMeasures)[number];

/** Best score over each occupation's title rows. */
export function occupationTitleScores(
  index: { titleIndex: SparseIndex; titleOccupation: Uint32Array },
  occupations: number,
  title: string,
): Float32Array {
  const rowScores = index.titleIndex.scores(titleFeatures(title));
  const scores = new Float32Array(occupations);
  rowScores.forEach((score, row) => {
    const occupation = index.titleOccupation[row] as number;
    if (score > (scores[occupation] ?? 0)) scores[occupation] = score;
  });
  return scores;
}

/** Which student's scores to use. */
export type RolesStudent = "lexical" | "encoder" | "combined";

function zScores(scores: Float32Array): Float32Array {
  let sum = 0;
  for (const value of scores) sum += value;
  const mean = sum / Math.max(1, scores.length);
  let variance = 0;
  for (const value of scores) variance += (value - mean) ** 2;
  const deviation = Math.sqrt(variance / Math.max(1, scores.length)) || 1;
  return scores.map((value) => (value - mean) / deviation);
}

/** `lexicalWeight · z(lexical) + (1 − lexicalWeight) · z(encoder)`; z(lexical) alone without encoder scores. */
export function fuseScores(
  lexical: Float32Array,
  encoder: Float32Array | undefined,
  lexicalWeight: number,
): Float32Array {
  const lexicalZ = zScores(lexical);
  if (encoder === undefined) return lexicalZ;
  const encoderZ = zScores(encoder);
  return lexicalZ.map((value, i) => lexicalWeight * value + (1 - lexicalWeight) * (encoderZ[i] ?? 0));
}

/** The mean of the texts' vectors, scaled to unit length (zero when none has a direction). */
export function meanUnitVector(
  texts: readonly string[],
  vectors: ReadonlyMap<string, Float32Array>,
  dimensions: number,
): Float32Array {
  const mean = new Float32Array(dimensions);
  for (const text of texts) {
    const vector = vectors.get(text) as Float32Array;
    for (let d = 0; d < dimensions; d++) mean[d] = (mean[d] ?? 0) + (vector[d] ?? 0);
  }
  return normalizeInPlace(mean);
}

/** Dot product of `query` with each row of a rows × dimensions matrix. */
export function centroidScores(
  centroids: Float32Array,
  dimensions: number,
  query: Float32Array,
): Float32Array {
  const scores = new Float32Array(dimensions === 0 ? 0 : centroids.length / dimensions);
  // Indexes stay within the arrays (rows × dimensions), so the reads are plain numbers.
  for (let row = 0; row < scores.length; row++) {
    let sum = 0;
    const offset = row * dimensions;
    for (let d = 0; d < dimensions; d++) sum += (centroids[offset + d] as number) * (query[d] as number);
    scores[row] = sum;
  }
  return scores;
}

/**
 * The encoder student's scores: for each skill, the better of its cosines with the occupation's
 * technology centroid and its task centroid (`centroids` holds the occupations' technology
 * centroids, then their task centroids), summed over the skills. A tool's name and a duty sentence
 * embed far apart, so one centroid of both matched neither (validation MRR 0.166 against 0.259).
 */
export function kindCentroidScores(
  centroids: Float32Array,
  dimensions: number,
  skillVectors: readonly Float32Array[],
): Float32Array {
  const occupations = dimensions === 0 ? 0 : centroids.length / dimensions / 2;
  const technologies = centroids.subarray(0, occupations * dimensions);
  const tasks = centroids.subarray(occupations * dimensions);
  const scores = new Float32Array(occupations);
  for (const vector of skillVectors) {
    const byTechnology = centroidScores(technologies, dimensions, vector);
    const byTask = centroidScores(tasks, dimensions, vector);
    for (let i = 0; i < occupations; i++) {
      scores[i] = (scores[i] ?? 0) + Math.max(byTechnology[i] ?? 0, byTask[i] ?? 0);
    }
  }
  return scores;
}

export function softmax(scores: Float32Array, temperature: number): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of scores) max = Math.max(max, value);
  let sum = 0;
  const out = scores.map((value) => {
    const e = Math.exp((value - max) / temperature);
    sum += e;
    return e;
  });
  return out.map((value) => value / sum);
}

/**
 * The roles model: a lexical TF-IDF retriever over each occupation's training items, nearest
 * encoder centroids (the mean embedding of its technologies, and of its tasks), their z-score fusion, and a char n-gram
 * title normaliser. Holds no encoder itself: `attach` one to predict.
 */
export class RolesModel {
  private readonly commodities: CommodityLookup;

  constructor(
    readonly config: RolesConfig,
    readonly parts: RolesModelParts,
  ) {
    const n = config.occupations;
    if (parts.codes.length !== n || parts.titles.length !== n || parts.descriptions.length !== n) {
      throw new Error(`the roles model lists ${parts.codes.length} codes for ${n} occupations`);
    }
    if (parts.lexical.parts.rows !== n)
      throw new Error("the lexical index does not have a row per occupation");
    if (config.encoder !== null && parts.centroids?.length !== 2 * n * config.encoder.dimensions) {
      throw new Error("the centroids are not 2 × occupations × encoder dimensions");
    }
    if (parts.titleOccupation.length !== parts.titleIndex.parts.rows)
      throw new Error("a title row has no occupation");
    for (const occupation of parts.titleOccupation) {
      if (occupation >= n) throw new Error("a title names an occupation beyond the model's");
    }
    const keys = parts.commodities?.keys ?? new Uint32Array(0);
    const features = parts.commodities?.features ?? new Uint32Array(0);
    if (features.length !== keys.length) throw new Error("the commodity keys and features differ in length");
    this.commodities = new Map(Array.from(keys, (key, i) => [key, features[i] as number]));
  }

  lexicalScores(skills: readonly string[]): Float32Array {
    return this.parts.lexical.scores(skillFeatures(skills, this.commodities));
  }

  /** The encoder student's scores for the skills' vectors (kindCentroidScores). */
  encoderScores(skillVectors: readonly Float32Array[]): Float32Array {
    const { centroids } = this.parts;
    if (centroids === undefined) return new Float32Array(this.config.occupations);
    return kindCentroidScores(centroids, this.config.encoder?.dimensions ?? 0, skillVectors);
  }

  /** Best score over each occupation's training titles. */
  titleScores(title: string): Float32Array {
    return occupationTitleScores(this.parts, this.config.occupations, title);
  }

  attach(encoder: SentenceEncoder | undefined): LoadedRolesPredictor {
    const expected = this.config.encoder;
    if (expected !== null) {
      if (encoder === undefined) throw new UsageError(`this roles model needs the encoder ${expected.id}`);
      if (!isSameEncoder(expected, encoder)) {
        throw new UsageError(
          `this roles model was trained over ${expected.id} ${expected.version} (${expected.dimensions} dimensions), not ${encoder.id} ${encoder.version} (${encoder.dimensions})`,
        );
      }
    }
    return new LoadedRolesPredictor(this, expected === null ? undefined : encoder);
  }
}

/** Query vectors kept per distinct skill phrase, at most this many. */
const maxCachedSkills = 50_000;

export class LoadedRolesPredictor implements RolesPredictor {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly index = new Map<string, number>();

  constructor(
    readonly model: RolesModel,
    readonly encoder: SentenceEncoder | undefined,
  ) {
    model.parts.codes.forEach((code, i) => {
      this.index.set(code, i);
    });
  }

  /** The skills' embeddings; each distinct phrase is embedded once. */
  async skillVectors(skills: readonly string[]): Promise<Float32Array[] | undefined> {
    const { encoder } = this;
    if (encoder === undefined) return undefined;
    const missing = [...new Set(skills.filter((skill) => !this.vectors.has(skill)))];
    if (missing.length > 0) {
      const fresh = await encoder.embed(missing);
      if (this.vectors.size + missing.length > maxCachedSkills) this.vectors.clear();
      missing.forEach((skill, i) => {
        this.vectors.set(skill, fresh[i] as Float32Array);
      });
    }
    return skills.map((skill) => this.vectors.get(skill) as Float32Array);
  }

  /** One score per occupation from the chosen student (fused z-scores for `combined`). */
  async scores(skills: readonly string[], student: RolesStudent = "combined"): Promise<Float32Array> {
    if (student === "lexical") return this.model.lexicalScores(skills);
    const query = await this.skillVectors(skills);
    if (student === "encoder") {
      if (query === undefined) throw new UsageError("this roles model has no encoder student");
      return this.model.encoderScores(query);
    }
    return fuseScores(
      this.model.lexicalScores(skills),
      query === undefined ? undefined : this.model.encoderScores(query),
      this.model.config.lexicalWeight,
    );
  }

  async suggest(query: RoleQuery): Promise<RoleSuggestions> {
    const skills = query.skills.map((skill) => skill.trim()).filter((skill) => skill.length > 0);
    if (skills.length === 0) throw new UsageError("give at least one skill to suggest roles for");
    const top = Math.max(1, Math.min(query.top ?? 5, this.model.config.occupations));
    const probabilities = softmax(await this.scores(skills), this.model.config.temperature);
    const roles = topIndexes(probabilities, top).map((i) => this.match(i, probabilities[i] ?? 0));
    const currentRole = query.currentRole?.trim();
    if (currentRole === undefined || currentRole.length === 0) return { roles };
    const [title] = await this.normaliseTitle(currentRole, 1);
    return title === undefined ? { roles } : { currentRole: title, roles };
  }

  async normaliseTitle(title: string, top = 5): Promise<TitleMatch[]> {
    const scores = this.model.titleScores(title);
    const k = Math.max(1, Math.min(top, this.model.config.occupations));
    const best = topIndexes(scores, Math.max(2, k));
    const { measure, threshold } = this.model.config.titleConfidence;
    return best
      .slice(0, k)
      .filter((i) => (scores[i] ?? 0) > 0)
      .map((i, rank) => {
        const score = Math.min(1, Math.max(0, scores[i] ?? 0));
        // Only the best match can be confident; its margin is over the runner-up.
        const margin = rank === 0 ? score - (scores[best[1] ?? i] ?? 0) : 0;
        const value = measure === "score" ? score : margin;
        const confident =
          rank === 0 && value >= threshold && (best.length < 2 || measure === "margin" || margin > 0);
        return { ...this.match(i, score), input: title, confident };
      });
  }

  describe(code: string): { code: string; title: string; description: string } | undefined {
    const i = this.index.get(code);
    if (i === undefined) return undefined;
    const { titles, descriptions } = this.model.parts;
    return { code, title: titles[i] ?? "", description: descriptions[i] ?? "" };
  }

  private match(i: number, score: number): RoleMatch {
    return { code: this.model.parts.codes[i] ?? "", title: this.model.parts.titles[i] ?? "", score };
  }
}
