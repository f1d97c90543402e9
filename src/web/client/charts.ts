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

/** An SVG chart named for screen readers (role img, aria-label) with its title as tooltip. */
function chartRoot(width: number, height: number, title: string, className: string): SVGSVGElement {
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": title,
    class: className,
  });
  chart.append(svg("title", {}, title));
  return chart;
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
  const chart = chartRoot(width, height, options.title, "bar-chart");
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

export interface LineSeries {
  label: string;
  points: readonly { x: number; y: number }[];
  color: string;
  /** SVG stroke-dasharray, so series differ by more than colour. */
  dash?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  formatX: (value: number) => string;
  formatY: (value: number) => string;
  /** The top of the y axis (default: the largest y). */
  maxY?: number;
}

/** Lines over a shared x axis (a learning curve: F1 against labels bought), a marker per point with its value as tooltip. */
export function lineChart(series: readonly LineSeries[], options: LineChartOptions): SVGSVGElement {
  const left = 48;
  const right = 16;
  const top = 12;
  const plotWidth = 380;
  const plotHeight = 200;
  const legendHeight = 20 * series.length;
  const width = left + plotWidth + right;
  const height = top + plotHeight + 40 + legendHeight;
  const xs = series.flatMap((line) => line.points.map((point) => point.x));
  const maxX = Math.max(1, ...xs);
  const maxY = options.maxY ?? Math.max(0, ...series.flatMap((line) => line.points.map((point) => point.y)));
  const xOf = (value: number) => left + (value / maxX) * plotWidth;
  const yOf = (value: number) => top + plotHeight - (maxY > 0 ? (value / maxY) * plotHeight : 0);
  const chart = chartRoot(width, height, options.title, "bar-chart line-chart");
  const axis = { stroke: "#495057", "stroke-width": 1 };
  chart.append(
    svg("line", { x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, ...axis }),
    svg("line", { x1: left, y1: top, x2: left, y2: top + plotHeight, ...axis }),
  );
  for (const fraction of [0, 0.5, 1]) {
    const y = fraction * maxY;
    chart.append(
      svg(
        "text",
        { x: left - 6, y: yOf(y) + 4, "text-anchor": "end", class: "bar-label" },
        options.formatY(y),
      ),
    );
    const x = fraction * maxX;
    chart.append(
      svg(
        "text",
        { x: xOf(x), y: top + plotHeight + 16, "text-anchor": "middle", class: "bar-label" },
        options.formatX(x),
      ),
    );
  }
  chart.append(
    svg(
      "text",
      { x: left + plotWidth / 2, y: top + plotHeight + 32, "text-anchor": "middle", class: "bar-value" },
      `${options.xLabel} → · ↑ ${options.yLabel}`,
    ),
  );
  series.forEach((line, index) => {
    const group = svg("g", {});
    group.append(svg("title", {}, line.label));
    const sorted = [...line.points].sort((a, b) => a.x - b.x);
    group.append(
      svg("polyline", {
        points: sorted.map((point) => `${xOf(point.x).toFixed(1)},${yOf(point.y).toFixed(1)}`).join(" "),
        fill: "none",
        stroke: line.color,
        "stroke-width": 2,
        ...(line.dash ? { "stroke-dasharray": line.dash } : {}),
      }),
    );
    for (const point of sorted) {
      const marker = svg("circle", {
        cx: xOf(point.x).toFixed(1),
        cy: yOf(point.y).toFixed(1),
        r: 3.5,
        fill: line.color,
      });
      marker.append(
        svg(
          "title",
          {},
          `${line.label}: ${options.formatY(point.y)} at ${options.formatX(point.x)} ${options.xLabel}`,
        ),
      );
      group.append(marker);
    }
    const legendY = top + plotHeight + 48 + index * 20;
    group.append(
      svg("line", {
        x1: left,
        y1: legendY - 4,
        x2: left + 24,
        y2: legendY - 4,
        stroke: line.color,
        "stroke-width": 2,
        ...(line.dash ? { "stroke-dasharray": line.dash } : {}),
      }),
      svg("text", { x: left + 32, y: legendY, class: "bar-label" }, line.label),
    );
    chart.append(group);
  });
  return chart;
}
