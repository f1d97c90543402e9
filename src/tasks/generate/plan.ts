import { sha256Hex, stableStringify } from "../../core/hash.ts";
import { createRandom, shuffled } from "../../core/random.ts";
import type { GenerationSpec, GridDimension, LabelPlan, SeedExample } from "./spec.ts";

/** One combination of grid values, e.g. `{ seniority: "senior", format: "prose" }`. */
export type GridCell = Record<string, string>;

/** One document to generate: its identity is (spec hash, label, cell, index) and the prompt version. */
export interface GenerationItem {
  specHash: string;
  label: string;
  description: string;
  document: string;
  cell: GridCell;
  index: number;
  words: { min: number; max: number };
  instructions?: string | undefined;
  /** A style reference, when the label has seed examples (they take turns by index). */
  seed?: SeedExample | undefined;
}

/** Every combination of the grid's values, in the order the spec lists them; one empty cell for no grid. */
export function gridCells(grid: readonly GridDimension[]): GridCell[] {
  let cells: GridCell[] = [{}];
  for (const dimension of grid) {
    cells = cells.flatMap((cell) => dimension.values.map((value) => ({ ...cell, [dimension.name]: value })));
  }
  return cells;
}

/** "seniority=senior, format=prose" (or "(no grid)"). */
export function cellName(cell: GridCell): string {
  const entries = Object.entries(cell);
  return entries.length === 0 ? "(no grid)" : entries.map(([key, value]) => `${key}=${value}`).join(", ");
}

/**
 * The order in which one label's items visit the cells: a seeded permutation, its own per label.
 * Item `index` takes cell `order[index mod cells]`, so counts per cell differ by at most one, and
 * when there are fewer items than cells no cell is used twice before all are used.
 */
export function cellOrder(cells: readonly GridCell[], label: string, seed: number): GridCell[] {
  const labelSeed = Number.parseInt(sha256Hex(`${seed}\u0000${label}`).slice(0, 8), 16);
  return shuffled(cells, createRandom(labelSeed));
}

/** A label's items with indices in [from, to): the first pass is [0, count). */
export function planLabelItems(
  spec: GenerationSpec,
  label: LabelPlan,
  order: readonly GridCell[],
  from: number,
  to: number,
): GenerationItem[] {
  const cells = Array.from(
    { length: Math.max(0, to - from) },
    (_, k) => order[(from + k) % order.length] ?? {},
  );
  return planItemsInCells(spec, label, cells, from);
}

/** Items numbered from `from`, the k-th in `cells[k]` (top-ups go to the cells left short). */
export function planItemsInCells(
  spec: GenerationSpec,
  label: LabelPlan,
  cells: readonly GridCell[],
  from: number,
): GenerationItem[] {
  return cells.map((cell, k) => {
    const index = from + k;
    return {
      specHash: spec.specHash,
      label: label.name,
      description: label.description,
      document: spec.document,
      cell,
      index,
      words: spec.words,
      instructions: spec.instructions,
      seed: label.seeds.length === 0 ? undefined : label.seeds[index % label.seeds.length],
    };
  });
}

/**
 * The cells a label's top-ups go to: each cell as often as it has fewer accepted items than the
 * first pass planned for it, in the label's cell order, so balance over the grid is restored too.
 */
export function shortCells(
  order: readonly GridCell[],
  planned: Readonly<Record<string, number>>,
  accepted: Readonly<Record<string, number>>,
): GridCell[] {
  return order.flatMap((cell) => {
    const name = cellName(cell);
    const short = Math.max(0, (planned[name] ?? 0) - (accepted[name] ?? 0));
    return Array.from({ length: short }, () => cell);
  });
}

/** Items per cell, by cell name, in the order cells are first met. */
export function countByCell(items: readonly Pick<GenerationItem, "cell">[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = cellName(item.cell);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The item's identity, hashed into the teacher's call key with the prompt version. */
export function generationItemKey(item: GenerationItem): string {
  return stableStringify({ specHash: item.specHash, label: item.label, cell: item.cell, index: item.index });
}
