import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScriptedGenerator } from "../../test/scripted-generator.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { type GenerationSpecInput, parseGenerationSpec } from "../tasks/generate/index.ts";
import { FakeLanguageModel } from "../teacher/index.ts";
import { generateDocuments, generationReportOf, loadGenerationSpec } from "./generate.ts";

const seedText =
  "Platform engineer who ran Kubernetes clusters across three regions, wrote Terraform for every account, " +
  "cut deployment time from hours to minutes with GitOps and led an on-call rotation of eight engineers.";

const specInput = (overrides: Partial<GenerationSpecInput> = {}): GenerationSpecInput => ({
  document: "resume",
  count: 12,
  labels: {
    devops: { description: "resumes of senior DevOps engineers", seeds: ["devops.txt"] },
    other: { description: "resumes for other roles" },
  },
  grid: { seniority: ["junior", "senior"], format: ["sectioned", "prose"] },
  words: { min: 20, max: 400 },
  ...overrides,
});
const spec = (overrides: Partial<GenerationSpecInput> = {}) =>
  parseGenerationSpec(specInput(overrides), { where: "test", readSeed: () => seedText });

const limits = { concurrency: 4, maxRetries: 0, maxRepairs: 1 };

describe("generateDocuments", () => {
  let dir: string;
  let workspace: Workspace;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-generate-"));
    workspace = openWorkspace(dir);
  });
  afterEach(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gates planted near-duplicates and seed copies, tops up to balance, and stores documents with provenance", async () => {
    const generator = createScriptedGenerator({ nearDuplicateRate: 0.2, seedCopyRate: 0.2, words: 150 });
    const model = new FakeLanguageModel({
      modelId: "gen",
      fallback: (request) => JSON.stringify(generator.write(request.messages)),
    });
    const result = await generateDocuments(workspace, {
      spec: spec({ topUp: { maxRounds: 8 } }),
      model,
      limits,
    });
    const report = result.report;
    if (report === undefined) throw new Error("no report");
    expect(report.balanced).toBe(true);
    expect(report.stoppedBy).toBe("balanced");
    expect(report.labels.map((label) => [label.label, label.accepted, label.target])).toEqual([
      ["devops", 12, 12],
      ["other", 12, 12],
    ]);
    expect(report.rounds.length).toBeGreaterThan(1);

    // Every planted item is caught for what it is, and nothing else is rejected.
    const planted = [...generator.planted];
    const byReason = (reason: string) =>
      report.rejected
        .filter((item) => item.reason === reason)
        .map((item) => item.itemId)
        .sort();
    expect(byReason("seed-copy")).toEqual(
      planted
        .filter(([, kind]) => kind === "seed-copy")
        .map(([id]) => id)
        .sort(),
    );
    expect(byReason("near-duplicate")).toEqual(
      planted
        .filter(([, kind]) => kind === "near-duplicate")
        .map(([id]) => id)
        .sort(),
    );
    expect(report.gates.seedCopies).toBeGreaterThan(0);
    expect(report.gates.nearDuplicates).toBeGreaterThan(0);
    expect(report.gates.checked).toBe(model.calls.length);
    expect(report.topUpCalls).toBe(report.gates.seedCopies + report.gates.nearDuplicates);

    const documents = [...workspace.documents.iterate()];
    expect(documents).toHaveLength(24);
    const first = documents.find(
      (document) => document.meta?.label === "devops" && document.meta?.index === 0,
    );
    expect(first?.meta).toEqual({
      synthetic: true,
      label: "devops",
      cell: expect.objectContaining({ seniority: expect.any(String), format: expect.any(String) }),
      model: "gen",
      provider: "fake",
      promptVersion: 1,
      taskVersion: expect.any(String),
      specHash: report.specHash,
      index: 0,
    });
    // Accepted documents spread over the cells.
    // Top-ups go to the cells left short, so the accepted documents are spread evenly too.
    for (const label of report.labels) expect(Object.values(label.cells.accepted)).toEqual([3, 3, 3, 3]);

    // One ledger row for the whole generation, its report readable back.
    const runs = workspace.runs.list({ kind: "generate" });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe("done");
    expect(runs[0]?.itemsDone).toBe(model.calls.length);
    expect(generationReportOf(runs[0]?.report)?.gates.seedCopies).toBe(report.gates.seedCopies);

    // A rerun calls nothing, reaches the same verdicts and stores nothing twice.
    const calls = model.calls.length;
    const again = await generateDocuments(workspace, {
      spec: spec({ topUp: { maxRounds: 8 } }),
      model,
      limits,
    });
    expect(model.calls.length).toBe(calls);
    expect(again.report?.gates).toEqual(report.gates);
    expect(again.report?.stored).toEqual({
      inserted: 0,
      alreadyStored: 24,
      sameTextElsewhere: 0,
      idConflicts: 0,
    });
    expect(workspace.documents.count()).toBe(24);
  });

  it("rejects items that near-duplicate synthetic documents another spec stored", async () => {
    const generator = createScriptedGenerator({ words: 80 });
    const model = new FakeLanguageModel({
      fallback: (request) => JSON.stringify(generator.write(request.messages)),
    });
    const first = await generateDocuments(workspace, { spec: spec({ count: 4 }), model, limits });
    expect(first.report?.gates.earlierDocuments).toBe(0);
    // Another description, so another spec hash; the scripted generator writes the same texts again.
    const other = spec({
      count: 4,
      labels: { devops: { description: "resumes of DevOps engineers", seeds: ["devops.txt"] } },
      topUp: { maxRounds: 0 },
    });
    const second = await generateDocuments(workspace, { spec: other, model, limits });
    expect(second.report?.gates).toMatchObject({ earlierDocuments: 8, nearDuplicates: 4, accepted: 0 });
    expect(second.report?.rejected[0]?.detail).toMatch(/^near-duplicate of synthetic-devops-0-/);
    // Its own documents are not held against a rerun of the same spec.
    const again = await generateDocuments(workspace, { spec: spec({ count: 4 }), model, limits });
    expect(again.report?.gates).toMatchObject({ earlierDocuments: 0, accepted: 8 });
  });

  it("stops topping up at the round cap, and at the call cap", async () => {
    const sameText = `${"the same resume again ".repeat(10)}`;
    const model = new FakeLanguageModel({ fallback: JSON.stringify({ text: sameText }) });
    const capped = await generateDocuments(workspace, {
      spec: spec({
        count: 5,
        labels: { devops: { description: "d" } },
        topUp: { maxRounds: 2, maxCalls: 100 },
      }),
      model,
      limits,
    });
    expect(capped.report?.stoppedBy).toBe("max-rounds");
    expect(capped.report?.balanced).toBe(false);
    expect(capped.report?.rounds.map((round) => round.items)).toEqual([5, 4, 4]);
    expect(capped.report?.labels[0]).toMatchObject({ accepted: 1, short: 4, planned: 13 });
    expect(model.calls).toHaveLength(13);

    const byCalls = await generateDocuments(workspace, {
      spec: spec({
        count: 5,
        labels: { other: { description: "o" } },
        topUp: { maxRounds: 10, maxCalls: 6 },
      }),
      model,
      limits,
    });
    expect(byCalls.report?.stoppedBy).toBe("max-calls");
    expect(byCalls.report?.topUpCalls).toBe(6);
    // The text is the first generation's stored document too, so nothing is accepted: 5 + 5 + 1.
    expect(byCalls.report?.rounds.map((round) => round.items)).toEqual([5, 5, 1]);
    expect(byCalls.report?.gates).toMatchObject({ earlierDocuments: 1, accepted: 0 });
  });

  it("does not top up after failed calls (a rerun retries them)", async () => {
    const model = new FakeLanguageModel({ fallback: JSON.stringify({ text: "too short" }) });
    const result = await generateDocuments(workspace, {
      spec: spec({ count: 3, labels: { devops: { description: "d" } } }),
      model,
      limits,
    });
    expect(result.report?.stoppedBy).toBe("failed");
    expect(result.report?.gates.failed).toBe(3);
    expect(result.report?.rounds).toHaveLength(1);
    expect(model.calls).toHaveLength(6);
    expect(
      model.calls.filter((call) => JSON.stringify(call.messages).includes("write at least 20")),
    ).toHaveLength(3);
  });

  it("estimates a dry run's first pass, and calls nothing", async () => {
    const model = new FakeLanguageModel({ modelId: "gpt-4o-mini", provider: "openai" });
    const result = await generateDocuments(workspace, { spec: spec(), model, dryRun: true });
    expect(result.estimate).toMatchObject({ items: 24, cached: 0, toDo: 24 });
    expect(result.estimate?.costUsd).toBeGreaterThan(0);
    expect(result.estimate?.cells.devops).toEqual({
      "seniority=junior, format=sectioned": 3,
      "seniority=junior, format=prose": 3,
      "seniority=senior, format=sectioned": 3,
      "seniority=senior, format=prose": 3,
    });
    expect(model.calls).toHaveLength(0);
    expect(workspace.runs.list()).toHaveLength(0);
  });

  it("reads a YAML spec with seed paths relative to it, and names a bad field", () => {
    writeFileSync(join(dir, "devops.txt"), seedText);
    writeFileSync(
      join(dir, "spec.yaml"),
      "count: 4\nlabels:\n  devops:\n    description: DevOps resumes\n    seeds: [devops.txt]\ngrid:\n  seniority: [junior, senior]\n",
    );
    const loaded = loadGenerationSpec(join(dir, "spec.yaml"));
    expect(loaded.labels[0]?.seeds[0]?.text).toBe(seedText);
    writeFileSync(join(dir, "bad.yaml"), "count: 4\nlabels:\n  devops:\n    descripton: typo\n");
    expect(() => loadGenerationSpec(join(dir, "bad.yaml"))).toThrow(
      /labels\.devops: unknown field descripton/,
    );
    writeFileSync(join(dir, "broken.yaml"), "labels: [unclosed\n");
    expect(() => loadGenerationSpec(join(dir, "broken.yaml"))).toThrow(/not valid YAML or JSON/);
    expect(() => loadGenerationSpec(join(dir, "missing.yaml"))).toThrow(/cannot read the generation spec/);
  });
});
