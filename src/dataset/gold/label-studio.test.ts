import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { loadDemoCorpus } from "../../tasks/requirements/demo-corpus.ts";
import { labelledText } from "../document-text.ts";
import { selectAnnotations } from "../select-annotations.ts";
import { importDemoGold } from "./demo-gold.ts";
import { exportLabelStudio } from "./label-studio-export.ts";
import { importLabelStudio } from "./label-studio-import.ts";

let dir: string;
let workspace: Workspace;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-ls-"));
  workspace = openWorkspace(join(dir, "ws"));
});
afterEach(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const spanKeys = (ws: Workspace, source: string): Record<string, string[]> =>
  Object.fromEntries(
    selectAnnotations(ws, { task: "requirements", source }).documents.map((entry) => [
      entry.document.id,
      entry.spans.map((span) => `${span.start}:${span.end}:${span.label}:${span.text}`),
    ]),
  );

describe("importDemoGold", () => {
  it("stores every demo advert with gold spans that point into its (HTML-reduced) text", () => {
    const summary = importDemoGold(workspace);
    const adverts = loadDemoCorpus();
    expect(summary).toMatchObject({ adverts: adverts.length, documentsInserted: adverts.length });
    expect(summary.spans).toBe(adverts.reduce((sum, advert) => sum + advert.annotations.length, 0));
    const html = adverts.find((advert) => advert.format === "html");
    expect(workspace.documents.get(html?.id ?? "")?.format).toBe("html");
    for (const annotation of workspace.annotations.list({ task: "requirements", sourceName: "demo" })) {
      const document = workspace.documents.get(annotation.documentId);
      const text = document ? labelledText(document) : "";
      for (const span of annotation.payload.spans ?? [])
        expect(text.slice(span.start, span.end)).toBe(span.text);
    }
    expect(importDemoGold(workspace)).toMatchObject({
      documentsInserted: 0,
      documentsExisting: adverts.length,
    });
    expect(workspace.annotations.count({ task: "requirements" })).toBe(adverts.length);
  });
});

describe("Label Studio", () => {
  it("exports predictions with a matching labeling config, and a reviewed export imports back to the same spans", () => {
    importDemoGold(workspace);
    const out = join(dir, "review.json");
    const summary = exportLabelStudio(workspace, { task: "requirements", source: "gold", out });
    expect(summary.tasks).toBe(loadDemoCorpus().length);
    const config = readFileSync(summary.configPath, "utf8");
    expect(config).toContain('<Labels name="label" toName="text">');
    expect(config).toContain('<Label value="hard_skills" background="#');
    expect(config).toContain('<Text name="text" value="$text"/>');
    const tasks = JSON.parse(readFileSync(out, "utf8"));
    const [first] = tasks;
    expect(first.predictions[0].model_version).toBe("gold:demo");
    expect(first.predictions[0].result[0]).toMatchObject({
      from_name: "label",
      to_name: "text",
      type: "labels",
    });
    for (const task of tasks) {
      for (const result of task.predictions[0].result) {
        expect(task.data.text.slice(result.value.start, result.value.end)).toBe(result.value.text);
      }
    }
    // A reviewer accepts every prediction: Label Studio exports them as annotations.
    const reviewed = tasks.map(
      (task: { data: unknown; predictions: { result: unknown[] }[] }, index: number) => ({
        id: index + 1,
        data: task.data,
        annotations: [{ id: index + 1, was_cancelled: false, result: task.predictions[0]?.result }],
      }),
    );
    const reviewedPath = join(dir, "reviewed.json");
    writeFileSync(reviewedPath, JSON.stringify(reviewed));

    const fresh = openWorkspace(join(dir, "fresh"));
    try {
      const imported = importLabelStudio(fresh, reviewedPath, { task: "requirements" });
      expect(imported).toMatchObject({ tasks: tasks.length, annotations: tasks.length, offsetMismatches: 0 });
      expect(spanKeys(fresh, "label-studio")).toEqual(spanKeys(workspace, "demo"));
    } finally {
      fresh.close();
    }
    const back = importLabelStudio(workspace, reviewedPath, { sourceKind: "human", sourceName: "reviewer" });
    expect(back).toMatchObject({ documentsInserted: 0, documentsExisting: tasks.length });
    expect(spanKeys(workspace, "reviewer")).toEqual(spanKeys(workspace, "demo"));
  });

  it("reads a Label Studio export: last uncancelled annotation, labels results only, problems counted", () => {
    const path = join(dir, "export.json");
    const text = "Python and a driving licence.";
    writeFileSync(
      path,
      JSON.stringify([
        {
          id: 7,
          data: { text },
          annotations: [
            {
              was_cancelled: false,
              result: [
                { type: "labels", value: { start: 0, end: 6, text: "Python", labels: ["hard_skills"] } },
              ],
            },
            {
              was_cancelled: false,
              result: [
                {
                  type: "labels",
                  value: { start: 0, end: 6, text: "Pyth", labels: ["hard_skills", "education"] },
                },
                { type: "choices", value: { choices: ["good"] } },
              ],
            },
            { was_cancelled: true, result: [] },
          ],
        },
        { id: 8, data: { text: "No labels here." }, annotations: [] },
        { id: 9, data: { html: "<p>x</p>" } },
      ]),
    );
    const summary = importLabelStudio(workspace, path);
    expect(summary).toMatchObject({
      tasks: 2,
      documentsInserted: 2,
      annotations: 1,
      spans: 2,
      unannotated: 1,
      offsetMismatches: 1,
      skippedResults: 1,
    });
    expect(summary.badTasks.map((bad) => bad.index)).toEqual([2]);
    const [annotation] = workspace.annotations.list({ documentId: "label-studio-7" });
    expect(annotation?.source).toEqual({ kind: "gold", name: "label-studio" });
    expect(annotation?.payload.spans?.map((span) => [span.label, span.text])).toEqual([
      ["hard_skills", "Python"],
      ["education", "Python"],
    ]);
  });
});
