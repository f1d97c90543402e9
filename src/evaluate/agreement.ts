/** Agreement statistics for judged labels: Wilson intervals, Cohen's kappa, per-class accuracy. */

export interface Interval {
  /** successes / n (0 when n is 0). */
  estimate: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval for a proportion: unlike the normal approximation it stays inside [0, 1]
 * and behaves for small n and extreme proportions. z = 1.96 gives 95%.
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval {
  if (n <= 0) return { estimate: 0, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Rows: first rater's label, columns: second rater's label. */
export interface ConfusionTable {
  labels: string[];
  counts: number[][];
}

export function confusionTable(
  pairs: readonly (readonly [string, string])[],
  labels?: readonly string[],
): ConfusionTable {
  const order = labels ? [...labels] : [...new Set(pairs.flat())].sort();
  const index = new Map(order.map((label, i) => [label, i]));
  for (const [a, b] of pairs) {
    for (const label of [a, b]) {
      if (!index.has(label)) {
        index.set(label, order.length);
        order.push(label);
      }
    }
  }
  const counts = order.map(() => order.map(() => 0));
  for (const [a, b] of pairs) {
    const row = counts[index.get(a) as number] as number[];
    const column = index.get(b) as number;
    row[column] = (row[column] as number) + 1;
  }
  return { labels: order, counts };
}

/**
 * Cohen's kappa: agreement beyond chance, (po − pe) / (1 − pe). Takes label pairs or a confusion
 * table. 1 when both raters agree and chance agreement is already 1 (one label used by both).
 */
export function cohensKappa(input: readonly (readonly [string, string])[] | ConfusionTable): number {
  const table = Array.isArray(input) ? confusionTable(input) : (input as ConfusionTable);
  const size = table.labels.length;
  let total = 0;
  let agree = 0;
  const rowSums = new Array<number>(size).fill(0);
  const columnSums = new Array<number>(size).fill(0);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const count = table.counts[i]?.[j] ?? 0;
      total += count;
      if (i === j) agree += count;
      rowSums[i] = (rowSums[i] as number) + count;
      columnSums[j] = (columnSums[j] as number) + count;
    }
  }
  if (total === 0) return 0;
  const observed = agree / total;
  let expected = 0;
  for (let i = 0; i < size; i++)
    expected += ((rowSums[i] as number) / total) * ((columnSums[i] as number) / total);
  // Chance agreement of 1 means both annotators put every item in one and the same class, so they
  // agree on every item: perfect agreement (the formula would divide by zero).
  if (expected >= 1) return 1;
  return (observed - expected) / (1 - expected);
}

export interface ClassAccuracy {
  label: string;
  correct: number;
  n: number;
  accuracy: Interval;
}

/** Accuracy of judged items, per class (of the label being judged) and overall, with Wilson intervals. */
export function accuracyByClass(
  items: readonly { label: string; correct: boolean }[],
  z = 1.96,
): { overall: ClassAccuracy; perClass: ClassAccuracy[] } {
  const groups = new Map<string, { correct: number; n: number }>();
  for (const item of items) {
    const group = groups.get(item.label) ?? { correct: 0, n: 0 };
    group.n++;
    if (item.correct) group.correct++;
    groups.set(item.label, group);
  }
  const perClass = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, { correct, n }]) => ({ label, correct, n, accuracy: wilsonInterval(correct, n, z) }));
  const correct = items.filter((item) => item.correct).length;
  return {
    overall: { label: "all", correct, n: items.length, accuracy: wilsonInterval(correct, items.length, z) },
    perClass,
  };
}

/** One stratum of a stratified sample: how many items the population holds, and how the sample fared. */
export interface Stratum {
  /** Items of this stratum in the population the sample was drawn from. */
  population: number;
  /** Judged items of this stratum. */
  n: number;
  correct: number;
}

export interface StratifiedEstimate {
  /** Σ share·accuracy over the strata, with a Wilson interval on the effective sample size. */
  accuracy: Interval;
  /** Kish's effective sample size: the simple random sample that would be as precise. */
  effectiveN: number;
  /** Share of the population in strata that have judged items (the estimate speaks for these only). */
  coverage: number;
}

/**
 * A population accuracy from a stratified sample: each stratum's accuracy weighted by its share of
 * the population, so a small class sampled as heavily as a large one does not pull the figure its
 * way. The interval is Wilson's on Kish's effective sample size, n_eff = p(1 − p) / Var(p̂), with
 * Var(p̂) = Σ W_h² (1 − n_h/N_h) p_h(1 − p_h) / n_h (the finite-population factor makes a stratum
 * judged in full exact). When the variance is 0 without a full census (every stratum all right or
 * all wrong) no design effect can be estimated and n_eff is the number judged. Strata without
 * judged items are left out and the shares renormalised over the rest; `coverage` says how much
 * of the population that leaves.
 */
export function stratifiedAccuracy(strata: readonly Stratum[], z = 1.96): StratifiedEstimate {
  const total = strata.reduce((sum, stratum) => sum + stratum.population, 0);
  const judged = strata.filter((stratum) => stratum.n > 0 && stratum.population > 0);
  const covered = judged.reduce((sum, stratum) => sum + stratum.population, 0);
  const n = judged.reduce((sum, stratum) => sum + stratum.n, 0);
  if (covered === 0 || n === 0) return { accuracy: wilsonInterval(0, 0, z), effectiveN: 0, coverage: 0 };
  let estimate = 0;
  let variance = 0;
  let census = true;
  for (const stratum of judged) {
    const share = stratum.population / covered;
    const p = stratum.correct / stratum.n;
    const sampled = Math.min(stratum.n, stratum.population);
    estimate += share * p;
    variance += (share * share * (1 - sampled / stratum.population) * p * (1 - p)) / stratum.n;
    if (sampled < stratum.population) census = false;
  }
  const coverage = covered / total;
  if (census) return { accuracy: { estimate, low: estimate, high: estimate }, effectiveN: n, coverage };
  const effectiveN = variance > 0 ? (estimate * (1 - estimate)) / variance : n;
  const interval = wilsonInterval(estimate * effectiveN, effectiveN, z);
  return { accuracy: { ...interval, estimate }, effectiveN, coverage };
}
