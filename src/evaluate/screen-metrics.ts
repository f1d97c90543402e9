import { multiClassClassificationReport, rocAuc } from "./classification-metrics.ts";

/** How well a screen student labels and ranks held-out documents. */
export interface ScreenMetrics {
  documents: number;
  accuracy: number;
  /** Unweighted mean F1 over the labels. */
  macroF1: number;
  positiveLabel: string;
  /** Precision, recall and F1 of the positive label's decisions. */
  precision: number;
  recall: number;
  f1: number;
  /** ROC AUC of the positive label's probability (ranking quality, threshold-free). */
  rocAuc: number;
}

/**
 * Accuracy, macro-F1, the positive label's P/R/F1 and the ROC AUC of its score: what a screen
 * student's training report, `train --task screen` and bench/screen.ts print.
 */
export function screenMetrics(
  gold: readonly string[],
  predicted: readonly string[],
  positiveScores: readonly number[],
  labels: readonly string[],
  positiveLabel: string,
): ScreenMetrics {
  const report = multiClassClassificationReport(gold, predicted, labels);
  const positive = report.perLabel.find((entry) => entry.label === positiveLabel);
  return {
    documents: gold.length,
    accuracy: report.accuracy,
    macroF1: report.macro.f1,
    positiveLabel,
    precision: positive?.precision ?? 0,
    recall: positive?.recall ?? 0,
    f1: positive?.f1 ?? 0,
    rocAuc: rocAuc(
      positiveScores,
      gold.map((label) => label === positiveLabel),
    ),
  };
}
