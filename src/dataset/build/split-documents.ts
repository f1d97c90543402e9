import { UsageError } from "../../core/errors.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import { type DatasetSplit, datasetSplits } from "./examples.ts";

export type SplitFractions = readonly [number, number, number];

/** Checks train/dev/test fractions: three non-negative numbers that add up to 1. */
export function validateSplitFractions(fractions: readonly number[]): SplitFractions {
  const [train, dev, test] = fractions;
  if (
    fractions.length !== 3 ||
    train === undefined ||
    dev === undefined ||
    test === undefined ||
    fractions.some((value) => !Number.isFinite(value) || value < 0) ||
    Math.abs(train + dev + test - 1) > 1e-6
  ) {
    throw new UsageError(
      `--split needs three fractions for train,dev,test that add up to 1, got ${fractions.join(",")}`,
    );
  }
  return [train, dev, test];
}

/**
 * Assigns whole documents to train/dev/test: ids sorted, shuffled with the seed, then cut by the
 * fractions (rounded; test takes the rest). The same ids, fractions and seed always give the same
 * assignment.
 */
export function splitDocuments(
  documentIds: readonly string[],
  fractions: SplitFractions,
  seed: number,
): Map<string, DatasetSplit> {
  const order = shuffled([...documentIds].sort(), createRandom(seed));
  const trainCount = Math.round(order.length * fractions[0]);
  const devCount = Math.min(order.length - trainCount, Math.round(order.length * fractions[1]));
  const assignment = new Map<string, DatasetSplit>();
  order.forEach((id, index) => {
    const split = index < trainCount ? "train" : index < trainCount + devCount ? "dev" : "test";
    assignment.set(id, split);
  });
  return assignment;
}

export function emptyBySplit<T>(make: () => T): Record<DatasetSplit, T> {
  return Object.fromEntries(datasetSplits.map((split) => [split, make()])) as Record<DatasetSplit, T>;
}
