import type { DocumentsEvaluation, ScoreTable } from "./evaluate-students.ts";

/** One reference the students were scored against (gold, or the teacher for agreement). */
export interface ReferenceResult extends DocumentsEvaluation {
  reference: { kind: string; name: string };
  /** Which view of the reference, when it has more than one (SkillSpan: as published, or de-duplicated). */
  view?: string;
}

/** An evaluation run's report: stored with the run, written as JSON, rendered as Markdown. */
export interface StudentEvaluationReport {
  task: string;
  /** Which documents: a dataset split ("test", "dev") or "unseen" (not trained on). */
  split: string;
  /** The source asked for with `--against`; results[0] is scored against it. */
  against: string;
  models: string[];
  /** The dataset the students were trained from, when known. */
  dataset?: string;
  createdAt: string;
  results: ReferenceResult[];
}

const percent = (value: number): string => (value * 100).toFixed(1);

function scoreTableMarkdown(table: ScoreTable): string[] {
  const lines = ["| category | P | R | F1 | support | predicted |", "|---|---:|---:|---:|---:|---:|"];
  for (const row of table.rows) {
    lines.push(
      `| ${row.label} | ${percent(row.precision)} | ${percent(row.recall)} | ${percent(row.f1)} | ${row.support} | ${row.predicted} |`,
    );
  }
  const { micro, macro } = table;
  lines.push(
    `| *micro* | ${percent(micro.precision)} | ${percent(micro.recall)} | ${percent(micro.f1)} | ${micro.support} | ${micro.predicted} |`,
    `| *macro* | ${percent(macro.precision)} | ${percent(macro.recall)} | ${percent(macro.f1)} | | |`,
  );
  return lines;
}

function referenceName({ reference, view }: ReferenceResult): string {
  const name =
    reference.kind === "teacher"
      ? `teacher "${reference.name}" (agreement)`
      : `${reference.kind} "${reference.name}"`;
  return view === undefined ? name : `${name}, ${view}`;
}

/** The report as Markdown: a summary table of micro F1s, then per-category tables and the confusion matrix. */
export function renderStudentEvaluation(report: StudentEvaluationReport): string {
  const lines: string[] = [
    `# Evaluation: ${report.task} students on the ${report.split} documents`,
    "",
    `Models: ${report.models.join(", ")}${report.dataset ? ` · dataset ${report.dataset}` : ""} · ${report.createdAt}`,
    "",
    "| reference | documents | tagger strict F1 | tagger loose F1 | highlight strict F1 | highlight loose F1 | segment micro F1 |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const result of report.results) {
    const { tagger, highlight } = result.spans;
    lines.push(
      `| ${referenceName(result)} | ${result.documents} | ${percent(tagger.strict.micro.f1)} | ${percent(tagger.loose.micro.f1)} | ${highlight ? percent(highlight.strict.micro.f1) : "–"} | ${highlight ? percent(highlight.loose.micro.f1) : "–"} | ${result.segments ? percent(result.segments.micro.f1) : "–"} |`,
    );
  }
  for (const result of report.results) {
    const name = referenceName(result);
    lines.push("", `## Against ${name}`, "");
    const sections: [string, ScoreTable][] = [
      ["Tagger spans, strict (same start, end, category)", result.spans.tagger.strict],
      ["Tagger spans, loose (any overlap, same category)", result.spans.tagger.loose],
    ];
    if (result.spans.highlight) {
      sections.push(
        ["Highlights, strict", result.spans.highlight.strict],
        ["Highlights, loose", result.spans.highlight.loose],
      );
    }
    if (result.segments) sections.push(["Segments (multi-label)", result.segments]);
    for (const [title, table] of sections) lines.push(`### ${title}`, "", ...scoreTableMarkdown(table), "");
    if (result.segments) {
      const { confusion, segments, exactMatch } = result.segments;
      lines.push(
        `${segments} segments · exact-match ${percent(exactMatch)}%`,
        "",
        "### Segment confusion (rows: reference, columns: predicted)",
        "",
        `| reference \\ predicted | ${confusion.labels.join(" | ")} |`,
        `|---|${confusion.labels.map(() => "---:").join("|")}|`,
        ...confusion.labels.map(
          (label, row) => `| ${label} | ${(confusion.matrix[row] ?? []).join(" | ")} |`,
        ),
        "",
      );
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
