import type { z } from "zod";
import type { RunSummary, runDetailResponseSchema } from "../../server/api-schemas.ts";
import { ApiError, getJson } from "./api.ts";
import { whileBusy } from "./busy.ts";
import { barChart, confusionTable, type LineSeries, lineChart } from "./charts.ts";
import { byId, element } from "./dom.ts";
import { formatCost, formatDuration, formatScore } from "./format.ts";

/** The runs page: every labelling, training and evaluation run, with cost, failures and plots. */

type RunDetail = z.infer<typeof runDetailResponseSchema>;
type LearningCurve = NonNullable<RunDetail["learningCurves"]>[number];

interface Category {
  id: string;
  name: string;
  color: string;
}

let categories: Category[] = [];

function nameOf(label: string): string {
  return categories.find((category) => category.id === label)?.name ?? label;
}

function colorOf(label: string): string | undefined {
  return categories.find((category) => category.id === label)?.color;
}

function runTitle(run: RunSummary): string {
  return [`#${run.id}`, run.kind, run.task, run.model].filter(Boolean).join(" · ");
}

function renderCostChart(runs: readonly RunSummary[]): void {
  const costly = runs.filter((run) => run.costUsd > 0);
  const holder = byId("cost-chart");
  if (costly.length === 0) {
    holder.replaceChildren(element("p", { className: "muted", text: "No run has spent anything yet." }));
    return;
  }
  holder.replaceChildren(
    barChart(
      costly.map((run) => ({
        label: [`#${run.id} ${run.kind}`, run.model].filter(Boolean).join(" · "),
        value: run.costUsd,
        // Dark enough for 3:1 against the card (a bar is a graphic that carries the figure).
        color: "#b35c00",
      })),
      { title: "Cost per run (USD)", formatValue: formatCost },
    ),
  );
}

async function showRun(id: number, options: { focus: boolean }): Promise<void> {
  const detail = await whileBusy(byId("status"), `Loading run ${id}…`, [], () =>
    getJson<RunDetail>(`/v1/runs/${id}`),
  );
  if (!detail) return;
  const { run, spend, charts } = detail;
  const parts: HTMLElement[] = [element("h2", { text: `Run ${runTitle(run)}` })];
  parts.push(
    element("dl", { className: "facts" }, [
      ...fact("Status", run.status),
      ...fact("Duration", formatDuration(run.durationMs)),
      ...fact(
        "Items",
        `${run.itemsDone} done, ${run.itemsSkipped} skipped, ${run.itemsFailed} failed of ${run.itemsTotal}`,
      ),
      ...fact("Failures", String(run.failures)),
      ...fact("Cost", formatCost(run.costUsd)),
      ...(run.f1 === undefined ? [] : fact("F1", formatScore(run.f1))),
      ...(run.error ? fact("Error", run.error) : []),
    ]),
  );
  if (spend.length > 0) {
    parts.push(element("h3", { text: "Spend per model" }));
    parts.push(
      element("div", { className: "table-scroll" }, [
        element("table", { className: "data" }, [
          element("thead", {}, [
            element(
              "tr",
              {},
              ["Provider", "Model", "Calls", "Tokens in", "Tokens out", "Cost"].map((text) =>
                element("th", { text, attrs: { scope: "col" } }),
              ),
            ),
          ]),
          element(
            "tbody",
            {},
            spend.map((row) =>
              element("tr", {}, [
                element("td", { text: row.provider }),
                element("td", { text: row.model }),
                element("td", { className: "number", text: row.calls.toLocaleString() }),
                element("td", { className: "number", text: row.tokensIn.toLocaleString() }),
                element("td", { className: "number", text: row.tokensOut.toLocaleString() }),
                element("td", { className: "number", text: formatCost(row.costUsd) }),
              ]),
            ),
          ),
        ]),
      ]),
    );
  }
  const figures: HTMLElement[] = [];
  if (charts.f1.length > 0) {
    figures.push(
      element("div", { className: "figure" }, [
        element("h3", { text: "F1 per category" }),
        barChart(
          charts.f1.map((row) => {
            const color = colorOf(row.label);
            return { label: nameOf(row.label), value: row.f1, ...(color ? { color: darker(color) } : {}) };
          }),
          { title: "F1 per category", maxValue: 1, formatValue: formatScore },
        ),
      ]),
    );
  }
  if (charts.confusion) {
    figures.push(
      element("div", { className: "figure" }, [
        element("h3", { text: "Confusion matrix" }),
        confusionTable(charts.confusion, nameOf),
      ]),
    );
  }
  if (detail.learningCurves && detail.learningCurves.length > 0)
    figures.push(learningCurveFigure(detail.learningCurves));
  if (figures.length > 0) parts.push(element("div", { className: "figures" }, figures));
  if (Object.keys(run.params).length > 0) {
    parts.push(
      element("details", {}, [
        element("summary", { text: "Parameters" }),
        element("pre", { text: JSON.stringify(run.params, null, 2) }),
      ]),
    );
  }
  if (run.report !== undefined) {
    parts.push(
      element("details", {}, [
        element("summary", { text: "Full report (JSON)" }),
        element("pre", { text: JSON.stringify(run.report, null, 2) }),
      ]),
    );
  }
  const holder = byId("run-detail");
  holder.replaceChildren(...parts);
  holder.hidden = false;
  if (options.focus) holder.focus();
}

/** Line colours with at least 3:1 against the white card, and dashes so no series is told by colour alone. */
const curveStyles = [
  { color: "#3b5bdb", dash: "" },
  { color: "#b35c00", dash: "6 4" },
  { color: "#2b8a3e", dash: "2 3" },
  { color: "#862e9c", dash: "8 3 2 3" },
  { color: "#495057", dash: "1 4" },
] as const;

const curveName = (curve: LearningCurve, index: number): string =>
  `${index === 0 ? "this job" : `job ${curve.job.slice(0, 6)}`}: ${curve.strategy}, seed ${curve.seed}`;

/** An active-learning job's learning curve (F1 against documents labelled) beside its task's other jobs, with the figures as a table. */
function learningCurveFigure(curves: readonly LearningCurve[]): HTMLElement {
  const shown = curves.slice(0, curveStyles.length);
  const series: LineSeries[] = shown.map((curve, index) => {
    const style = curveStyles[index] ?? curveStyles[0];
    return {
      label: curveName(curve, index),
      color: style.color,
      ...(style.dash ? { dash: style.dash } : {}),
      points: curve.points.flatMap((point) =>
        point.f1 === undefined ? [] : [{ x: point.documentsLabelled, y: point.f1 }],
      ),
    };
  });
  const metric = shown[0]?.metric ?? "F1";
  const rows = shown.flatMap((curve, index) =>
    curve.points.map((point) =>
      element("tr", {}, [
        element("td", { text: curveName(curve, index) }),
        element("td", { className: "number", text: String(point.round) }),
        element("td", { className: "number", text: point.documentsLabelled.toLocaleString() }),
        element("td", { className: "number", text: point.f1 === undefined ? "—" : formatScore(point.f1) }),
        element("td", { className: "number", text: `#${point.runId}` }),
      ]),
    ),
  );
  return element("div", { className: "figure learning-curve" }, [
    element("h3", { text: "Learning curve" }),
    element("p", {
      className: "muted",
      text: `${metric} on held-out gold against documents labelled, round by round.`,
    }),
    lineChart(series, {
      title: `Learning curve: ${metric} against documents labelled`,
      xLabel: "documents labelled",
      yLabel: metric,
      formatX: (value) => Math.round(value).toLocaleString(),
      formatY: formatScore,
      maxY: 1,
    }),
    element("div", { className: "table-scroll" }, [
      element("table", { className: "data" }, [
        element("thead", {}, [
          element(
            "tr",
            {},
            ["Job", "Round", "Documents", "F1", "Run"].map((text) =>
              element("th", { text, attrs: { scope: "col" } }),
            ),
          ),
        ]),
        element("tbody", {}, rows),
      ]),
    ]),
  ]);
}

/** Highlight colours are pale backgrounds; bars need more ink to read as bars (3:1 on white for each). */
function darker(hex: string): string {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match?.[1]) return hex;
  const value = Number.parseInt(match[1], 16);
  const channel = (shift: number) => Math.round(((value >> shift) & 0xff) * 0.55);
  return `rgb(${channel(16)}, ${channel(8)}, ${channel(0)})`;
}

function fact(term: string, description: string): HTMLElement[] {
  return [element("dt", { text: term }), element("dd", { text: description })];
}

function renderRuns(runs: readonly RunSummary[]): void {
  const rows = runs.map((run) => {
    const open = element("button", {
      className: "link",
      text: `#${run.id}`,
      attrs: { type: "button", "aria-label": `Show run ${run.id}` },
    });
    open.addEventListener("click", () => void showRun(run.id, { focus: true }));
    return element("tr", { className: `status-${run.status}` }, [
      element("td", {}, [open]),
      element("td", { text: run.kind }),
      element("td", { text: run.task ?? "—" }),
      element("td", { text: [run.provider, run.model].filter(Boolean).join(" / ") || "—" }),
      element("td", {}, [element("span", { className: `badge ${run.status}`, text: run.status })]),
      element("td", { text: new Date(run.startedAt).toLocaleString() }),
      element("td", { className: "number", text: formatDuration(run.durationMs) }),
      element("td", { className: "number", text: `${run.itemsDone}/${run.itemsTotal}` }),
      element("td", { className: "number", text: String(run.failures) }),
      element("td", { className: "number", text: formatCost(run.costUsd) }),
      element("td", { className: "number", text: run.f1 === undefined ? "—" : formatScore(run.f1) }),
    ]);
  });
  byId("runs-body").replaceChildren(...rows);
  byId("runs-count").textContent = `${runs.length} run${runs.length === 1 ? "" : "s"}`;
}

async function start(): Promise<void> {
  const status = byId("status");
  const loaded = await whileBusy(status, "Loading runs…", [], async () => {
    const [legend, list] = await Promise.all([
      getJson<{ categories: Category[] }>("/v1/categories"),
      getJson<{ runs: RunSummary[] }>("/v1/runs").catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "no_workspace") return undefined;
        throw error;
      }),
    ]);
    categories = legend.categories;
    return list;
  });
  if (loaded === undefined) {
    if (!status.classList.contains("error")) {
      status.textContent =
        "This server has no workspace, so there are no runs to show (start it with --workspace DIR).";
    }
  } else {
    renderRuns(loaded.runs);
    renderCostChart(loaded.runs);
    const first = loaded.runs[0];
    if (first) await showRun(first.id, { focus: false });
  }
  document.body.dataset.ready = "true";
}

void start();
