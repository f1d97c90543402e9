import type { HighlightResult, HighlightSpan, SkillTypeRow } from "../../student/predictors.ts";
import { getJson, postJson } from "./api.ts";
import { whileBusy } from "./busy.ts";
import { byId, downloadFile, element } from "./dom.ts";
import { formatScore } from "./format.ts";
import { type HighlightPiece, highlightTree, spansByCategory } from "./highlight-tree.ts";
import {
  highlightsToCsv,
  highlightsToText,
  parseSkillList,
  skillsToCsv,
  skillsToText,
} from "./result-files.ts";
import { wireScreenSection } from "./screen-section.ts";

/** The main page: highlight an advert by category, and type a list of skills as hard or soft. */

interface Category {
  id: string;
  name: string;
  definition: string;
  color: string;
}

const fallbackColor = "#e9ecef";

const state: {
  categories: Category[];
  result?: HighlightResult;
  shown: Set<string>;
  /** Spans scored below this are left out of the view (not out of the downloads). */
  minScore: number;
  skills?: SkillTypeRow[];
} = { categories: [], shown: new Set(), minScore: 0.3 };

function visibleSpans(result: HighlightResult): HighlightSpan[] {
  return result.spans.filter((span) => span.score >= state.minScore);
}

function categoryOf(id: string): Category {
  return (
    state.categories.find((category) => category.id === id) ?? {
      id,
      name: id,
      definition: "",
      color: fallbackColor,
    }
  );
}

function swatch(color: string): HTMLElement {
  return element("span", {
    className: "swatch",
    attrs: { "aria-hidden": "true" },
    style: { backgroundColor: color },
  });
}

function nodesFor(pieces: readonly HighlightPiece[]): Node[] {
  return pieces.map((piece) => {
    if (typeof piece === "string") return document.createTextNode(piece);
    const category = categoryOf(piece.span.category);
    const attrs: Record<string, string> = {
      "data-category": piece.span.category,
      title: `${category.name} · score ${formatScore(piece.span.score)}`,
    };
    // One stop per span for the keyboard and screen readers: the later pieces of a span cut by a
    // crossing one are drawn, not announced again.
    if (piece.continued) attrs["data-continued"] = "true";
    else {
      // A mark may not carry a name; a group may ("Hard skills: Python, highlight").
      attrs.role = "group";
      attrs["aria-roledescription"] = "highlight";
      attrs.tabindex = "-1";
      attrs["aria-label"] = `${category.name}: ${piece.span.text}`;
    }
    return element(
      "mark",
      { className: "hl", attrs, style: { backgroundColor: category.color } },
      nodesFor(piece.children),
    );
  });
}

/** The highlights in reading order (outer before inner), one per span: the keyboard's stops. */
function highlightStops(): HTMLElement[] {
  return [...byId("advert").querySelectorAll<HTMLElement>("mark.hl:not([data-continued])")];
}

/** Roving tabindex: the advert is one Tab stop, the arrow keys move between its highlights. */
function makeCurrentStop(stops: readonly HTMLElement[], current: HTMLElement | undefined): void {
  for (const stop of stops) stop.tabIndex = stop === current ? 0 : -1;
}

function moveBetweenHighlights(event: KeyboardEvent): void {
  const stops = highlightStops();
  const at = stops.indexOf(event.target as HTMLElement);
  if (at === -1 || event.altKey || event.ctrlKey || event.metaKey) return;
  const moves: Record<string, number> = {
    ArrowRight: at + 1,
    ArrowDown: at + 1,
    ArrowLeft: at - 1,
    ArrowUp: at - 1,
    Home: 0,
    End: stops.length - 1,
  };
  const target = moves[event.key];
  if (target === undefined) return;
  event.preventDefault();
  const next = stops[Math.max(0, Math.min(stops.length - 1, target))];
  makeCurrentStop(stops, next);
  next?.focus();
}

function renderAdvert(result: HighlightResult): void {
  byId("advert").replaceChildren(...nodesFor(highlightTree(result.text, visibleSpans(result), state.shown)));
  const stops = highlightStops();
  makeCurrentStop(stops, stops[0]);
}

function renderLegend(result: HighlightResult): void {
  const counts = new Map<string, number>();
  for (const span of visibleSpans(result)) counts.set(span.category, (counts.get(span.category) ?? 0) + 1);
  const buttons = state.categories.map((category) => {
    const count = counts.get(category.id) ?? 0;
    const pressed = state.shown.has(category.id);
    const button = element(
      "button",
      {
        className: "chip",
        attrs: {
          type: "button",
          "aria-pressed": String(pressed),
          "data-category": category.id,
          title: `${category.definition}\n(click to ${pressed ? "hide" : "show"})`,
        },
      },
      [
        swatch(category.color),
        element("span", { text: category.name }),
        element("span", { className: "count", text: String(count) }),
      ],
    );
    button.addEventListener("click", () => {
      if (state.shown.has(category.id)) state.shown.delete(category.id);
      else state.shown.add(category.id);
      renderResult();
      byId("legend")
        .querySelector<HTMLButtonElement>(`button[data-category="${CSS.escape(category.id)}"]`)
        ?.focus();
    });
    return button;
  });
  byId("legend").replaceChildren(...buttons);
}

/** Every category's definition, readable without hovering (in a disclosure under the legend). */
function renderDefinitions(): void {
  byId("definitions").replaceChildren(
    ...state.categories.flatMap((category) => [
      element("dt", { attrs: { "data-category": category.id } }, [swatch(category.color), category.name]),
      element("dd", { text: category.definition || "No definition given." }),
    ]),
  );
}

function renderSideList(result: HighlightResult): void {
  const groups = spansByCategory(
    visibleSpans(result),
    state.categories.map((category) => category.id),
  );
  const sections = [...groups].flatMap(([id, spans]) => {
    if (spans.length === 0 || !state.shown.has(id)) return [];
    const category = categoryOf(id);
    return [
      element("section", { className: "group", attrs: { "data-category": id } }, [
        element("h3", {}, [
          swatch(category.color),
          category.name,
          element("span", { className: "count", text: String(spans.length) }),
        ]),
        element(
          "ul",
          {},
          spans.map((span) =>
            element("li", {}, [
              element("span", { className: "span-text", text: span.text }),
              element("span", { className: "score", text: formatScore(span.score) }),
            ]),
          ),
        ),
      ]),
    ];
  });
  byId("side-list").replaceChildren(
    ...(sections.length > 0
      ? sections
      : [element("p", { className: "muted", text: "Nothing highlighted in the categories shown." })]),
  );
}

function renderResult(): void {
  const result = state.result;
  if (!result) return;
  byId("result").hidden = false;
  renderLegend(result);
  renderAdvert(result);
  renderSideList(result);
  byId("result-summary").textContent =
    `${result.spans.length} highlights in ${result.text.length.toLocaleString()} characters`;
}

async function highlight(): Promise<void> {
  const text = byId<HTMLTextAreaElement>("advert-text").value;
  if (text.trim() === "") {
    byId("status").textContent = "Paste an advert or upload a file first.";
    return;
  }
  const format = byId<HTMLSelectElement>("advert-format").value === "html" ? "html" : "text";
  const result = await whileBusy(
    byId("status"),
    "Highlighting…",
    [byId<HTMLButtonElement>("highlight-button")],
    () => postJson<HighlightResult>("/v1/highlight", { text, format }),
  );
  if (!result) return;
  for (const span of result.spans) {
    if (!state.categories.some((category) => category.id === span.category)) {
      state.categories.push({ id: span.category, name: span.category, definition: "", color: fallbackColor });
      state.shown.add(span.category);
    }
  }
  state.result = { text: result.text, spans: result.spans };
  renderDefinitions();
  renderResult();
  byId("result").scrollIntoView({ block: "start" });
}

function renderSkills(rows: readonly SkillTypeRow[]): void {
  const counts = { Hard: 0, Soft: 0, Unknown: 0 };
  for (const row of rows) counts[row.label]++;
  byId("skills-summary").textContent = `${counts.Hard} hard, ${counts.Soft} soft, ${counts.Unknown} unknown`;
  byId("skills-body").replaceChildren(
    ...rows.map((row) =>
      element("tr", {}, [
        element("td", { text: row.skill }),
        element("td", {}, [
          element("span", { className: `badge ${row.label.toLowerCase()}`, text: row.label }),
        ]),
        element("td", { className: "number", text: formatScore(row.confidence) }),
        element("td", { text: row.source }),
      ]),
    ),
  );
  byId("skills-result").hidden = false;
}

async function typeSkills(): Promise<void> {
  const skills = parseSkillList(byId<HTMLTextAreaElement>("skills-text").value);
  if (skills.length === 0) {
    byId("skills-status").textContent = "Enter at least one skill (one per line) or upload a CSV.";
    return;
  }
  const response = await whileBusy(
    byId("skills-status"),
    `Typing ${skills.length} skills…`,
    [byId<HTMLButtonElement>("skills-button")],
    () => postJson<{ rows: SkillTypeRow[] }>("/v1/skills/type", { skills }),
  );
  if (!response) return;
  state.skills = response.rows;
  renderSkills(response.rows);
}

async function loadFileInto(input: HTMLInputElement, target: HTMLTextAreaElement): Promise<File | undefined> {
  const file = input.files?.[0];
  if (!file) return undefined;
  target.value = await file.text();
  return file;
}

function wireDownloads(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-download]")) {
    button.addEventListener("click", () => {
      const [what, kind] = (button.dataset.download ?? "").split(":");
      if (what === "highlights" && state.result) {
        const result = state.result;
        if (kind === "json")
          downloadFile("highlights.json", "application/json", `${JSON.stringify(result, null, 2)}\n`);
        if (kind === "csv")
          downloadFile(
            "highlights.csv",
            "text/csv",
            highlightsToCsv(result, (id) => categoryOf(id).name),
          );
        if (kind === "txt")
          downloadFile("highlights.txt", "text/plain", highlightsToText(result, state.categories));
      }
      if (what === "skills" && state.skills) {
        const rows = state.skills;
        if (kind === "json")
          downloadFile("skills.json", "application/json", `${JSON.stringify(rows, null, 2)}\n`);
        if (kind === "csv") downloadFile("skills.csv", "text/csv", skillsToCsv(rows));
        if (kind === "txt") downloadFile("skills.txt", "text/plain", skillsToText(rows));
      }
    });
  }
}

async function start(): Promise<void> {
  const advertText = byId<HTMLTextAreaElement>("advert-text");
  byId("highlight-button").addEventListener("click", () => void highlight());
  advertText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void highlight();
  });
  byId<HTMLInputElement>("advert-file").addEventListener("change", async (event) => {
    const file = await loadFileInto(event.target as HTMLInputElement, advertText);
    if (!file) return;
    const isHtml = /\.html?$/i.test(file.name) || file.type === "text/html";
    byId<HTMLSelectElement>("advert-format").value = isHtml ? "html" : "text";
    await highlight();
  });
  byId("skills-button").addEventListener("click", () => void typeSkills());
  byId<HTMLInputElement>("skills-file").addEventListener("change", async (event) => {
    if (await loadFileInto(event.target as HTMLInputElement, byId<HTMLTextAreaElement>("skills-text")))
      await typeSkills();
  });
  wireDownloads();
  wireScreenSection();
  const minScore = byId<HTMLInputElement>("min-score");
  minScore.value = String(state.minScore);
  byId("min-score-value").textContent = formatScore(state.minScore);
  minScore.addEventListener("input", () => {
    state.minScore = Number(minScore.value);
    byId("min-score-value").textContent = formatScore(state.minScore);
    renderResult();
  });
  const loaded = await whileBusy(byId("status"), "Loading categories…", [], () =>
    getJson<{ categories: Category[] }>("/v1/categories"),
  );
  state.categories = loaded?.categories ?? [];
  state.shown = new Set(state.categories.map((category) => category.id));
  renderDefinitions();
  // The side list scrolls on its own (it stays in view beside a long advert), and a scrolling box
  // with nothing focusable in it must take focus itself, or the keyboard cannot scroll it.
  byId("side").tabIndex = 0;
  const advert = byId("advert");
  advert.addEventListener("keydown", moveBetweenHighlights);
  advert.addEventListener("focusin", (event) => {
    const stops = highlightStops();
    if (stops.includes(event.target as HTMLElement)) makeCurrentStop(stops, event.target as HTMLElement);
  });
  document.body.dataset.ready = "true";
}

void start();
