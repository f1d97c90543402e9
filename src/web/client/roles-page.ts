import type { RoleSuggestions } from "../../core/roles.ts";
import type { RolesAdvice } from "../../workflows/roles-advice.ts";
import { formatRoleSuggestionsText, formatRolesAdviceText } from "../../workflows/roles-advice-text.ts";
import { postJson } from "./api.ts";
import { whileBusy } from "./busy.ts";
import { byId, downloadFile, element } from "./dom.ts";

/** The roles page: up to five skills and a current role in; the student's roles, or the advisor's cards, out. */

interface StudentAnswer {
  skills: string[];
  currentRole?: string;
  suggestions: RoleSuggestions;
}

type Shown = { kind: "student"; answer: StudentAnswer } | { kind: "advice"; answer: RolesAdvice };

const state: { shown?: Shown } = {};

const percent = (score: number): string => `${Math.round(score * 100)}%`;

function readForm(): { skills: string[]; currentRole?: string } | undefined {
  const skills = [1, 2, 3, 4, 5]
    .map((index) => byId<HTMLInputElement>(`skill-${index}`).value.trim())
    .filter((skill) => skill !== "");
  const currentRole = byId<HTMLInputElement>("current-role").value.trim();
  if (skills.length === 0) {
    const status = byId("roles-status");
    status.textContent = "Enter at least one skill.";
    status.className = "status error";
    return undefined;
  }
  return currentRole === "" ? { skills } : { skills, currentRole };
}

function currentRoleLine(
  suggestions: RoleSuggestions,
  currentRole: string | undefined,
): HTMLElement | undefined {
  if (!currentRole) return undefined;
  const match = suggestions.currentRole;
  return element("p", {
    className: "muted",
    text: match
      ? `Your current role “${currentRole}” is ${match.code} ${match.title}${match.confident ? "" : " (not a confident match)"}.`
      : `Your current role “${currentRole}” matched no occupation.`,
  });
}

function studentCards(answer: StudentAnswer): HTMLElement[] {
  return answer.suggestions.roles.map((role, index) =>
    element("article", { className: "role-card card", attrs: { "aria-label": role.title } }, [
      element("h3", { className: "role-title", text: `${index + 1}. ${role.title}` }),
      element("p", { className: "muted", text: `O*NET ${role.code} · score ${percent(role.score)}` }),
    ]),
  );
}

function skillTable(role: RolesAdvice["roles"][number]): HTMLElement {
  return element("div", { className: "table-scroll" }, [
    element("table", { className: "data skill-match" }, [
      element("caption", { className: "visually-hidden", text: `How your skills match ${role.title}` }),
      element("thead", {}, [
        element("tr", {}, [
          element("th", { text: "Skill", attrs: { scope: "col" } }),
          element("th", { text: "Match", attrs: { scope: "col" } }),
          element("th", { text: "Why", attrs: { scope: "col" } }),
        ]),
      ]),
      element(
        "tbody",
        {},
        role.skills.map((entry) =>
          element("tr", {}, [
            element("td", { text: entry.skill }),
            element("td", {}, [
              element("span", { className: `level level-${entry.level.toLowerCase()}`, text: entry.level }),
            ]),
            element("td", { text: entry.justification }),
          ]),
        ),
      ),
    ]),
  ]);
}

function adviceCards(advice: RolesAdvice): HTMLElement[] {
  return advice.roles.map((role, index) => {
    const facts = [
      role.origin === "kept" ? "kept from the student's roles" : "proposed by the advisor",
      role.score === undefined ? undefined : `score ${percent(role.score)}`,
      role.occupation ? `O*NET ${role.occupation.code} ${role.occupation.title}` : "no O*NET occupation",
    ].filter((fact): fact is string => fact !== undefined);
    return element("article", { className: "role-card card", attrs: { "aria-label": role.title } }, [
      element("h3", { className: "role-title", text: `${index + 1}. ${role.title}` }),
      element("p", { className: "muted", text: facts.join(" · ") }),
      ...(role.mapped
        ? []
        : [
            element("p", {
              className: "flag",
              text: "Not a confident O*NET match: treat this role with care.",
            }),
          ]),
      element("p", { text: role.description }),
      element("h4", { className: "role-section", text: "Skill match" }),
      element("p", { text: role.skillMatch }),
      skillTable(role),
      element("h4", { className: "role-section", text: "Development advice" }),
      element("p", { text: role.advice }),
    ]);
  });
}

function show(shown: Shown): void {
  state.shown = shown;
  const { answer } = shown;
  const cards = shown.kind === "student" ? studentCards(shown.answer) : adviceCards(shown.answer);
  const intro = currentRoleLine(answer.suggestions, answer.currentRole);
  byId("role-cards").replaceChildren(...(intro ? [intro] : []), ...cards);
  const flags = shown.kind === "advice" ? shown.answer.flags : [];
  byId("roles-flags").replaceChildren(
    ...(flags.length === 0
      ? []
      : [
          element("div", { className: "flags", attrs: { role: "note" } }, [
            element("strong", {
              text: `${flags.length} check${flags.length === 1 ? "" : "s"} the advisor's answer did not pass:`,
            }),
            element(
              "ul",
              {},
              flags.map((flag) => element("li", { text: flag.message })),
            ),
          ]),
        ]),
  );
  byId("roles-summary").textContent =
    shown.kind === "student"
      ? `${cards.length} roles from the student`
      : `${cards.length} roles analysed by ${shown.answer.advisor}` +
        (shown.answer.spend.cached ? " (from the cache)" : ` · $${shown.answer.spend.costUsd.toFixed(4)}`);
  byId("roles-result").hidden = false;
}

async function ask(kind: Shown["kind"]): Promise<void> {
  const query = readForm();
  if (!query) return;
  const buttons = [byId<HTMLButtonElement>("advise-button"), byId<HTMLButtonElement>("suggest-button")];
  if (kind === "student") {
    const answer = await whileBusy(byId("roles-status"), "Finding roles…", buttons, () =>
      postJson<StudentAnswer>("/v1/roles", query),
    );
    if (answer) show({ kind, answer });
    return;
  }
  const answer = await whileBusy(
    byId("roles-status"),
    "The advisor is analysing your skills (this can take a minute)…",
    buttons,
    () => postJson<RolesAdvice>("/v1/roles/advice", query),
  );
  if (answer) show({ kind, answer });
}

function download(kind: string): void {
  const shown = state.shown;
  if (!shown) return;
  if (kind === "json") {
    downloadFile("roles.json", "application/json", `${JSON.stringify(shown.answer, null, 2)}\n`);
  }
  if (kind === "txt") {
    const text =
      shown.kind === "advice"
        ? formatRolesAdviceText(shown.answer)
        : formatRoleSuggestionsText(shown.answer.suggestions, shown.answer);
    downloadFile("roles.txt", "text/plain", text);
  }
}

function start(): void {
  byId<HTMLFormElement>("roles-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void ask("advice");
  });
  byId("suggest-button").addEventListener("click", () => void ask("student"));
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-download]")) {
    button.addEventListener("click", () => download((button.dataset.download ?? "").split(":")[1] ?? ""));
  }
  document.body.dataset.ready = "true";
}

start();
