import type { ConfusionMatrix, F1Row } from "./api-schemas.ts";

/**
 * Finds what a runs page can plot in an evaluation report whose exact shape belongs to the
 * evaluator: per-label F1 rows, a headline F1, and a confusion matrix. Reports are searched
 * breadth-first (shallow first, keys in their order, into lists of objects too), so `strict` wins
 * over `loose` in a span-scorer report, a top-level `perLabel` wins over a nested one, and in a
 * `jobdistill eval` report the segment rows (beside their confusion matrix) win over the deeper
 * span scores.
 */
export interface ReportCharts {
  f1: F1Row[];
  headlineF1?: number;
  confusion?: ConfusionMatrix;
}

const perLabelKeys = new Set(["perLabel", "per_label", "perCategory", "per_category", "labels", "rows"]);
const confusionKeys = new Set(["confusion", "confusionMatrix", "confusion_matrix"]);
const maxDepth = 5;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Visits every object in the report, shallow ones first, with the object that holds it. */
function* breadthFirst(report: unknown): Generator<{ key: string; value: unknown; parent: Json }> {
  let level: Json[] = isRecord(report) ? [report] : [];
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const next: Json[] = [];
    for (const parent of level) {
      for (const [key, value] of Object.entries(parent)) {
        yield { key, value, parent };
        if (isRecord(value)) next.push(value);
        // Reports keep one result per reference in a list (`results: [{ … }]`).
        if (Array.isArray(value)) next.push(...value.filter(isRecord));
      }
    }
    level = next;
  }
}

function f1RowsOf(value: unknown): F1Row[] | undefined {
  if (Array.isArray(value)) {
    const rows = value.flatMap((item) => {
      if (!isRecord(item)) return [];
      const label = item.label ?? item.category ?? item.name;
      const f1 = finiteNumber(item.f1);
      return typeof label === "string" && f1 !== undefined ? [{ label, f1 }] : [];
    });
    return rows.length > 0 ? rows : undefined;
  }
  if (isRecord(value)) {
    const rows = Object.entries(value).flatMap(([label, counts]) => {
      const f1 = isRecord(counts) ? finiteNumber(counts.f1) : finiteNumber(counts);
      return f1 === undefined ? [] : [{ label, f1 }];
    });
    return rows.length > 0 ? rows : undefined;
  }
  return undefined;
}

function headlineOf(parent: Json): number | undefined {
  for (const key of ["micro", "overall", "macro"]) {
    const holder = parent[key];
    if (isRecord(holder) && finiteNumber(holder.f1) !== undefined) return finiteNumber(holder.f1);
  }
  return finiteNumber(parent.f1) ?? finiteNumber(parent.microF1) ?? finiteNumber(parent.macroF1);
}

function confusionOf(value: unknown): ConfusionMatrix | undefined {
  if (!isRecord(value)) return undefined;
  const labels = value.labels;
  const grid = value.counts ?? value.matrix;
  if (Array.isArray(labels) && Array.isArray(grid)) {
    if (!labels.every((label) => typeof label === "string")) return undefined;
    const counts = grid.map((row) => (Array.isArray(row) ? row.map((cell) => finiteNumber(cell) ?? 0) : []));
    if (counts.length !== labels.length || counts.some((row) => row.length !== labels.length))
      return undefined;
    return { labels: labels as string[], counts };
  }
  // Nested records: gold label → predicted label → count.
  const golds = Object.keys(value);
  if (golds.length === 0 || !golds.every((gold) => isRecord(value[gold]))) return undefined;
  const labelSet = new Set(golds);
  for (const gold of golds) for (const predicted of Object.keys(value[gold] as Json)) labelSet.add(predicted);
  const allLabels = [...labelSet];
  const counts = allLabels.map((gold) =>
    allLabels.map((predicted) => {
      const row = value[gold];
      return isRecord(row) ? (finiteNumber(row[predicted]) ?? 0) : 0;
    }),
  );
  return { labels: allLabels, counts };
}

export function reportCharts(report: unknown): ReportCharts {
  const charts: ReportCharts = { f1: [] };
  let headlineFromTop = isRecord(report) ? headlineOf(report) : undefined;
  for (const { key, value, parent } of breadthFirst(report)) {
    if (charts.f1.length === 0 && perLabelKeys.has(key)) {
      const rows = f1RowsOf(value);
      if (rows) {
        charts.f1 = rows;
        headlineFromTop ??= headlineOf(parent);
      }
    }
    if (charts.confusion === undefined && confusionKeys.has(key)) {
      const confusion = confusionOf(value);
      if (confusion) charts.confusion = confusion;
    }
  }
  if (headlineFromTop !== undefined) charts.headlineF1 = headlineFromTop;
  return charts;
}
