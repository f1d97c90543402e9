import { ApiError } from "./api.ts";
import { whileBusy } from "./busy.ts";
import { byId, downloadFile, element } from "./dom.ts";
import { formatScore } from "./format.ts";

/** One ranked row as `POST /v1/screen` answers it. */
interface ScreenRow {
  rank: number;
  id: string;
  score: number;
  label: string;
  sentences: { text: string; score: number }[];
}

interface ScreenAnswer {
  rows: ScreenRow[];
  failures: { id: string; reason: string }[];
  model: { labels: string[]; positiveLabel: string; student: string };
}

/** The last request's form, so "Download CSV" asks the server for the same ranking as CSV. */
let lastForm: FormData | undefined;

function screenForm(): FormData | undefined {
  const files = byId<HTMLInputElement>("screen-files").files;
  if (!files || files.length === 0) return undefined;
  const form = new FormData();
  for (const file of files) form.append("files", file);
  const threshold = byId<HTMLInputElement>("screen-threshold").value.trim();
  if (threshold !== "") form.append("threshold", threshold);
  return form;
}

async function postScreen(form: FormData, format: "json" | "csv"): Promise<Response> {
  const response = await fetch(`/v1/screen${format === "csv" ? "?format=csv" : ""}`, {
    method: "POST",
    body: form,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ApiError(
      body?.error?.message ?? `the server answered ${response.status}`,
      response.status,
      body?.error?.code ?? "http",
    );
  }
  return response;
}

function render(answer: ScreenAnswer): void {
  const { rows, failures, model } = answer;
  byId("screen-summary").textContent =
    `${rows.length} ranked by P(${model.positiveLabel}) (${model.student} student)` +
    (failures.length > 0 ? `; ${failures.length} unreadable` : "");
  byId("screen-body").replaceChildren(
    ...rows.map((row) =>
      element("tr", {}, [
        element("td", { className: "number", text: String(row.rank) }),
        element("td", { text: row.id }),
        element("td", { className: "number", text: formatScore(row.score) }),
        element("td", { text: row.label }),
        element("td", {}, [
          element(
            "ul",
            { className: "sentences" },
            row.sentences.map((sentence) => element("li", { text: sentence.text })),
          ),
        ]),
      ]),
    ),
  );
  byId("screen-failures").replaceChildren(
    ...failures.map((failure) =>
      element("li", {}, [element("strong", { text: failure.id }), `: ${failure.reason}`]),
    ),
  );
  byId("screen-result").hidden = false;
}

async function screen(): Promise<void> {
  const form = screenForm();
  if (!form) {
    byId("screen-status").textContent = "Choose one or more resumes (.txt, .md, .html, .pdf, .docx).";
    return;
  }
  const answer = await whileBusy(
    byId("screen-status"),
    "Screening…",
    [byId<HTMLButtonElement>("screen-button")],
    async () => (await (await postScreen(form, "json")).json()) as ScreenAnswer,
  );
  if (!answer) return;
  lastForm = form;
  render(answer);
}

async function downloadCsv(): Promise<void> {
  const form = lastForm;
  if (!form) return;
  const csv = await whileBusy(
    byId("screen-status"),
    "Preparing the CSV…",
    [byId<HTMLButtonElement>("screen-csv")],
    async () => (await postScreen(form, "csv")).text(),
  );
  if (csv !== undefined) downloadFile("ranked.csv", "text/csv", csv);
}

/** Wires the page's screening section: upload resumes, see them ranked, download the ranking as CSV. */
export function wireScreenSection(): void {
  byId("screen-button").addEventListener("click", () => void screen());
  byId("screen-csv").addEventListener("click", () => void downloadCsv());
}
