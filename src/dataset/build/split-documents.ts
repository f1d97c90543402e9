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

export const splitByChoices = ["auto", "given", "random"] as const;
export type SplitBy = (typeof splitByChoices)[number];

const givenSplitNames: Record<string, DatasetSplit> = {
  train: "train",
  dev: "dev",
  val: "dev",
  valid: "dev",
  validation: "dev",
  test: "test",
};

/**
 * The split a document's own metadata names (`meta.split`: train, dev/val/validation or test, also
 * as the last part of a name such as "house-train", SkillSpan's CoNLL files), if any.
 */
export function givenSplit(meta: Record<string, unknown> | undefined): DatasetSplit | undefined {
  const split = meta?.split;
  if (typeof split !== "string") return undefined;
  const last =
    split
      .toLowerCase()
      .split(/[-_\s]+/)
      .pop() ?? "";
  return Object.hasOwn(givenSplitNames, last) ? givenSplitNames[last] : undefined;
}

/**
 * Train/dev/test per document. "given" keeps the split each document's metadata names (SkillSpan's
 * official splits, say; every document must name one); "random" shuffles whole documents with the
 * seed and cuts by the fractions; "auto" is "given" when every document names a split, else
 * "random". Returns the assignment and which way was used.
 */
export function assignSplits(
  documents: readonly { id: string; meta?: Record<string, unknown> | undefined }[],
  splitBy: SplitBy,
  fractions: SplitFractions,
  seed: number,
): { assignment: Map<string, DatasetSplit>; splitBy: "given" | "random" } {
  const named = documents.filter((document) => givenSplit(document.meta) !== undefined);
  const useGiven =
    splitBy === "given" || (splitBy === "auto" && documents.length > 0 && named.length === documents.length);
  if (!useGiven) {
    return {
      assignment: splitDocuments(
        documents.map((document) => document.id),
        fractions,
        seed,
      ),
      splitBy: "random",
    };
  }
  if (named.length < documents.length) {
    throw new UsageError(
      `--split-by given needs every document to name its split (meta.split: train, dev or test); ${documents.length - named.length} of ${documents.length} do not: use --split-by random`,
    );
  }
  return {
    assignment: new Map(
      documents.map((document) => [document.id, givenSplit(document.meta) as DatasetSplit]),
    ),
    splitBy: "given",
  };
}

export function emptyBySplit<T>(make: () => T): Record<DatasetSplit, T> {
  return Object.fromEntries(datasetSplits.map((split) => [split, make()])) as Record<DatasetSplit, T>;
}
