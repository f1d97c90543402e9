/** How well scores rank the right occupation, over a set of queries. */
export interface RankingMetrics {
  queries: number;
  top1: number;
  top5: number;
  /** Mean reciprocal rank. */
  mrr: number;
  /** Share of queries whose best-scored occupation is in the right SOC major group. */
  majorGroupTop1: number;
}

/** 1-based rank of `target`; tied scores share the mean of the ranks they span. */
export function rankOf(scores: Float32Array, target: number): number {
  const score = scores[target] ?? Number.NEGATIVE_INFINITY;
  let greater = 0;
  let equal = 0;
  for (const value of scores) {
    if (value > score) greater++;
    else if (value === score) equal++;
  }
  return 1 + greater + (equal - 1) / 2;
}

export function argMax(scores: Float32Array): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] ?? 0) > (scores[best] ?? 0)) best = i;
  return best;
}

/** Indexes of the `k` best scores, best first (ties by index). */
export function topIndexes(scores: Float32Array, k: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] ?? 0;
    if (order.length === k && score <= (scores[order[k - 1] as number] ?? 0)) continue;
    let at = order.length;
    while (at > 0 && (scores[order[at - 1] as number] ?? 0) < score) at--;
    order.splice(at, 0, i);
    if (order.length > k) order.pop();
  }
  return order;
}

/** The metrics of one score array per query against each query's target; `groups[i]` is occupation i's major group. */
export function rankingMetrics(
  queries: readonly { scores: Float32Array; target: number }[],
  groups: readonly string[],
): RankingMetrics {
  let top1 = 0;
  let top5 = 0;
  let reciprocal = 0;
  let major = 0;
  for (const { scores, target } of queries) {
    const rank = rankOf(scores, target);
    if (rank <= 1) top1++;
    if (rank <= 5) top5++;
    reciprocal += 1 / rank;
    if (groups[argMax(scores)] === groups[target]) major++;
  }
  const n = Math.max(1, queries.length);
  return {
    queries: queries.length,
    top1: top1 / n,
    top5: top5 / n,
    mrr: reciprocal / n,
    majorGroupTop1: major / n,
  };
}
