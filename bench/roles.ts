/**
 * Role prediction and title normalisation on O*NET 29.2 (../shared/data/onet): every occupation's
 * technologies and tasks are split into train and test before anything is sampled; the students
 * (lexical TF-IDF, USE-lite technology and task centroids, their fusion) and every setting (fusion weight, softmax
 * temperature, title confidence) are chosen on validation drawn from the train items, and the test
 * queries (5 and 3 held-out skills of one occupation) are scored once. A prior baseline (occupations
 * ranked by how many training items they have) gives the ratios. Titles: the normaliser is trained on
 * occupation and alternate titles minus every title that also occurs among the reported titles
 * (all 7,796 reported titles occur among the alternate titles as given), then scored on the reported
 * titles.
 *
 *   node bin/run-ts.js bench/roles.ts [--quick] [--write-results] [--encoder use-lite|none]
 */
import { createRandom } from "../src/core/random.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import {
  type RoleExample,
  readOnetProfiles,
  sampleQueries,
  socMajorGroup,
} from "../src/dataset/onet/index.ts";
import { createEncoder, type SentenceEncoder } from "../src/encoders/index.ts";
import {
  fitRolesModel,
  normalisePhrase,
  type RankingMetrics,
  type RolesStudent,
  rankingMetrics,
} from "../src/student/roles/index.ts";
import { fileCachedEncoder } from "./embedding-file-cache.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const pct = (value: number): string => `${(100 * value).toFixed(1)}%`;

export async function runRolesBench(argv: readonly string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const encoderIndex = argv.indexOf("--encoder");
  const encoderId = encoderIndex >= 0 ? (argv[encoderIndex + 1] ?? "use-lite") : "use-lite";
  const onet = sharedPath("data", "onet", "Occupation_Data.txt");
  if (onet === undefined) {
    console.log("skipped: roles bench (needs ../shared/data/onet; set JOBDISTILL_SHARED)");
    return;
  }
  const record = recordBench("roles", {
    measure:
      "wall seconds of this process on one thread; query rates score queries whose skill vectors are already embedded, the embedding rate is measured apart",
    quick,
    writeResults: argv.includes("--write-results"),
  });
  const dir = onet.replace(/[/\\]Occupation_Data\.txt$/, "");
  const profiles = readOnetProfiles(dir);
  const reportedTitles = new Set(profiles.flatMap((profile) => profile.reportedTitles.map(normalisePhrase)));
  const alternateTitles = new Set(
    profiles.flatMap((profile) => [profile.title, ...profile.alternateTitles].map(normalisePhrase)),
  );
  const reportedUnseen = [...reportedTitles].filter((title) => !alternateTitles.has(title)).length;
  console.log(
    `${profiles.length} occupations; ${reportedTitles.size} distinct reported titles, ${reportedUnseen} not among the occupation and alternate titles`,
  );

  let real: SentenceEncoder | undefined;
  let encoder: SentenceEncoder | undefined;
  if (encoderId !== "none") {
    real = await createEncoder(encoderId);
    let shown = 0;
    encoder = fileCachedEncoder(real, {
      onProgress: (done, total) => {
        if (done - shown >= 2048 || done === total) {
          shown = done;
          console.log(`  embedding ${done}/${total} new texts (cached in bench/out/embeddings)`);
        }
      },
    });
  }
  const trainStarted = performance.now();
  const trained = await fitRolesModel(profiles, { encoder, excludeTitles: reportedTitles, seed: 1 });
  const trainSeconds = (performance.now() - trainStarted) / 1000;
  const { model, split, validation, titles } = trained;
  const predictor = model.attach(encoder);
  const untested = split.untested.length;
  console.log(
    `split: ${split.occupations.length - untested} occupations tested, ${untested} with too few items (all train, none tested); trained in ${trainSeconds.toFixed(1)} s`,
  );
  console.log(
    `validation (${validation.queries} queries): lexical MRR ${validation.lexical.mrr.toFixed(3)}${validation.encoder ? `, encoder ${validation.encoder.mrr.toFixed(3)}, combined ${validation.combined?.mrr.toFixed(3)} at lexical weight ${validation.lexicalWeight}` : ""}; temperature ${validation.temperature}`,
  );

  const codes = profiles.map((profile) => profile.code);
  const groups = codes.map(socMajorGroup);
  const target = new Map(codes.map((code, i) => [code, i]));
  const perOccupation = 1;
  const random = createRandom(11);
  const querySets: Record<string, RoleExample[]> = {
    "5 skills": sampleQueries(split.occupations, "test", 5, perOccupation, random),
    "3 skills": sampleQueries(split.occupations, "test", 3, perOccupation, random),
  };
  // Every test phrase embedded before the timings (the file cache keeps them across runs).
  if (encoder !== undefined) {
    await predictor.skillVectors([
      ...new Set(Object.values(querySets).flatMap((set) => set.flatMap((q) => q.skills))),
    ]);
  }
  const trainCounts = new Float32Array(split.occupations.map((occupation) => occupation.train.length));
  const students: (RolesStudent | "prior")[] = [
    "prior",
    "lexical",
    ...(encoder ? (["encoder", "combined"] as const) : []),
  ];
  const results: Record<string, Record<string, RankingMetrics & { queriesPerSecond: number }>> = {};
  for (const [name, queries] of Object.entries(querySets)) {
    results[name] = {};
    for (const student of students) {
      const started = performance.now();
      const runs = [];
      for (const query of queries) {
        const scores = student === "prior" ? trainCounts : await predictor.scores(query.skills, student);
        runs.push({ scores, target: target.get(query.code) as number });
      }
      const seconds = (performance.now() - started) / 1000;
      (results[name] as Record<string, unknown>)[student] = {
        ...rankingMetrics(runs, groups),
        queriesPerSecond: Math.round(queries.length / seconds),
      };
    }
  }

  // Embedding speed on phrases the cache has never seen (they are not O*NET's).
  let embedPerSecond: number | undefined;
  if (real !== undefined) {
    const phrases = Array.from(
      { length: quick ? 64 : 256 },
      (_, i) => `bench phrase ${i}: maintain ${i % 7} records and reports`,
    );
    const started = performance.now();
    await real.embed(phrases);
    embedPerSecond = Math.round(phrases.length / ((performance.now() - started) / 1000));
    await real.close();
  }

  // Titles: the reported titles, none of which the normaliser was trained on.
  const titleStarted = performance.now();
  let top1 = 0;
  let top5 = 0;
  let confident = 0;
  let confidentRight = 0;
  let total = 0;
  for (const profile of profiles) {
    for (const title of profile.reportedTitles) {
      const matches = await predictor.normaliseTitle(title, 5);
      total++;
      if (matches[0]?.code === profile.code) top1++;
      if (matches.some((match) => match.code === profile.code)) top5++;
      if (matches[0]?.confident) {
        confident++;
        if (matches[0]?.code === profile.code) confidentRight++;
      }
    }
  }
  const titleSeconds = (performance.now() - titleStarted) / 1000;
  const memory = process.memoryUsage();
  const figures = {
    occupations: profiles.length,
    split: {
      testFraction: 0.3,
      tested: split.occupations.length - untested,
      untested,
      trainItems: model.config.training.trainItems,
      testItems: model.config.training.testItems,
    },
    encoder: encoderId,
    embedded: trained.embedded,
    embedPhrasesPerSecond: embedPerSecond,
    trainSeconds,
    validation,
    roles: results,
    titles: {
      reportedTitles: total,
      reportedDistinct: reportedTitles.size,
      reportedUnseenAsGiven: reportedUnseen,
      trainingTitlesExcluded: reportedTitles.size,
      top1: top1 / total,
      top5: top5 / total,
      confident: confident / total,
      confidentPrecision: confident === 0 ? 0 : confidentRight / confident,
      titlesPerSecond: Math.round(total / titleSeconds),
      validation: titles,
    },
    memory: { rssMb: Math.round(memory.rss / 1e6), heapUsedMb: Math.round(memory.heapUsed / 1e6) },
  };

  console.log(
    "\nrole prediction, held-out test queries (top-1 / top-5 / MRR / major-group top-1 / queries/s):",
  );
  for (const [name, byStudent] of Object.entries(results)) {
    for (const [student, m] of Object.entries(byStudent)) {
      const ratio = byStudent.prior ? m.mrr / byStudent.prior.mrr : 1;
      console.log(
        `  ${name.padEnd(9)} ${student.padEnd(9)} ${pct(m.top1).padStart(6)} ${pct(m.top5).padStart(6)} ${m.mrr.toFixed(3)} ${pct(m.majorGroupTop1).padStart(6)} ${String(m.queriesPerSecond).padStart(6)}/s  MRR ×${ratio.toFixed(1)} prior  (${m.queries} queries)`,
      );
    }
  }
  console.log(
    `titles (${total} reported): top-1 ${pct(top1 / total)}, top-5 ${pct(top5 / total)}; confident ${pct(confident / total)} at ${pct(figures.titles.confidentPrecision)} precision (threshold ${titles.measure} ≥ ${titles.threshold.toFixed(3)} from validation); ${figures.titles.titlesPerSecond} titles/s`,
  );
  if (embedPerSecond !== undefined)
    console.log(`embedding: ${embedPerSecond} phrases/s; ${trained.embedded.texts} training phrases`);
  console.log(`memory: RSS ${figures.memory.rssMb} MB, heap ${figures.memory.heapUsedMb} MB`);
  for (const path of record.write(figures)) console.log(`wrote ${path}`);
}

if (invokedDirectly(import.meta.url)) await runRolesBench(process.argv.slice(2));
