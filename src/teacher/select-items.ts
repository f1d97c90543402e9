import { createRandom, sample } from "../core/random.ts";

export interface ItemSelection {
  /** The first N items. */
  limit?: number | undefined;
  /** N items drawn at random with `seed` (reproducible), kept in their original order. */
  sample?: number | undefined;
  seed?: number | undefined;
}

/** Picks the items to try a task on: `--limit N` or `--sample N --seed S`. */
export function selectItems<T>(items: readonly T[], selection: ItemSelection): T[] {
  let selected = items.slice();
  if (selection.sample !== undefined) {
    const chosen = new Set(
      sample(
        selected.map((_, index) => index),
        selection.sample,
        createRandom(selection.seed ?? 1),
      ),
    );
    selected = selected.filter((_, index) => chosen.has(index));
  }
  if (selection.limit !== undefined) selected = selected.slice(0, selection.limit);
  return selected;
}
