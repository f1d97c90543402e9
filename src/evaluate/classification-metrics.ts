export interface LabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples carrying the label. */
  support: number;
  /** Examples predicted with the label. */
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** (TP + TN) / examples: how often the label's yes/no decision was right. */
  accuracy: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

interface ReportBase {
  examples: number;
  labels: string[];
  perLabel: LabelMetrics[];
  /** From TP/FP/FN summed over labels (multi-class: equals accuracy). */
  micro: AveragedMetrics;
  /** Unweighted mean over labels present in gold or predictions (others have no defined F1). */
  macro: AveragedMetrics;
  /** Mean over the same labels weighted by support. */
  weighted: AveragedMetrics;
}

export interface MultiClassReport extends ReportBase {
  kind: "multi-class";
  /** Share of examples whose predicted label is the gold one. */
  accuracy: number;
  /** `matrix[gold][predicted]` counts, indexed like `labels`. */
  confusion: number[][];
}

export interface MultiLabelReport extends ReportBase {
  kind: "multi-label";
  /** Exact-match ratio: the predicted label set equals the gold one. */
  accuracy: number;
  /** Mean of per-label accuracies (1 − Hamming loss). */
  labelAccuracy: number;
}

export type ClassificationReport = MultiClassReport | MultiLabelReport;

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function labelMetrics(
  label: string,
  truePositives: number,
  falsePositives: number,
  falseNegatives: number,
  examples: number,
): LabelMetrics {
  const trueNegatives = examples - truePositives - falsePositives - falseNegatives;
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  return {
    label,
    precision,
    recall,
    f1: ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives),
    support: truePositives + falseNegatives,
    predicted: truePositives + falsePositives,
    truePositives,
    falsePositives,
    falseNegatives,
    trueNegatives,
    accuracy: ratio(truePositives + trueNegatives, examples),
  };
}

function averages(perLabel: readonly LabelMetrics[]): Pick<ReportBase, "micro" | "macro" | "weighted"> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const metrics of perLabel) {
    tp += metrics.truePositives;
    fp += metrics.falsePositives;
    fn += metrics.falseNegatives;
  }
  const present = perLabel.filter((metrics) => metrics.support > 0 || metrics.predicted > 0);
  const totalSupport = present.reduce((sum, metrics) => sum + metrics.support, 0);
  const mean = (key: keyof AveragedMetrics): number =>
    ratio(
      present.reduce((sum, metrics) => sum + metrics[key], 0),
      present.length,
    );
  const weightedMean = (key: keyof AveragedMetrics): number =>
    ratio(
      present.reduce((sum, metrics) => sum + metrics[key] * metrics.support, 0),
      totalSupport,
    );
  return {
    micro: { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) },
    macro: { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") },
    weighted: {
      precision: weightedMean("precision"),
      recall: weightedMean("recall"),
      f1: weightedMean("f1"),
    },
  };
}

/** The given labels in order, then any other label seen in gold or predictions, sorted. */
function labelOrder(labels: readonly string[] | undefined, seen: Iterable<string>): string[] {
  const ordered = labels ? [...labels] : [];
  const known = new Set(ordered);
  const extra = [...new Set(seen)].filter((label) => !known.has(label)).sort();
  return [...ordered, ...extra];
}

function assertSameLength(gold: readonly unknown[], predicted: readonly unknown[]): void {
  if (gold.length !== predicted.length) {
    throw new RangeError(`gold has ${gold.length} examples but predictions have ${predicted.length}`);
  }
}

/** One label per example: per-label P/R/F1, micro/macro/weighted averages, accuracy, confusion matrix. */
export function multiClassClassificationReport(
  gold: readonly string[],
  predicted: readonly string[],
  labels?: readonly string[],
): MultiClassReport {
  assertSameLength(gold, predicted);
  const order = labelOrder(labels, [...gold, ...predicted]);
  const index = new Map(order.map((label, i) => [label, i]));
  const confusion = order.map(() => order.map(() => 0));
  let correct = 0;
  gold.forEach((goldLabel, i) => {
    const predictedLabel = predicted[i] as string;
    const row = confusion[index.get(goldLabel) as number] as number[];
    const column = index.get(predictedLabel) as number;
    row[column] = (row[column] as number) + 1;
    if (goldLabel === predictedLabel) correct++;
  });
  const perLabel = order.map((label, l) => {
    const truePositives = confusion[l]?.[l] ?? 0;
    const support = (confusion[l] ?? []).reduce((sum, count) => sum + count, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + (row[l] ?? 0), 0);
    return labelMetrics(
      label,
      truePositives,
      predictedCount - truePositives,
      support - truePositives,
      gold.length,
    );
  });
  return {
    kind: "multi-class",
    examples: gold.length,
    labels: order,
    perLabel,
    ...averages(perLabel),
    accuracy: ratio(correct, gold.length),
    confusion,
  };
}

/** Any number of labels per example: per-label P/R/F1 and TP/FP/FN/TN, averages, exact-match accuracy. */
export function multiLabelClassificationReport(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
  labels?: readonly string[],
): MultiLabelReport {
  assertSameLength(gold, predicted);
  const order = labelOrder(labels, [...gold.flat(), ...predicted.flat()]);
  const counts = new Map(order.map((label) => [label, { tp: 0, fp: 0, fn: 0 }]));
  let exact = 0;
  gold.forEach((goldLabels, i) => {
    const goldSet = new Set(goldLabels);
    const predictedSet = new Set(predicted[i]);
    let same = goldSet.size === predictedSet.size;
    for (const label of predictedSet) {
      const entry = counts.get(label);
      if (!entry) continue;
      if (goldSet.has(label)) entry.tp++;
      else {
        entry.fp++;
        same = false;
      }
    }
    for (const label of goldSet) {
      const entry = counts.get(label);
      if (entry && !predictedSet.has(label)) entry.fn++;
    }
    if (same) exact++;
  });
  const perLabel = order.map((label) => {
    const { tp, fp, fn } = counts.get(label) ?? { tp: 0, fp: 0, fn: 0 };
    return labelMetrics(label, tp, fp, fn, gold.length);
  });
  return {
    kind: "multi-label",
    examples: gold.length,
    labels: order,
    perLabel,
    ...averages(perLabel),
    accuracy: ratio(exact, gold.length),
    labelAccuracy: ratio(
      perLabel.reduce((sum, metrics) => sum + metrics.accuracy, 0),
      perLabel.length,
    ),
  };
}

const percent = (value: number): string => (value * 100).toFixed(1);

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** Markdown: per-label table, averages, accuracy, and the confusion matrix or TP/FP/FN/TN counts. */
export function renderClassificationReport(report: ClassificationReport): string {
  const lines: string[] = [];
  const multiLabel = report.kind === "multi-label";
  lines.push(
    multiLabel
      ? "| label | P | R | F1 | support | TP | FP | FN | TN | accuracy |"
      : "| label | P | R | F1 | support |",
  );
  lines.push(multiLabel ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|");
  for (const m of report.perLabel) {
    const base = `| ${escapeCell(m.label)} | ${percent(m.precision)} | ${percent(m.recall)} | ${percent(m.f1)} | ${m.support} |`;
    lines.push(
      multiLabel
        ? `${base} ${m.truePositives} | ${m.falsePositives} | ${m.falseNegatives} | ${m.trueNegatives} | ${percent(m.accuracy)} |`
        : base,
    );
  }
  const totalSupport = report.perLabel.reduce((sum, m) => sum + m.support, 0);
  const pad = multiLabel ? " | | | | |" : "";
  for (const [name, averaged] of [
    ["micro", report.micro],
    ["macro", report.macro],
    ["weighted", report.weighted],
  ] as const) {
    lines.push(
      `| *${name}* | ${percent(averaged.precision)} | ${percent(averaged.recall)} | ${percent(averaged.f1)} | ${totalSupport} |${pad}`,
    );
  }
  lines.push("");
  if (report.kind === "multi-label") {
    lines.push(
      `Exact-match accuracy ${percent(report.accuracy)}% · per-label accuracy ${percent(report.labelAccuracy)}% · ${report.examples} examples`,
    );
    return lines.join("\n");
  }
  lines.push(`Accuracy ${percent(report.accuracy)}% · ${report.examples} examples`);
  lines.push("");
  lines.push(`| gold \\ predicted | ${report.labels.map(escapeCell).join(" | ")} |`);
  lines.push(`|---|${report.labels.map(() => "---:").join("|")}|`);
  report.labels.forEach((label, l) => {
    lines.push(`| ${escapeCell(label)} | ${(report.confusion[l] ?? []).join(" | ")} |`);
  });
  return lines.join("\n");
}

/**
 * Area under the ROC curve of `scores` for telling `positives` from the rest: the probability
 * that a random positive scores above a random negative, ties counting half (Mann–Whitney U from
 * average ranks). NaN when either class is empty.
 */
export function rocAuc(scores: readonly number[], positives: readonly boolean[]): number {
  if (scores.length !== positives.length) {
    throw new RangeError(`${scores.length} scores but ${positives.length} gold flags`);
  }
  const order = scores.map((score, index) => ({ score, positive: positives[index] === true }));
  order.sort((a, b) => a.score - b.score);
  let positiveRankSum = 0;
  let positiveCount = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.score === order[start]?.score) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (order[i]?.positive) {
        positiveRankSum += averageRank;
        positiveCount++;
      }
    }
    start = end + 1;
  }
  const negativeCount = order.length - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return Number.NaN;
  return (positiveRankSum - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
}
