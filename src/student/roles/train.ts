import { createRandom, shuffled } from "../../core/random.ts";
import {
  type OccupationProfile,
  type OccupationSplit,
  type ProfileSplit,
  type RoleExample,
  sampleQueries,
  socMajorGroup,
  splitForValidation,
  splitProfileItems,
} from "../../dataset/onet/index.ts";
import { encoderReference, type SentenceEncoder } from "../../encoders/index.ts";
import { type RankingMetrics, rankingMetrics, topIndexes } from "./ranking-metrics.ts";
import {
  fuseScores,
  kindCentroidScores,
  meanUnitVector,
  occupationTitleScores,
  RolesModel,
  softmax,
  type TitleConfidenceMeasure,
  titleConfidenceMeasures,
} from "./roles-model.ts";
import { addFeatureId, type FeatureCounts, SparseIndex } from "./sparse-index.ts";
import {
  addSkillFeatures,
  commodityFeature,
  normalisePhrase,
  phraseKey,
  skillFeatures,
  titleFeatures,
} from "./text-features.ts";

export interface FitRolesOptions {
  /** Embeds the items for the encoder student; none: a lexical-only model. */
  encoder?: SentenceEncoder | undefined;
  /** Seeds the held-out split, the validation split and the sampled queries. @default 1 */
  seed?: number | undefined;
  /** Share of each occupation's technologies and tasks held out for test. @default 0.3 */
  testFraction?: number | undefined;
  /** Share of each occupation's train items held out to choose the fusion weight and temperature. @default 0.2 */
  validationFraction?: number | undefined;
  /** Share of alternate titles held out to choose the title threshold. @default 0.1 */
  titleValidationFraction?: number | undefined;
  /** Top-1 precision the accepted (`confident`) title matches should reach on validation. @default 0.7 */
  titlePrecision?: number | undefined;
  /**
   * Titles (case and space folded) kept out of the title index, e.g. a test set's: none of them is
   * trained on or used for the threshold.
   */
  excludeTitles?: ReadonlySet<string> | undefined;
  /**
   * Task statements per occupation the encoder student embeds (its technologies all): task
   * sentences are most of the embedding time (USE-lite embedded 12–25 phrases/s on a loaded
   * 2-core machine). The lexical student uses every item. @default 6
   */
  encoderTasksPerOccupation?: number | undefined;
  /**
   * Also return `allItems`: the same model (same settings) fitted on every item, the held-out test
   * ones included — what to give users once the test figures are taken from `model`. @default false
   */
  alsoOnAllItems?: boolean | undefined;
  /** Texts per encoder call. @default 256 */
  embedBatchSize?: number | undefined;
  onProgress?: ((progress: RolesTrainingProgress) => void) | undefined;
}

export type RolesTrainingProgress =
  | { stage: "embed"; done: number; total: number }
  | { stage: "validate" | "titles" | "fit" };

export interface RolesValidationReport {
  queries: number;
  lexical: RankingMetrics;
  encoder?: RankingMetrics | undefined;
  combined?: RankingMetrics | undefined;
  /** MRR on validation for each lexical weight tried. */
  weights: { lexicalWeight: number; mrr: number }[];
  lexicalWeight: number;
  temperature: number;
}

export interface TitleValidationReport {
  titles: number;
  top1: number;
  measure: TitleConfidenceMeasure;
  threshold: number;
  /** Share of validation titles at or above the threshold, and their top-1 precision. */
  coverage: number;
  precision: number;
}

export interface TrainedRoles {
  /** Fitted on the train items: the one to score on the test items. */
  model: RolesModel;
  /** With `alsoOnAllItems`: fitted on train and test items alike (never to be scored on them). */
  allItems?: RolesModel | undefined;
  split: ProfileSplit;
  validation: RolesValidationReport;
  titles: TitleValidationReport;
  /** Distinct item texts embedded, and how long it took. */
  embedded: { texts: number; seconds: number };
}

const lexicalWeights = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const temperatures = [0.25, 0.5, 0.75, 1, 1.5, 2, 3];

/**
 * The lexical index's idf power and length power (SparseIndex.build), chosen on validation MRR
 * (lexical student alone, 5- and 3-skill queries): cosine (1, 1) 0.324, (1.5, 1) 0.334, (1.5, 0.8)
 * 0.335 with the commodity features; (0.5, ·) 0.29–0.30.
 */
export const lexicalIdfPower = 1.5;
export const lexicalLengthPower = 0.8;

/**
 * The lexical student's index: one document per occupation of its items' features, its title's, and
 * each technology's commodity title (a query naming a known technology gets that feature too, so
 * "Tableau" also meets other "Business intelligence and data analysis software"); with the lookup
 * from each technology it saw to its commodity feature.
 */
export function lexicalIndex(
  occupations: readonly OccupationSplit[],
  profiles: readonly OccupationProfile[],
): { index: SparseIndex; commodities: Map<number, number> } {
  const commodities = new Map<number, number>();
  const index = SparseIndex.build(
    occupations.map((occupation, i) => {
      const counts: FeatureCounts = new Map();
      for (const item of occupation.train) {
        addSkillFeatures(counts, item.text);
        if (item.commodity !== undefined) {
          const feature = commodityFeature(item.commodity);
          addFeatureId(counts, feature);
          commodities.set(phraseKey(item.text), feature);
        }
      }
      // The title's words once: a skill phrase that names the occupation ("nursing") should count.
      addSkillFeatures(counts, profiles[i]?.title ?? "");
      return counts;
    }),
    { idfPower: lexicalIdfPower, lengthPower: lexicalLengthPower },
  );
  return { index, commodities };
}

/** The lookup as the model file stores it: parallel arrays, keys ascending. */
export function commodityArrays(lookup: ReadonlyMap<number, number>): {
  keys: Uint32Array;
  features: Uint32Array;
} {
  const keys = Uint32Array.from(lookup.keys()).sort();
  return { keys, features: Uint32Array.from(keys, (key) => lookup.get(key) as number) };
}

/** Each occupation's technology centroid, then each one's task centroid (see kindCentroidScores). */
function centroids(
  occupations: readonly OccupationSplit[],
  vectors: ReadonlyMap<string, Float32Array>,
  dimensions: number,
): Float32Array {
  const out = new Float32Array(2 * occupations.length * dimensions);
  (["technology", "task"] as const).forEach((kind, part) => {
    occupations.forEach((occupation, row) => {
      const texts = occupation.train.filter((item) => item.kind === kind).map((item) => item.text);
      out.set(meanUnitVector(texts, vectors, dimensions), (part * occupations.length + row) * dimensions);
    });
  });
  return out;
}

/** Title rows: each occupation's own title and its alternate titles, distinct (case and space folded) per occupation. */
function titleRows(profiles: readonly OccupationProfile[], keep: (code: string, title: string) => boolean) {
  const rows: { title: string; occupation: number }[] = [];
  profiles.forEach((profile, occupation) => {
    const seen = new Set<string>();
    for (const title of [profile.title, ...profile.alternateTitles]) {
      const key = normalisePhrase(title);
      if (key.length === 0 || seen.has(key) || !keep(profile.code, title)) continue;
      seen.add(key);
      rows.push({ title, occupation });
    }
  });
  return rows;
}

function titleIndex(rows: readonly { title: string; occupation: number }[]) {
  return {
    titleIndex: SparseIndex.build(rows.map((row) => titleFeatures(row.title))),
    titleOccupation: Uint32Array.from(rows.map((row) => row.occupation)),
  };
}

/**
 * Trains the roles model from O*NET profiles. Each occupation's items are split into train and test
 * first (`split`); everything here sees only the train parts. The fusion weight and softmax
 * temperature are chosen on queries from a validation share of the train items, with the students
 * fitted on the rest; the title threshold on held-out alternate titles. The returned model is then
 * refitted on all train items and all titles.
 */
export async function fitRolesModel(
  profiles: readonly OccupationProfile[],
  options: FitRolesOptions = {},
): Promise<TrainedRoles> {
  const seed = options.seed ?? 1;
  const { encoder } = options;
  const split = splitProfileItems(profiles, { seed, testFraction: options.testFraction });
  const codes = profiles.map((profile) => profile.code);
  const groups = codes.map(socMajorGroup);
  const target = new Map(codes.map((code, i) => [code, i]));

  const { fit, validation } = splitForValidation(split.occupations, {
    seed: seed + 1,
    validationFraction: options.validationFraction,
  });
  const random = createRandom(seed + 2);
  const validationQueries: RoleExample[] = [
    ...sampleQueries(validation, "test", 5, 1, random),
    ...sampleQueries(validation, "test", 3, 1, random),
  ];
  // The encoder student's items: every technology and the first few (shuffled) tasks of each
  // occupation's train part; the fit part keeps those of them it holds.
  const tasksPerOccupation = options.encoderTasksPerOccupation ?? 6;
  const encoderItems = (occupations: readonly OccupationSplit[]) =>
    occupations.map((occupation) => {
      let tasks = 0;
      return {
        ...occupation,
        train: occupation.train.filter((item) => item.kind === "technology" || tasks++ < tasksPerOccupation),
      };
    });
  const encoderTrain = encoderItems(split.occupations);
  // Train items first, so the tasks embedded are the same ones plus test tasks only where too few.
  const everything = split.occupations.map((occupation) => ({
    ...occupation,
    train: [...occupation.train, ...occupation.test],
    test: [],
  }));
  const encoderAll = options.alsoOnAllItems ? encoderItems(everything) : [];
  const encoderFit = fit.map((occupation, i) => {
    const kept = new Set(encoderTrain[i]?.train.map((item) => item.text));
    return { ...occupation, train: occupation.train.filter((item) => kept.has(item.text)) };
  });

  // Embeds every distinct text the encoder student needs once: its items and the validation queries.
  const vectors = new Map<string, Float32Array>();
  const started = performance.now();
  if (encoder !== undefined) {
    const texts = [
      ...new Set([
        ...[...encoderTrain, ...encoderAll].flatMap((occupation) =>
          occupation.train.map((item) => item.text),
        ),
        ...validationQueries.flatMap((query) => query.skills),
      ]),
    ];
    const batchSize = options.embedBatchSize ?? 256;
    for (let start = 0; start < texts.length; start += batchSize) {
      options.onProgress?.({ stage: "embed", done: start, total: texts.length });
      const batch = texts.slice(start, start + batchSize);
      const fresh = await encoder.embed(batch);
      batch.forEach((text, i) => {
        vectors.set(text, fresh[i] as Float32Array);
      });
    }
    options.onProgress?.({ stage: "embed", done: texts.length, total: texts.length });
  }
  const embedded = { texts: vectors.size, seconds: (performance.now() - started) / 1000 };

  options.onProgress?.({ stage: "validate" });
  const fitLexical = lexicalIndex(fit, profiles);
  const dimensions = encoder?.dimensions ?? 0;
  const fitCentroids = encoder === undefined ? undefined : centroids(encoderFit, vectors, dimensions);
  const lexicalRuns = validationQueries.map((query) => ({
    scores: fitLexical.index.scores(skillFeatures(query.skills, fitLexical.commodities)),
    target: target.get(query.code) as number,
  }));
  const report: RolesValidationReport = {
    queries: validationQueries.length,
    lexical: rankingMetrics(lexicalRuns, groups),
    weights: [],
    lexicalWeight: 1,
    temperature: 1,
  };
  let encoderRuns: { scores: Float32Array; target: number }[] | undefined;
  if (fitCentroids !== undefined) {
    encoderRuns = validationQueries.map((query, i) => ({
      scores: kindCentroidScores(
        fitCentroids,
        dimensions,
        query.skills.map((skill) => vectors.get(skill) as Float32Array),
      ),
      target: lexicalRuns[i]?.target as number,
    }));
    report.encoder = rankingMetrics(encoderRuns, groups);
    let best = { lexicalWeight: 1, mrr: -1 };
    for (const lexicalWeight of lexicalWeights) {
      const fused = lexicalRuns.map((run, i) => ({
        scores: fuseScores(run.scores, encoderRuns?.[i]?.scores, lexicalWeight),
        target: run.target,
      }));
      const { mrr } = rankingMetrics(fused, groups);
      report.weights.push({ lexicalWeight, mrr });
      if (mrr > best.mrr) best = { lexicalWeight, mrr };
    }
    // Without validation queries (a tiny O*NET) nothing can choose: equal weights.
    report.lexicalWeight = validationQueries.length === 0 ? 0.5 : best.lexicalWeight;
  }
  const fusedRuns = lexicalRuns.map((run, i) => ({
    scores: fuseScores(run.scores, encoderRuns?.[i]?.scores, report.lexicalWeight),
    target: run.target,
  }));
  if (encoderRuns !== undefined) report.combined = rankingMetrics(fusedRuns, groups);
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const temperature of fusedRuns.length === 0 ? [] : temperatures) {
    let loss = 0;
    for (const run of fusedRuns)
      loss -= Math.log(Math.max(1e-12, softmax(run.scores, temperature)[run.target] ?? 0));
    if (loss < bestLoss) {
      bestLoss = loss;
      report.temperature = temperature;
    }
  }

  options.onProgress?.({ stage: "titles" });
  const excluded = options.excludeTitles;
  const keepTitle = (_code: string, title: string): boolean =>
    excluded === undefined || !excluded.has(normalisePhrase(title));
  const titles = chooseTitleThreshold(profiles, {
    seed: seed + 3,
    fraction: options.titleValidationFraction ?? 0.1,
    precision: options.titlePrecision ?? 0.7,
    keep: keepTitle,
  });

  options.onProgress?.({ stage: "fit" });
  const build = (
    occupations: readonly OccupationSplit[],
    encoded: readonly OccupationSplit[],
    items: "train" | "all",
  ) =>
    new RolesModel(
      {
        occupations: codes.length,
        encoder: encoder === undefined ? null : encoderReference(encoder),
        lexicalWeight: report.lexicalWeight,
        temperature: report.temperature,
        titleConfidence: { measure: titles.measure, threshold: titles.threshold },
        training: {
          seed,
          testFraction: options.testFraction ?? 0.3,
          encoderTasksPerOccupation: tasksPerOccupation,
          itemsInModel: items,
          lexical: { idfPower: lexicalIdfPower, lengthPower: lexicalLengthPower, commodityFeatures: true },
          untested: split.untested.length,
          trainItems: split.occupations.reduce((total, occupation) => total + occupation.train.length, 0),
          testItems: split.occupations.reduce((total, occupation) => total + occupation.test.length, 0),
          validation: { mrr: (report.combined ?? report.lexical).mrr, queries: report.queries },
          titleValidation: titles,
          titlesExcluded: excluded?.size ?? 0,
        },
      },
      {
        codes,
        titles: profiles.map((profile) => profile.title),
        descriptions: profiles.map((profile) => profile.description),
        ...lexicalParts(lexicalIndex(occupations, profiles)),
        centroids: encoder === undefined ? undefined : centroids(encoded, vectors, dimensions),
        ...titleIndex(titleRows(profiles, keepTitle)),
      },
    );
  const model = build(split.occupations, encoderTrain, "train");
  const allItems = options.alsoOnAllItems ? build(everything, encoderAll, "all") : undefined;
  return { model, allItems, split, validation: report, titles, embedded };
}

function lexicalParts(built: { index: SparseIndex; commodities: Map<number, number> }) {
  return { lexical: built.index, commodities: commodityArrays(built.commodities) };
}

/**
 * Holds out a share of the alternate titles, indexes the rest with the occupation titles, and picks
 * the measure (the best score, or its margin over the runner-up: a title several occupations share
 * has none) and the lowest threshold at which the held-out titles' accepted top-1 matches reach
 * `precision`, covering the most titles.
 */
function chooseTitleThreshold(
  profiles: readonly OccupationProfile[],
  options: {
    seed: number;
    fraction: number;
    precision: number;
    keep: (code: string, title: string) => boolean;
  },
): TitleValidationReport {
  const random = createRandom(options.seed);
  const heldOut = new Set<string>();
  const validationTitles: { title: string; occupation: number }[] = [];
  profiles.forEach((profile, occupation) => {
    const alternates = shuffled(
      profile.alternateTitles.filter((title) => options.keep(profile.code, title)),
      random,
    );
    for (const title of alternates.slice(0, Math.floor(alternates.length * options.fraction))) {
      heldOut.add(`${profile.code}\u0000${title}`);
      validationTitles.push({ title, occupation });
    }
  });
  const rows = titleRows(
    profiles,
    (code, title) => options.keep(code, title) && !heldOut.has(`${code}\u0000${title}`),
  );
  const known = new Set(rows.map((row) => normalisePhrase(row.title)));
  const index = titleIndex(rows);
  const scored = validationTitles
    .filter((entry) => !known.has(normalisePhrase(entry.title)))
    .map((entry) => {
      const scores = occupationTitleScores(index, profiles.length, entry.title);
      const [best, second] = topIndexes(scores, 2);
      const score = scores[best ?? 0] ?? 0;
      const margin = score - (scores[second ?? 0] ?? 0);
      // As at prediction: a best score tied with another occupation's is never confident.
      return {
        score: margin > 0 ? score : 0,
        margin,
        correct: best === entry.occupation && score > 0,
      };
    });
  const top1 = scored.filter((entry) => entry.correct).length / Math.max(1, scored.length);
  let choice: TitleValidationReport = {
    titles: scored.length,
    top1,
    measure: "score",
    threshold: 1,
    coverage: 0,
    precision: 1,
  };
  for (const measure of titleConfidenceMeasures) {
    const ordered = scored
      .map((entry) => ({ value: entry[measure], correct: entry.correct }))
      .sort((a, b) => b.value - a.value);
    let correct = 0;
    for (let i = 0; i < ordered.length; i++) {
      const entry = ordered[i] as { value: number; correct: boolean };
      if (entry.correct) correct++;
      if (ordered[i + 1]?.value === entry.value) continue;
      const coverage = (i + 1) / ordered.length;
      if (correct / (i + 1) >= options.precision && coverage > choice.coverage) {
        choice = {
          titles: scored.length,
          top1,
          measure,
          threshold: entry.value,
          coverage,
          precision: correct / (i + 1),
        };
      }
    }
  }
  return choice;
}
