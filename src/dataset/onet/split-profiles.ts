import { createRandom, type Random, sample, shuffled } from "../../core/random.ts";
import type { OccupationProfile } from "./read-onet.ts";

/** One skill-like item of a profile: a technology name or a task statement. */
export interface ProfileItem {
  text: string;
  kind: "technology" | "task";
  /** A technology's commodity title (O*NET's class of it), when it has one. */
  commodity?: string | undefined;
}

/** One occupation's items, split before any query is sampled. */
export interface OccupationSplit {
  code: string;
  train: ProfileItem[];
  test: ProfileItem[];
}

export interface ProfileSplitOptions {
  /** Share of each occupation's technologies, and of its tasks, held out for test. @default 0.3 */
  testFraction?: number | undefined;
  /** Fewest test items an occupation needs to be tested (the largest test query). @default 5 */
  minTest?: number | undefined;
  /** Fewest training items left after holding out the test part. @default 3 */
  minTrain?: number | undefined;
  /** @default 1 */
  seed?: number | undefined;
}

export interface ProfileSplit {
  occupations: OccupationSplit[];
  /** Occupations with too few items to hold any out: all their items train, none is tested. */
  untested: string[];
}

export function profileItems(profile: OccupationProfile): ProfileItem[] {
  return [
    ...profile.technologies.map(
      (technology): ProfileItem =>
        technology.commodity.length > 0
          ? { text: technology.name, kind: "technology", commodity: technology.commodity }
          : { text: technology.name, kind: "technology" },
    ),
    ...profile.tasks.map((task): ProfileItem => ({ text: task, kind: "task" })),
  ];
}

/**
 * Splits each occupation's technologies and tasks (each kind apart, so both parts have both) into
 * train and test, seeded and in code order, so the same profiles and seed give the same split.
 * An occupation whose items cannot give `minTest` test and `minTrain` train items keeps them all
 * for training and is listed in `untested`.
 */
export function splitProfileItems(
  profiles: readonly OccupationProfile[],
  options: ProfileSplitOptions = {},
): ProfileSplit {
  const testFraction = options.testFraction ?? 0.3;
  const minTest = options.minTest ?? 5;
  const minTrain = options.minTrain ?? 3;
  const random = createRandom(options.seed ?? 1);
  const occupations: OccupationSplit[] = [];
  const untested: string[] = [];
  for (const profile of profiles) {
    const items = profileItems(profile);
    const technologies = shuffled(
      items.filter((item) => item.kind === "technology"),
      random,
    );
    const tasks = shuffled(
      items.filter((item) => item.kind === "task"),
      random,
    );
    let testTechnologies = Math.round(technologies.length * testFraction);
    let testTasks = Math.round(tasks.length * testFraction);
    // Top the test part up to minTest from whichever kind has more left.
    while (testTechnologies + testTasks < minTest) {
      const technologiesLeft = technologies.length - testTechnologies;
      const tasksLeft = tasks.length - testTasks;
      if (technologiesLeft === 0 && tasksLeft === 0) break;
      if (technologiesLeft >= tasksLeft) testTechnologies++;
      else testTasks++;
    }
    const test = [...technologies.slice(0, testTechnologies), ...tasks.slice(0, testTasks)];
    const train = [...technologies.slice(testTechnologies), ...tasks.slice(testTasks)];
    if (test.length < minTest || train.length < minTrain) {
      untested.push(profile.code);
      occupations.push({ code: profile.code, train: items, test: [] });
    } else {
      occupations.push({ code: profile.code, train, test });
    }
  }
  return { occupations, untested };
}

/** A query of a few items and the occupation it was drawn from. */
export interface RoleExample {
  code: string;
  skills: string[];
}

/**
 * `perOccupation` queries of `size` items each, drawn without replacement within a query from
 * `part` of each occupation (occupations with fewer than `size` items in that part give none).
 * `size` may be a range `[min, max]`, drawn per query.
 */
export function sampleQueries(
  occupations: readonly OccupationSplit[],
  part: "train" | "test",
  size: number | readonly [number, number],
  perOccupation: number,
  random: Random,
): RoleExample[] {
  const [minSize, maxSize] = typeof size === "number" ? [size, size] : size;
  const examples: RoleExample[] = [];
  for (const occupation of occupations) {
    const items = occupation[part];
    if (items.length < minSize) continue;
    for (let q = 0; q < perOccupation; q++) {
      const count = Math.min(items.length, minSize + random.int(maxSize - minSize + 1));
      examples.push({ code: occupation.code, skills: sample(items, count, random).map((item) => item.text) });
    }
  }
  return examples;
}

/**
 * Splits each occupation's training items again, for choosing settings without touching test:
 * `fit` builds the students, `validation` (a share of them) scores the choices.
 */
export function splitForValidation(
  occupations: readonly OccupationSplit[],
  options: {
    validationFraction?: number | undefined;
    minValidation?: number | undefined;
    seed?: number | undefined;
  } = {},
): { fit: OccupationSplit[]; validation: OccupationSplit[] } {
  const fraction = options.validationFraction ?? 0.2;
  const minValidation = options.minValidation ?? 3;
  const random = createRandom(options.seed ?? 2);
  const fit: OccupationSplit[] = [];
  const validation: OccupationSplit[] = [];
  for (const occupation of occupations) {
    const items = shuffled(occupation.train, random);
    const count = Math.round(items.length * fraction);
    if (count < minValidation || items.length - count < 2) {
      fit.push({ code: occupation.code, train: items, test: [] });
      continue;
    }
    fit.push({ code: occupation.code, train: items.slice(count), test: [] });
    validation.push({ code: occupation.code, train: [], test: items.slice(0, count) });
  }
  return { fit, validation };
}
