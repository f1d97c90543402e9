import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import type { SourceDocument } from "../../core/types.ts";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { buildDocumentDataset, type DocumentExample } from "./build-document-dataset.ts";
import { documentDatasetReportSchema } from "./document-report.ts";
import { textKey } from "./examples.ts";

const fixedNow = new Date("2026-01-02T03:04:05Z");

/** What `generate` stores: one document per item, its provenance in meta. */
const generated = (label: string, index: number): SourceDocument => ({
  id: `gen-${label}-${index}`,
  text: `Resume ${index}: ${label === "devops" ? "ran Kubernetes and Terraform" : "cooked and planned menus"} for ${index} years.`,
  source: "generate:abc123",
  meta: {
    synthetic: true,
    label,
    cell: { seniority: index % 2 === 0 ? "senior" : "junior", format: "prose" },
    model: "gpt-test",
    provider: "openai",
    promptVersion: "generate-v1",
    specHash: "abc123",
    index,
  },
});

let dir: string;
let workspace: Workspace;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-doc-dataset-"));
  workspace = openWorkspace(join(dir, "ws"));
  workspace.documents.insertMany([
    ...Array.from({ length: 20 }, (_, index) => generated("devops", index)),
    ...Array.from({ length: 20 }, (_, index) => generated("other", index)),
    // Imported resumes labelled by classify annotations, not by meta.
    ...Array.from({ length: 10 }, (_, index) => ({
      id: `real-${index}`,
      text: `<p>Real resume ${index}, "quoted", with a comma.</p>`,
      format: "html" as const,
      source: `resumes/real-${index}.html`,
    })),
    { id: "multi", text: "Both things at once." },
    { id: "unlabelled", text: "No label here." },
    { id: "chef", text: "Head chef.", meta: { label: "chef" } },
    { id: "empty", text: "   ", meta: { label: "devops" } },
  ]);
  for (let index = 0; index < 10; index++) {
    workspace.annotations.insert({
      documentId: `real-${index}`,
      task: "classify",
      taskVersion: "1",
      source: { kind: "gold", name: "hand" },
      payload: { labels: [index < 4 ? "devops" : "other"] },
    });
  }
  // A teacher's single-label answer does not override the gold one; a multi-label answer is no label.
  workspace.annotations.insert({
    documentId: "real-0",
    task: "classify",
    taskVersion: "1",
    source: { kind: "teacher", name: "model" },
    payload: { labels: ["other"] },
  });
  workspace.annotations.insert({
    documentId: "multi",
    task: "classify",
    taskVersion: "1",
    source: { kind: "teacher", name: "model" },
    payload: { labels: ["devops", "other"] },
  });
});
afterAll(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const readJsonl = (path: string): DocumentExample[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as DocumentExample);

describe("buildDocumentDataset", () => {
  it("writes labelled documents with provenance, split per label, in three formats, with counts", async () => {
    const out = join(dir, "screen");
    const report = buildDocumentDataset(workspace, {
      task: "screen",
      labels: ["devops", "other"],
      out,
      now: fixedNow,
    });
    expect(
      documentDatasetReportSchema.parse(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))),
    ).toEqual(report);
    // 24 devops (20 generated + 4 gold classify) and 26 other (20 + 6); 0.8/0.1/0.1 per label.
    expect(report.byLabel).toEqual({
      devops: { train: 19, dev: 2, test: 3 },
      other: { train: 21, dev: 3, test: 2 },
    });
    expect(report.documents).toEqual({ train: 40, dev: 5, test: 5 });
    expect(
      report.bySource.synthetic.train + report.bySource.synthetic.dev + report.bySource.synthetic.test,
    ).toBe(40);
    expect(
      report.bySource.imported.train + report.bySource.imported.dev + report.bySource.imported.test,
    ).toBe(10);
    expect(report.labelledBy).toEqual({ meta: 40, classify: 10 });
    expect(report.skipped).toEqual({ "(none)": 2, chef: 1 });
    expect(report.dropped).toEqual({ crossSplitDocuments: 0, emptyText: 1 });
    expect(report.options).toEqual({
      seed: 13,
      split: [0.8, 0.1, 0.1],
      splitBy: "random",
      labels: ["devops", "other"],
    });

    const rows = readJsonl(join(out, "documents.jsonl"));
    expect(rows).toHaveLength(50);
    // Same keys in the same order on every line: what Hugging Face `datasets` expects of JSONL.
    const keys = [
      "id",
      "text",
      "label",
      "split",
      "synthetic",
      "labelled_by",
      "source",
      "cell",
      "model",
      "prompt_version",
    ];
    for (const row of rows) expect(Object.keys(row)).toEqual(keys);
    expect(rows.find((row) => row.id === "gen-devops-2")).toMatchObject({
      label: "devops",
      synthetic: true,
      labelled_by: "meta",
      source: "generate:abc123",
      cell: JSON.stringify({ seniority: "senior", format: "prose" }),
      model: "gpt-test",
      prompt_version: "generate-v1",
    });
    // The gold classify answer wins over the teacher's; HTML is written as its readable text.
    expect(rows.find((row) => row.id === "real-0")).toMatchObject({
      label: "devops",
      synthetic: false,
      labelled_by: "classify",
      text: 'Real resume 0, "quoted", with a comma.',
      cell: "",
      model: "",
    });
    const csv = parse(readFileSync(join(out, "documents.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((row) => [row.id, row.text, row.label, row.split, row.synthetic])).toEqual(
      rows.map((row) => [row.id, row.text, row.label, row.split, String(row.synthetic)]),
    );
    const parquet = await parquetReadObjects({
      file: await asyncBufferFromFile(join(out, "documents.parquet")),
    });
    expect(parquet).toEqual(rows);
    const markdown = readFileSync(join(out, "report.md"), "utf8");
    expect(markdown).toContain("| label devops | 19 | 2 | 3 |");
    expect(markdown).toContain("| synthetic |");
    expect(markdown).toContain("chef 1");

    // The same seed gives the same split; without --labels every label found is kept.
    const again = buildDocumentDataset(workspace, {
      task: "classify",
      out: join(dir, "classify"),
      now: fixedNow,
    });
    expect(again.labels).toEqual(["chef", "devops", "other"]);
    expect(again.skipped).toEqual({ "(none)": 2 });
    const againRows = readJsonl(join(dir, "classify", "documents.jsonl"));
    const splitOf = new Map(againRows.map((row) => [row.id, row.split]));
    for (const row of rows) expect(splitOf.get(row.id)).toBe(row.split);
  });

  it("never puts one text in two splits, and lists what it left out", () => {
    const ws = openWorkspace(join(dir, "dupes"));
    try {
      // 30 copies of one resume among 30 distinct ones (the store keeps one of each exact text, so whitespace varies).
      ws.documents.insertMany([
        ...Array.from({ length: 30 }, (_, index) => ({
          id: `copy-${String(index).padStart(2, "0")}`,
          text: `Same${" ".repeat(index + 1)}resume\ntext.`,
          meta: { label: "devops", synthetic: true },
        })),
        ...Array.from({ length: 30 }, (_, index) => ({
          id: `own-${index}`,
          text: `Resume ${index}.`,
          meta: { label: "other" },
        })),
      ]);
      const out = join(dir, "dupes-out");
      const report = buildDocumentDataset(ws, { task: "screen", out, now: fixedNow });
      const rows = readJsonl(join(out, "documents.jsonl"));
      const splitsOfText = new Map<string, Set<string>>();
      for (const row of rows) {
        const splits = splitsOfText.get(textKey(row.text)) ?? new Set();
        splits.add(row.split);
        splitsOfText.set(textKey(row.text), splits);
      }
      for (const splits of splitsOfText.values()) expect(splits.size).toBe(1);
      // The copies split 24/3/3 by the fractions: train keeps its 24, dev's and test's 6 are dropped.
      expect(report.dropped.crossSplitDocuments).toBe(6);
      expect(report.byLabel.devops).toEqual({ train: 24, dev: 0, test: 0 });
      expect(rows).toHaveLength(54);
      const dropped = readFileSync(join(out, "dropped-documents.jsonl"), "utf8").trim().split("\n");
      expect(dropped).toHaveLength(6);
      expect(JSON.parse(dropped[0] ?? "{}")).toMatchObject({ label: "devops", reason: "text-in-train" });
    } finally {
      ws.close();
    }
  });

  it("keeps the documents' own splits when every one names one", () => {
    const ws = openWorkspace(join(dir, "given"));
    try {
      ws.documents.insertMany(
        ["train", "validation", "test", "train"].map((split, index) => ({
          id: `d${index}`,
          text: `Resume ${index}.`,
          meta: { label: index % 2 === 0 ? "a" : "b", split },
        })),
      );
      const report = buildDocumentDataset(ws, { task: "screen", out: join(dir, "given-out"), now: fixedNow });
      expect(report.options.splitBy).toBe("given");
      expect(report.documents).toEqual({ train: 2, dev: 1, test: 1 });
    } finally {
      ws.close();
    }
  });

  it("refuses with a clear message when no document has a label, or for a span task", () => {
    const ws = openWorkspace(join(dir, "none"));
    try {
      ws.documents.insertMany([{ id: "x", text: "No label." }]);
      expect(() => buildDocumentDataset(ws, { task: "screen", out: join(dir, "none-out") })).toThrow(
        UsageError,
      );
      expect(() => buildDocumentDataset(ws, { task: "screen", out: join(dir, "none-out") })).toThrow(
        /no stored document is labelled \(meta.label or a single-label classify annotation; 1 documents stored\)/,
      );
    } finally {
      ws.close();
    }
    expect(() =>
      buildDocumentDataset(workspace, { task: "screen", labels: ["nurse"], out: join(dir, "n") }),
    ).toThrow(/no stored document is labelled nurse/);
    expect(() => buildDocumentDataset(workspace, { task: "requirements", out: join(dir, "r") })).toThrow(
      /not a document task/,
    );
  });
});
