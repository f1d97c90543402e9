/** A labelled span by offsets; tokens or characters, as long as gold and prediction agree. */
export interface ScoredSpan {
  label: string;
  start: number;
  /** Exclusive. */
  end: number;
}

/** The spans of one sentence or document. */
export type SpanSet = readonly ScoredSpan[];

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

export interface SpanCounts extends PrecisionRecallF1 {
  gold: number;
  predicted: number;
  /** Predicted spans counted correct. */
  correctPredicted: number;
  /** Gold spans counted found. Equals `correctPredicted` under strict matching. */
  foundGold: number;
}

export interface MatchScores {
  perLabel: Record<string, SpanCounts>;
  micro: SpanCounts;
  /** Unweighted mean over labels seen in gold or prediction (a requested label never seen is left out). */
  macro: PrecisionRecallF1;
}

export interface SpanScores {
  strict: MatchScores;
  loose: MatchScores;
}

export interface ScoreSpansOptions {
  /** Score only these labels (others are ignored on both sides). Default: every label seen. */
  labels?: readonly string[];
}

interface MutableCounts {
  gold: number;
  predicted: number;
  correctPredicted: number;
  foundGold: number;
}

/**
 * Span precision, recall and F1, per label, micro and macro, under two matchings.
 *
 * - strict (conlleval): a predicted span is correct when a gold span has the same label, start and
 *   end. Identical predictions within one sentence count once, as a tag sequence could not
 *   express them twice.
 * - loose (as in the SkillSpan literature): a predicted span is correct when it shares at least one
 *   unit with some gold span of its label; a gold span is found when some predicted span of its label
 *   shares a unit with it. Precision = correct predicted / predicted, recall = found gold / gold;
 *   one long prediction may thus find two gold spans.
 *
 * Precision with no predictions, and recall with no gold spans, are 0 (never NaN).
 */
export function scoreSpans(
  gold: readonly SpanSet[],
  predicted: readonly SpanSet[],
  options: ScoreSpansOptions = {},
): SpanScores {
  if (gold.length !== predicted.length) {
    throw new RangeError(
      `scoreSpans needs one predicted set per gold set (${gold.length} vs ${predicted.length})`,
    );
  }
  const keep = options.labels ? new Set(options.labels) : undefined;
  const strict = new Map<string, MutableCounts>();
  const loose = new Map<string, MutableCounts>();
  const countsFor = (table: Map<string, MutableCounts>, label: string): MutableCounts => {
    let counts = table.get(label);
    if (!counts) {
      counts = { gold: 0, predicted: 0, correctPredicted: 0, foundGold: 0 };
      table.set(label, counts);
    }
    return counts;
  };
  for (const label of keep ?? []) {
    countsFor(strict, label);
    countsFor(loose, label);
  }

  for (let index = 0; index < gold.length; index++) {
    const goldSpans = distinct(gold[index] ?? [], keep);
    const predictedSpans = distinct(predicted[index] ?? [], keep);
    const goldKeys = new Set(goldSpans.map(spanKey));
    for (const span of goldSpans) {
      countsFor(strict, span.label).gold++;
      const looseCounts = countsFor(loose, span.label);
      looseCounts.gold++;
      if (predictedSpans.some((other) => overlaps(span, other))) looseCounts.foundGold++;
    }
    for (const span of predictedSpans) {
      const strictCounts = countsFor(strict, span.label);
      strictCounts.predicted++;
      if (goldKeys.has(spanKey(span))) {
        strictCounts.correctPredicted++;
        strictCounts.foundGold++;
      }
      const looseCounts = countsFor(loose, span.label);
      looseCounts.predicted++;
      if (goldSpans.some((other) => overlaps(span, other))) looseCounts.correctPredicted++;
    }
  }
  return { strict: summarise(strict), loose: summarise(loose) };
}

function spanKey(span: ScoredSpan): string {
  return `${span.label}\u0000${span.start}\u0000${span.end}`;
}

function distinct(spans: SpanSet, keep: Set<string> | undefined): ScoredSpan[] {
  const seen = new Set<string>();
  const out: ScoredSpan[] = [];
  for (const span of spans) {
    if (keep && !keep.has(span.label)) continue;
    const key = spanKey(span);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(span);
  }
  return out;
}

function overlaps(a: ScoredSpan, b: ScoredSpan): boolean {
  return a.label === b.label && a.start < b.end && b.start < a.end;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function withRates(counts: MutableCounts): SpanCounts {
  const precision = ratio(counts.correctPredicted, counts.predicted);
  const recall = ratio(counts.foundGold, counts.gold);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { ...counts, precision, recall, f1 };
}

function summarise(table: Map<string, MutableCounts>): MatchScores {
  const perLabel: Record<string, SpanCounts> = {};
  const total: MutableCounts = { gold: 0, predicted: 0, correctPredicted: 0, foundGold: 0 };
  const labels = [...table.keys()].sort();
  for (const label of labels) {
    const counts = table.get(label) as MutableCounts;
    perLabel[label] = withRates(counts);
    total.gold += counts.gold;
    total.predicted += counts.predicted;
    total.correctPredicted += counts.correctPredicted;
    total.foundGold += counts.foundGold;
  }
  // Labels asked for but never seen have no defined F1: they stay listed, out of the mean.
  const rates = labels
    .map((label) => perLabel[label] as SpanCounts)
    .filter((counts) => counts.gold + counts.predicted > 0);
  const mean = (pick: (value: SpanCounts) => number): number =>
    rates.length === 0 ? 0 : rates.reduce((sum, value) => sum + pick(value), 0) / rates.length;
  return {
    perLabel,
    micro: withRates(total),
    macro: { precision: mean((v) => v.precision), recall: mean((v) => v.recall), f1: mean((v) => v.f1) },
  };
}
