import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeEncoder } from "../../test/fake-encoder.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { openScreenModel, readScreenInputs, screenDocuments, trainScreenInWorkspace } from "./screen.ts";

const lines = {
  devops: [
    "Ran Kubernetes clusters on AWS.",
    "Wrote Terraform modules.",
    "Built CI pipelines.",
    "Tuned Prometheus alerts.",
  ],
  other: [
    "Cooked in a restaurant kitchen.",
    "Planned weekly menus.",
    "Cared for ward patients.",
    "Taught maths classes.",
  ],
} as const;

let dir: string;
let workspace: Workspace;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-screen-workflow-"));
  workspace = openWorkspace(join(dir, "ws"));
  const documents = (["devops", "other"] as const).flatMap((label) =>
    Array.from({ length: 25 }, (_, index) => ({
      id: `${label}-${index}`,
      text: [lines[label][index % 4], lines[label][(index + 2) % 4], `Team ${index} weekly report.`].join(
        "\n",
      ),
      meta: { label, synthetic: true },
    })),
  );
  workspace.documents.insertMany([
    ...documents,
    { id: "unlabelled", text: "No label here." },
    { id: "annotated", text: "Ran Kubernetes clusters on AWS.\nTeam 99 weekly report." },
    { id: "html", text: "<p>Another label.</p>", format: "html", meta: { label: "chef" } },
  ]);
  // A gold classify answer labels the document that has no meta.label; a teacher's does not override it.
  const classify = (kind: "gold" | "teacher", label: string) => ({
    documentId: "annotated",
    task: "classify",
    taskVersion: "1",
    source: { kind, name: kind === "gold" ? "hand" : "model" },
    payload: { labels: [label] },
  });
  workspace.annotations.insert(classify("gold", "devops"));
  workspace.annotations.insert(classify("teacher", "other"));
});
afterAll(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("trainScreenInWorkspace", () => {
  it("trains both students from meta.label, scores them on held-out documents, registers and records them", async () => {
    const encoder = fakeEncoder();
    const result = await trainScreenInWorkspace(workspace, {
      labels: ["devops", "other"],
      encoderInstance: encoder,
    });
    expect(result.documents).toEqual({ train: { devops: 21, other: 20 }, test: { devops: 5, other: 5 } });
    expect(result.labelledBy).toEqual({ meta: 50, classify: 1 });
    expect(result.skipped).toEqual({ "(none)": 1, chef: 1 });
    expect(result.students.map((student) => student.name)).toEqual(["screen-encoder", "screen-ngram"]);
    for (const student of result.students) {
      expect(student.test?.accuracy).toBe(1);
      expect(student.test?.rocAuc).toBe(1);
      expect(student.bytes).toBeGreaterThan(0);
    }
    expect(workspace.models.get("screen-encoder")).toMatchObject({
      task: "screen",
      kind: "screen-classifier",
    });
    expect(workspace.runs.get(result.runId)?.status).toBe("done");
    // The encoder student's chunk vectors went to the workspace's embedding cache.
    const model = await openScreenModel(workspace, "screen-encoder", { encoder });
    const batches = encoder.batches.length;
    const rows = await screenDocuments(model, [
      { id: "b", text: "Cooked in a restaurant kitchen.\nTeam 3 weekly report." },
      { id: "a", text: "Ran Kubernetes clusters on AWS.\nTeam 4 weekly report." },
    ]);
    expect(rows.map((row) => [row.rank, row.id, row.label])).toEqual([
      [1, "a", "devops"],
      [2, "b", "other"],
    ]);
    expect(encoder.batches.length).toBe(batches);
  });

  it("refuses labels no document carries", async () => {
    await expect(
      trainScreenInWorkspace(workspace, { labels: ["nurse", "pilot"], students: ["ngram"] }),
    ).rejects.toThrow(/no stored document is labelled nurse or pilot/);
    await expect(openScreenModel(workspace, "nope")).rejects.toThrow(/no screen model nope/);
  });
});

describe("screenDocuments and readScreenInputs", () => {
  it("reads CSV and JSONL rows by their id and text columns, and names rows without text", async () => {
    writeFileSync(join(dir, "people.csv"), 'id,resume\n7,"Ran Kubernetes clusters on AWS."\n8,\n');
    writeFileSync(
      join(dir, "people.jsonl"),
      '{"text":"<b>Planned</b> weekly menus.","format":"html"}\nnot json\n',
    );
    const { inputs, failures } = await readScreenInputs(
      [join(dir, "people.csv"), join(dir, "people.jsonl")],
      {},
    );
    expect(inputs).toEqual([
      { id: "7", text: "Ran Kubernetes clusters on AWS." },
      { id: `${join(dir, "people.jsonl")}:1`, text: "Planned weekly menus." },
    ]);
    expect(failures.map((failure) => failure.id)).toEqual(["8", `${join(dir, "people.jsonl")}:2`]);
  });

  it("applies the threshold before --top, ranking ties by id", async () => {
    const model = await openScreenModel(workspace, "screen-ngram");
    const inputs = [
      { id: "z", text: "Ran Kubernetes clusters on AWS." },
      { id: "y", text: "Ran Kubernetes clusters on AWS." },
      { id: "x", text: "Cooked in a restaurant kitchen." },
    ];
    const all = await screenDocuments(model, inputs);
    expect(all.map((row) => row.id)).toEqual(["y", "z", "x"]);
    const kept = await screenDocuments(model, inputs, { threshold: 0.5, top: 1 });
    expect(kept.map((row) => row.id)).toEqual(["y"]);
    expect(await screenDocuments(model, inputs, { threshold: 0.5 })).toHaveLength(2);
  });
});
