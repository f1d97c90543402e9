/** The row/column standing for "no category" in a segment confusion matrix. */
export const NO_CATEGORY = "(none)";

export interface ConfusionMatrix {
  /** Row and column names: the categories, then `NO_CATEGORY`. */
  labels: string[];
  /** `matrix[gold][predicted]` counts, indexed like `labels`. */
  matrix: number[][];
}

/**
 * A confusion matrix for multi-label segments, read as "what was predicted where the reference
 * said g". Per segment, with G the reference categories and P the predicted ones:
 * - each g in G that P also has counts on the diagonal (g, g);
 * - each g in G that P lacks counts once against every category P has beyond G (what the student
 *   put there instead), or against `NO_CATEGORY` when P has nothing beyond G;
 * - each p in P beyond G counts at (`NO_CATEGORY`, p) when G is empty or every g was found;
 * - a segment with neither counts at (`NO_CATEGORY`, `NO_CATEGORY`).
 */
export function segmentConfusion(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
  categories: readonly string[],
): ConfusionMatrix {
  const labels = [...categories, NO_CATEGORY];
  const index = new Map(labels.map((label, position) => [label, position]));
  const matrix = labels.map(() => labels.map(() => 0));
  const add = (row: string, column: string): void => {
    const r = index.get(row);
    const c = index.get(column);
    if (r === undefined || c === undefined) return;
    const cells = matrix[r] as number[];
    cells[c] = (cells[c] as number) + 1;
  };
  gold.forEach((goldLabels, position) => {
    const goldSet = new Set(goldLabels.filter((label) => index.has(label)));
    const predictedSet = new Set((predicted[position] ?? []).filter((label) => index.has(label)));
    const extra = [...predictedSet].filter((label) => !goldSet.has(label));
    let missed = false;
    for (const label of goldSet) {
      if (predictedSet.has(label)) {
        add(label, label);
        continue;
      }
      missed = true;
      if (extra.length === 0) add(label, NO_CATEGORY);
      for (const other of extra) add(label, other);
    }
    if (!missed) for (const other of extra) add(NO_CATEGORY, other);
    if (goldSet.size === 0 && predictedSet.size === 0) add(NO_CATEGORY, NO_CATEGORY);
  });
  return { labels, matrix };
}
