import type { ConfusionMatrix } from "../../server/api-schemas.ts";
import { element } from "./dom.ts";

/** Small inline-SVG and table plots for the runs page; every label is set as text. */

const svgNamespace = "http://www.w3.org/2000/svg";

function svg<Tag extends keyof SVGElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[Tag] {
  const node = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface BarRow {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartOptions {
  /** Read out by screen readers and shown as the chart's tooltip. */
  title: string;
  /** The value of a full-width bar (default: the largest value). */
  maxValue?: number;
  formatValue: (value: number) => string;
}

/** Horizontal bars, one row per label, value printed at the end of each bar. */
export function barChart(rows: readonly BarRow[], options: BarChartOptions): SVGSVGElement {
  const labelWidth = 170;
  const barWidth = 300;
  const valueWidth = 70;
  const rowHeight = 24;
  const width = labelWidth + barWidth + valueWidth;
  const height = Math.max(rowHeight, rows.length * rowHeight) + 4;
  const maxValue = options.maxValue ?? Math.max(0, ...rows.map((row) => row.value));
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": options.title,
    class: "bar-chart",
  });
  chart.append(svg("title", {}, options.title));
  rows.forEach((row, index) => {
    const y = index * rowHeight + 2;
    const length = maxValue > 0 ? Math.max(1, (row.value / maxValue) * barWidth) : 1;
    const group = svg("g", {});
    group.append(
      svg("title", {}, `${row.label}: ${options.formatValue(row.value)}`),
      svg(
        "text",
        { x: labelWidth - 8, y: y + rowHeight / 2 + 4, "text-anchor": "end", class: "bar-label" },
        row.label,
      ),
      svg("rect", {
        x: labelWidth,
        y: y + 3,
        width: length.toFixed(1),
        height: rowHeight - 6,
        rx: 3,
        fill: row.color ?? "#3b5bdb",
      }),
      svg(
        "text",
        { x: labelWidth + length + 6, y: y + rowHeight / 2 + 4, class: "bar-value" },
        options.formatValue(row.value),
      ),
    );
    chart.append(group);
  });
  return chart;
}

/**
 * A confusion matrix as a table (gold rows, predicted columns) whose cells are shaded by their
 * share of the row, so the diagonal stands out and off-diagonal mass is easy to spot.
 */
export function confusionTable(matrix: ConfusionMatrix, nameOf: (label: string) => string): HTMLTableElement {
  const head = element("tr", {}, [
    element("th", { text: "gold ↓ / predicted →", attrs: { scope: "col" } }),
    ...matrix.labels.map((label) => element("th", { text: nameOf(label), attrs: { scope: "col" } })),
  ]);
  const body = matrix.labels.map((gold, rowIndex) => {
    const row = matrix.counts[rowIndex] ?? [];
    const rowTotal = row.reduce((sum, count) => sum + count, 0);
    return element("tr", {}, [
      element("th", { text: nameOf(gold), attrs: { scope: "row" } }),
      ...row.map((count, columnIndex) => {
        const share = rowTotal > 0 ? count / rowTotal : 0;
        const hue = columnIndex === rowIndex ? "34, 139, 230" : "240, 62, 62";
        const title = `${nameOf(gold)} → ${nameOf(matrix.labels[columnIndex] ?? "")}: ${count}`;
        if (count === 0) return element("td", { text: "0", className: "zero", attrs: { title } });
        return element("td", {
          text: String(count),
          className: share > 0.55 ? "strong" : "",
          attrs: { title },
          // At most 60% of the hue over the white card, so the dark text keeps 4.5:1 on every cell.
          style: { backgroundColor: `rgba(${hue}, ${(0.08 + share * 0.52).toFixed(2)})` },
        });
      }),
    ]);
  });
  return element("table", { className: "confusion" }, [
    element("thead", {}, [head]),
    element("tbody", {}, body),
  ]);
}
