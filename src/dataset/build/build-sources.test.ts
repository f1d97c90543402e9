import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import type { Span } from "../../core/types.ts";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { importSkillSpanGold } from "../gold/skill-span-gold.ts";
import { buildDataset } from "./build-dataset.ts";
import { datasetSplits } from "./examples.ts";

let dir: string;
let workspace: Workspace;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-build-sources-"));
  workspace = openWorkspace(join(dir, "ws"));
});
afterEach(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

function span(text: string, quote: string, label: string, alignment: Span["alignment"], from = 0): Span {
  const start = text.indexOf(quote, from);
  return { start, end: start + quote.length, label, text: quote, alignment };
}

const stats = (exact: number, normalised: number, fuzzy: number, unaligned: number) => ({
  stats: { exact, normalised, fuzzy, unaligned, total: exact + normalised + fuzzy + unaligned },
});

describe("buildDataset from teacher annotations", () => {
  it("merges chunk annotations, counts alignment kinds and unaligned quotes, and drops spans whose offsets are wrong", () => {
    const text = "Senior engineer.\nWe need Python and SQL.\nFree lunch every day.\nGreat team spirit here.";
    workspace.documents.insert({ id: "a", text });
    workspace.documents.insert({
      id: "b",
      text: "<ul><li>Docker skills</li><li>Pension plan</li></ul>",
      format: "html",
    });
    const teacher = { kind: "teacher", name: "openai/gpt-x", version: "v1" } as const;
    const python = span(text, "Python", "hard_skills", "exact");
    workspace.annotations.insert({
      documentId: "a",
      task: "requirements",
      taskVersion: "v1",
      source: teacher,
      callKey: "call-a0",
      payload: {
        spans: [
          python,
          span(text, "SQL", "hard_skills", "normalised"),
          { ...python, start: 0, end: 6, text: "Python" },
        ],
        unaligned: [{ label: "benefits", quote: "gym membership", reason: "not in the text" }],
        data: stats(1, 1, 0, 1),
      },
    });
    workspace.annotations.insert({
      documentId: "a",
      task: "requirements",
      taskVersion: "v1",
      source: teacher,
      callKey: "call-a1",
      payload: {
        spans: [python, span(text, "Free lunch every day.", "benefits", "fuzzy")],
        data: stats(1, 0, 1, 0),
      },
    });
    workspace.annotations.insert({
      documentId: "b",
      task: "requirements",
      taskVersion: "v1",
      source: teacher,
      callKey: "call-b0",
      payload: { spans: [span("• Docker skills\n• Pension plan", "Docker", "hard_skills", "exact")] },
    });
    const report = buildDataset(workspace, { task: "requirements", out: join(dir, "out"), split: [1, 0, 0] });
    expect(report.source).toEqual({ kind: "teacher", name: "openai/gpt-x" });
    expect(report.alignment).toEqual({
      exact: 2,
      normalised: 1,
      fuzzy: 1,
      given: 0,
      unspecified: 0,
      unaligned: 1,
      total: 5,
      teacherStats: { exact: 2, normalised: 1, fuzzy: 1, unaligned: 1, total: 5 },
    });
    expect(report.dropped.invalidSpans).toBe(1);
    const hard = report.categories.find((category) => category.id === "hard_skills");
    expect(hard?.bySplit.train.spans).toBe(3);
    const segments = readFileSync(join(dir, "out", "segments.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(segments.map((segment) => [segment.text, segment.labels])).toEqual([
      ["Senior engineer.", []],
      ["We need Python and SQL.", ["hard_skills"]],
      ["Free lunch every day.", ["benefits"]],
      ["Great team spirit here.", []],
      ["Docker skills", ["hard_skills"]],
      ["Pension plan", []],
    ]);
    expect(readFileSync(join(dir, "out", "report.md"), "utf8")).toContain("Teacher calls' own counts");

    workspace.annotations.insert({
      documentId: "a",
      task: "requirements",
      taskVersion: "v1",
      source: { kind: "teacher", name: "ollama/other" },
      callKey: "call-other",
      payload: { spans: [python] },
    });
    expect(() => buildDataset(workspace, { task: "requirements", out: join(dir, "out2") })).toThrow(
      /choose one with --source: ollama\/other, openai\/gpt-x/,
    );
    const other = buildDataset(workspace, {
      task: "requirements",
      source: "ollama/other",
      out: join(dir, "out2"),
    });
    expect(other.alignment.exact).toBe(1);
  });
});

describe("buildDataset for SkillSpan gold (task skills)", () => {
  it("writes each sentence with SkillSpan's own tokens and one typed column per layer", () => {
    const path = join(dir, "skillspan_tech_dev.conll");
    writeFileSync(
      path,
      "Strong\tB-Skill\tO\nC++\tI-Skill\tB-Knowledge\nskills.\tI-Skill\tO\n\nTeam\tO\tO\n\n",
    );
    importSkillSpanGold(workspace, [path]);
    buildDataset(workspace, {
      task: "skills",
      out: join(dir, "skills"),
      split: [1, 0, 0],
      splitBy: "random",
    });
    // The whole file, written by hand from the input above: each sentence is its own document.
    expect(readFileSync(join(dir, "skills", "conll", "train.conll"), "utf8")).toBe(
      [
        "-DOCSTART-\tO\tO",
        "",
        "Strong\tB-skill\tO",
        "C++\tI-skill\tB-knowledge",
        "skills.\tI-skill\tO",
        "",
        "-DOCSTART-\tO\tO",
        "",
        "Team\tO\tO",
        "",
        "",
      ].join("\n"),
    );
  });
});

describe("CoNLL export of a hand-made advert", () => {
  it("writes the BIO file a reader would write by hand: one column per layer, B after B for adjacent spans", () => {
    const text = "We need Python, machine learning and Go Rust.\nFree lunch every day.";
    workspace.documents.insert({ id: "advert", text });
    const given = (quote: string, label: string) => span(text, quote, label, "given");
    workspace.annotations.insert({
      documentId: "advert",
      task: "requirements",
      taskVersion: "1",
      source: { kind: "gold", name: "hand" },
      payload: {
        spans: [
          given("Python", "hard_skills"),
          given("machine learning", "hard_skills"),
          given("Go", "hard_skills"),
          given("Rust", "hard_skills"),
          given("Free lunch", "benefits"),
        ],
      },
    });
    const out = join(dir, "hand");
    const report = buildDataset(workspace, {
      task: "requirements",
      out,
      split: [1, 0, 0],
      layers: ["hard_skills", "benefits"],
    });
    expect(readFileSync(join(out, "conll", "train.conll"), "utf8")).toBe(
      [
        "-DOCSTART-\tO\tO",
        "",
        "We\tO\tO",
        "need\tO\tO",
        "Python\tB-hard_skills\tO",
        ",\tO\tO",
        "machine\tB-hard_skills\tO",
        "learning\tI-hard_skills\tO",
        "and\tO\tO",
        "Go\tB-hard_skills\tO",
        "Rust\tB-hard_skills\tO",
        ".\tO\tO",
        "",
        "Free\tO\tB-benefits",
        "lunch\tO\tI-benefits",
        "every\tO\tO",
        "day\tO\tO",
        ".\tO\tO",
        "",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(out, "conll", "dev.conll"), "utf8")).toBe("");
    const chunks = (id: string) => report.categories.find((category) => category.id === id)?.bySplit.train;
    expect(chunks("hard_skills")?.conllChunks).toBe(4);
    expect(chunks("benefits")?.conllChunks).toBe(1);
  });
});

describe("splits a dataset as its documents give it (SkillSpan's official splits)", () => {
  const sentence = (word: string): string => `${word}\tB-Skill\tO\nskills\tI-Skill\tO\n\n`;
  it("keeps each file's split by default, and splits at random only when told", () => {
    const files = {
      "skillspan_house_train.conll": ["Teamwork", "Patience"],
      "dev.json": [],
      "test.json": [],
    };
    writeFileSync(
      join(dir, "skillspan_house_train.conll"),
      files["skillspan_house_train.conll"].map(sentence).join(""),
    );
    writeFileSync(join(dir, "skillspan_tech_dev.conll"), sentence("Python"));
    writeFileSync(join(dir, "skillspan_tech_test.conll"), sentence("Welding") + sentence("Payroll"));
    importSkillSpanGold(
      workspace,
      ["train", "dev", "test"].map((split) =>
        join(dir, `skillspan_${split === "train" ? "house" : "tech"}_${split}.conll`),
      ),
    );
    const given = buildDataset(workspace, { task: "skills", out: join(dir, "given") });
    expect(given.options.splitBy).toBe("given");
    expect(given.documents).toEqual({ train: 2, dev: 1, test: 2 });
    expect(readFileSync(join(dir, "given", "conll", "dev.conll"), "utf8")).toContain("Python\tB-skill");
    const random = buildDataset(workspace, {
      task: "skills",
      out: join(dir, "random"),
      splitBy: "random",
      split: [1, 0, 0],
    });
    expect(random.options.splitBy).toBe("random");
    expect(random.documents).toEqual({ train: 5, dev: 0, test: 0 });
  });

  it("falls back to a random split when some document names none, and refuses 'given' then", () => {
    writeFileSync(join(dir, "skillspan_tech_dev.conll"), sentence("Python"));
    importSkillSpanGold(workspace, [join(dir, "skillspan_tech_dev.conll")]);
    const text = "Teamwork matters.";
    workspace.documents.insert({ id: "advert-1", text, source: "test" });
    workspace.annotations.insert({
      documentId: "advert-1",
      task: "skills",
      taskVersion: "1",
      source: { kind: "gold", name: "skillspan" },
      payload: { spans: [{ start: 0, end: 8, label: "skill", text: "Teamwork" }] },
    });
    const auto = buildDataset(workspace, { task: "skills", out: join(dir, "auto"), split: [1, 0, 0] });
    expect(auto.options.splitBy).toBe("random");
    expect(() => buildDataset(workspace, { task: "skills", out: join(dir, "g"), splitBy: "given" })).toThrow(
      /1 of 2 do not/,
    );
  });
});

describeWithShared("SkillSpan dev as a dataset", "data/skillspan/json/dev.json", (path) => {
  it("keeps every stored span: CoNLL chunks per layer equal the spans per layer in every split", () => {
    importSkillSpanGold(workspace, [path]);
    const report = buildDataset(workspace, { task: "skills", out: join(dir, "dev"), source: "skillspan" });
    const stored: Record<string, number> = { skill: 0, knowledge: 0 };
    for (const annotation of workspace.annotations.list({ task: "skills" })) {
      for (const entry of annotation.payload.spans ?? [])
        stored[entry.label] = (stored[entry.label] ?? 0) + 1;
    }
    // SkillSpan dev's 1,070 skill and 1,093 knowledge spans, less the 4 knowledge spans of sentences
    // that repeat an earlier one (identical sentences share a document); the loop below must see
    // both layers.
    expect(stored).toEqual({ skill: 1070, knowledge: 1089 });
    expect(report.categories.map((category) => category.id).sort()).toEqual(["knowledge", "skill"]);
    for (const category of report.categories) {
      let spans = 0;
      for (const split of datasetSplits) {
        expect(category.bySplit[split].conllChunks).toBe(category.bySplit[split].spans);
        spans += category.bySplit[split].spans;
      }
      expect(spans).toBe(stored[category.id]);
    }
    expect(report.documents.train + report.documents.dev + report.documents.test).toBe(
      workspace.documents.count(),
    );
  }, 60_000);
});
