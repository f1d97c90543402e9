import {
  accuracyByClass,
  type ClassAccuracy,
  cohensKappa,
  type Interval,
  stratifiedAccuracy,
  wilsonInterval,
} from "../agreement.ts";

/** One judged item with what is known about it. */
export interface JudgedItem {
  itemId: string;
  text: string;
  label: string;
  verdict: "correct" | "incorrect";
  judgeLabel: string | undefined;
  rawJudgeLabel: string;
  reason?: string;
  gold?: string;
}

export interface JudgeReport {
  judgedTask: string;
  labeller: string;
  judge: string;
  stratify: string;
  sampled: number;
  judged: number;
  /** The labeller's accuracy as the judge sees it (verdict "correct"), with 95% intervals. */
  accuracy: {
    /**
     * The estimate for all the labeller's labels. Under stratified sampling each class counts by
     * its share of the population (Wilson interval on the effective sample size); for a uniform
     * sample it is the pooled figure.
     */
    overall: {
      accuracy: Interval;
      weighting: "population-share" | "uniform-sample";
      effectiveN: number;
      /** Share of the population in classes with judged items. */
      coverage: number;
    };
    /** Unweighted: correct / judged over the whole sample, each item counting once. */
    pooled: ClassAccuracy;
    perClass: (ClassAccuracy & { population: number; share: number })[];
  };
  /** Cohen's kappa between the labeller's labels and the judge's own labels. */
  kappa: number;
  /** Judge answers whose own label was outside the label set (left out of kappa). */
  judgeLabelsUnrecognised: number;
  /** Where gold labels exist for judged items: how far to trust the judge, and the labeller on gold. */
  gold?: {
    items: number;
    judgeAgreesWithGold: Interval;
    judgeKappaWithGold: number;
    labellerAccuracyOnGold: Interval;
    /** The judge's verdict matches whether the label equals gold. */
    verdictAccuracyOnGold: Interval;
  };
}

export interface JudgeReportInfo {
  judgedTask: string;
  labeller: string;
  judge: string;
  stratify: "label" | "none";
  sampled: number;
  /** How many of the labeller's labels each class has: the population the sample was drawn from. */
  population: Readonly<Record<string, number>>;
}

export function buildJudgeReport(items: readonly JudgedItem[], info: JudgeReportInfo): JudgeReport {
  const { population, ...rest } = info;
  const byClass = accuracyByClass(
    items.map((item) => ({ label: item.label, correct: item.verdict === "correct" })),
  );
  const populationTotal = Object.values(population).reduce((sum, count) => sum + count, 0);
  const perClass = byClass.perClass.map((row) => {
    const size = population[row.label] ?? 0;
    return { ...row, population: size, share: populationTotal > 0 ? size / populationTotal : 0 };
  });
  const weighted = stratifiedAccuracy(
    perClass.map((row) => ({ population: row.population, n: row.n, correct: row.correct })),
  );
  const accuracy: JudgeReport["accuracy"] = {
    overall:
      info.stratify === "label"
        ? { ...weighted, weighting: "population-share" }
        : {
            accuracy: byClass.overall.accuracy,
            weighting: "uniform-sample",
            effectiveN: byClass.overall.n,
            coverage: 1,
          },
    pooled: byClass.overall,
    perClass,
  };
  const recognised = items.filter((item) => item.judgeLabel !== undefined);
  const report: JudgeReport = {
    ...rest,
    judged: items.length,
    accuracy,
    kappa: cohensKappa(recognised.map((item) => [item.label, item.judgeLabel as string] as const)),
    judgeLabelsUnrecognised: items.length - recognised.length,
  };
  const withGold = items.filter((item) => item.gold !== undefined);
  if (withGold.length > 0) {
    const judgeAgrees = withGold.filter((item) => item.judgeLabel === item.gold).length;
    const labellerRight = withGold.filter((item) => item.label === item.gold).length;
    const verdictRight = withGold.filter(
      (item) => (item.verdict === "correct") === (item.label === item.gold),
    ).length;
    report.gold = {
      items: withGold.length,
      judgeAgreesWithGold: wilsonInterval(judgeAgrees, withGold.length),
      judgeKappaWithGold: cohensKappa(
        withGold.map((item) => [item.gold as string, item.judgeLabel ?? "?"] as const),
      ),
      labellerAccuracyOnGold: wilsonInterval(labellerRight, withGold.length),
      verdictAccuracyOnGold: wilsonInterval(verdictRight, withGold.length),
    };
  }
  return report;
}

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;
const interval = (value: Interval): string =>
  `${percent(value.estimate)} [${percent(value.low)}, ${percent(value.high)}]`;

function overallRows(accuracy: JudgeReport["accuracy"]): string[] {
  const { overall, pooled } = accuracy;
  const pooledRow = `| ${pooled.correct} / ${pooled.n} | ${interval(pooled.accuracy)} |`;
  if (overall.weighting === "uniform-sample") return [`| **all** (uniform sample) | 100% ${pooledRow}`];
  const covered = overall.coverage < 1 ? ` of the ${percent(overall.coverage)} judged` : "";
  return [
    `| **all, weighted by share${covered}** | 100% | effective n ${overall.effectiveN.toFixed(0)} | ${interval(overall.accuracy)} |`,
    `| all, pooled (unweighted) | – ${pooledRow}`,
  ];
}

export function renderJudgeReportMarkdown(report: JudgeReport): string {
  const lines = [
    `# Judge report: ${report.judgedTask}`,
    "",
    `Labeller \`${report.labeller}\`, judged by \`${report.judge}\`; ${report.judged} of ${report.sampled} sampled items judged (${report.stratify === "none" ? "uniform sample" : `stratified by ${report.stratify}`}).`,
    "",
    "| class | share of labels | correct / n | accuracy [Wilson 95%] |",
    "|---|---|---|---|",
    ...report.accuracy.perClass.map(
      (row) =>
        `| ${row.label} | ${percent(row.share)} | ${row.correct} / ${row.n} | ${interval(row.accuracy)} |`,
    ),
    ...overallRows(report.accuracy),
    "",
    ...(report.accuracy.overall.weighting === "population-share"
      ? [
          "The weighted figure counts each class by its share of the labeller's labels, so it estimates the " +
            "accuracy over all of them; the pooled figure counts each judged item once, which over-weights " +
            "the classes the stratified sample took more heavily than their share.",
          "",
        ]
      : []),
    `Cohen's kappa, labeller vs judge labels: ${report.kappa.toFixed(3)}` +
      (report.judgeLabelsUnrecognised > 0
        ? ` (${report.judgeLabelsUnrecognised} judge labels outside the label set left out)`
        : ""),
  ];
  if (report.gold) {
    lines.push(
      "",
      `## Against gold (${report.gold.items} items)`,
      "",
      `- judge's own label agrees with gold: ${interval(report.gold.judgeAgreesWithGold)}, kappa ${report.gold.judgeKappaWithGold.toFixed(3)}`,
      `- judge's verdict right about the labeller: ${interval(report.gold.verdictAccuracyOnGold)}`,
      `- labeller's accuracy on gold: ${interval(report.gold.labellerAccuracyOnGold)}`,
    );
  } else {
    lines.push("", "No gold labels for the judged items: the judge's own accuracy is not measured.");
  }
  return `${lines.join("\n")}\n`;
}
