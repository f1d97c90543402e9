import {
  accuracyByClass,
  type ClassAccuracy,
  cohensKappa,
  type Interval,
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
  /** The labeller's accuracy as the judge sees it (verdict "correct"), with Wilson 95% intervals. */
  accuracy: { overall: ClassAccuracy; perClass: ClassAccuracy[] };
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

export function buildJudgeReport(
  items: readonly JudgedItem[],
  info: { judgedTask: string; labeller: string; judge: string; stratify: string; sampled: number },
): JudgeReport {
  const accuracy = accuracyByClass(
    items.map((item) => ({ label: item.label, correct: item.verdict === "correct" })),
  );
  const recognised = items.filter((item) => item.judgeLabel !== undefined);
  const report: JudgeReport = {
    ...info,
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

export function renderJudgeReportMarkdown(report: JudgeReport): string {
  const lines = [
    `# Judge report: ${report.judgedTask}`,
    "",
    `Labeller \`${report.labeller}\`, judged by \`${report.judge}\`; ${report.judged} of ${report.sampled} sampled items judged (stratified by ${report.stratify}).`,
    "",
    "| class | correct / n | accuracy [Wilson 95%] |",
    "|---|---|---|",
    ...report.accuracy.perClass.map(
      (row) => `| ${row.label} | ${row.correct} / ${row.n} | ${interval(row.accuracy)} |`,
    ),
    `| **all** | ${report.accuracy.overall.correct} / ${report.accuracy.overall.n} | ${interval(report.accuracy.overall.accuracy)} |`,
    "",
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
