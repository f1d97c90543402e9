import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { createSkillTypeTask, skillTypeBatches, uniqueSkillPhrases } from "../../tasks/skill-type/index.ts";
import { FakeLanguageModel, type GenerateRequest, runTeacher } from "../../teacher/index.ts";
import { runJudge, stratifiedSample } from "./run-judge.ts";

const phrases = ["Python", "team player", "SQL", "motivated", "Excel", "reliable", "AWS", "curious"];
const softWords = new Set(["team player", "motivated", "reliable", "curious"]);

function listIn(request: GenerateRequest): Record<string, string>[] {
  const content = request.messages.at(-1)?.content ?? "";
  return JSON.parse(content.slice(content.indexOf("["))) as Record<string, string>[];
}

/** A labeller that calls everything Hard except "team player", answering in reverse order. */
const labeller = new FakeLanguageModel({
  modelId: "labeller",
  fallback: (request) =>
    JSON.stringify({
      answers: listIn(request)
        .reverse()
        .map((item) => ({
          id: item.id,
          label: item.phrase === "team player" ? "interpersonal" : "technical",
        })),
    }),
});

/** A judge that knows the soft words. */
const judge = new FakeLanguageModel({
  modelId: "judge",
  fallback: (request) =>
    JSON.stringify({
      verdicts: listIn(request).map((item) => {
        const truth = softWords.has(item.phrase ?? "") ? "Soft" : "Hard";
        return {
          id: item.id,
          verdict: truth === item.label ? "correct" : "incorrect",
          label: truth,
          reason: "r",
        };
      }),
    }),
});

describe("runJudge over a fake labeller and judge", () => {
  let dir: string;
  let workspace: Workspace;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-judge-"));
    workspace = openWorkspace(dir);
  });
  afterEach(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("labels skills, judges a stratified sample, reports intervals, kappa and gold, and stores the report", async () => {
    const { documents } = uniqueSkillPhrases(phrases);
    workspace.documents.insertMany(documents);
    const labelled = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: createSkillTypeTask(),
      items: skillTypeBatches(documents, 3),
      model: labeller,
    });
    expect(labelled.failed).toBe(0);
    const stored = workspace.annotations.list({ task: "skill-type" });
    expect(stored).toHaveLength(8);
    for (const annotation of stored)
      expect(["Hard", "Soft", "Unknown"]).toContain(annotation.payload.labels?.[0]);
    const motivated = documents.find((document) => document.text === "motivated");
    workspace.annotations.insert({
      documentId: motivated?.id ?? "",
      task: "skill-type",
      taskVersion: "gold",
      source: { kind: "gold", name: "hand" },
      payload: { labels: ["Soft"] },
    });

    const result = await runJudge({
      workspace,
      judgedTask: "skill-type",
      model: judge,
      sample: 4,
      stratify: "label",
    });
    // Stratified: the only Soft label plus three Hard ones.
    expect(result.report.judged).toBe(4);
    expect(result.report.accuracy.perClass.map((row) => [row.label, row.n])).toEqual([
      ["Hard", 3],
      ["Soft", 1],
    ]);
    expect(result.report.accuracy.perClass[1]?.correct).toBe(1);
    expect(result.markdown).toContain("Cohen's kappa");
    const run = workspace.runs.get(result.summary.runId);
    expect(run?.kind).toBe("judge");
    expect(run?.report).toMatchObject({ judge: { judgedTask: "skill-type" } });

    // A rerun is resumable: everything is cached, the same report comes back.
    const again = await runJudge({ workspace, judgedTask: "skill-type", model: judge, sample: 4 });
    expect(again.summary.done).toBe(0);
    expect(again.report.accuracy).toEqual(result.report.accuracy);

    const all = await runJudge({ workspace, judgedTask: "skill-type", model: judge, sample: 100 });
    expect(all.report.judged).toBe(8);
    expect(all.report.accuracy.pooled.correct).toBe(5);
    expect(all.report.gold?.items).toBe(1);
    expect(all.report.gold?.labellerAccuracyOnGold.estimate).toBe(0);
    expect(all.report.gold?.judgeAgreesWithGold.estimate).toBe(1);
  });

  it("judges requirement spans by category, with context, and compares with gold spans", async () => {
    const text = "We need 5 years of Python. A degree in physics is a plus. Great team spirit.";
    workspace.documents.insert({ id: "ad", text });
    const span = (quote: string, label: string) => {
      const start = text.indexOf(quote);
      return { start, end: start + quote.length, label, text: quote };
    };
    workspace.annotations.insert({
      documentId: "ad",
      task: "requirements",
      taskVersion: "v",
      source: { kind: "teacher", name: "fake/labeller" },
      callKey: "k1",
      payload: {
        spans: [
          span("5 years of Python", "work_experience"),
          span("degree in physics", "education"),
          span("team spirit", "hard_skills"),
        ],
      },
    });
    workspace.annotations.insert({
      documentId: "ad",
      task: "requirements",
      taskVersion: "gold",
      source: { kind: "gold", name: "hand" },
      payload: { spans: [span("degree in physics", "education"), span("team spirit", "soft_skills")] },
    });
    const spanJudge = new FakeLanguageModel({
      modelId: "span-judge",
      fallback: (request) =>
        JSON.stringify({
          verdicts: listIn(request).map((item) => {
            expect(item.context).toContain(item.quote);
            const truth = item.quote === "team spirit" ? "soft_skills" : item.label;
            return { id: item.id, verdict: truth === item.label ? "correct" : "incorrect", label: truth };
          }),
        }),
    });
    const result = await runJudge({ workspace, judgedTask: "requirements", model: spanJudge, sample: 10 });
    expect(result.report.judged).toBe(3);
    expect(result.report.accuracy.perClass.map((row) => [row.label, row.correct, row.n])).toEqual([
      ["education", 1, 1],
      ["hard_skills", 0, 1],
      ["work_experience", 1, 1],
    ]);
    expect(result.report.gold).toMatchObject({ items: 2 });
    expect(result.report.gold?.judgeAgreesWithGold.estimate).toBe(1);
    expect(result.report.gold?.labellerAccuracyOnGold.estimate).toBe(0.5);
  });

  it("refuses when there is nothing to judge", async () => {
    await expect(runJudge({ workspace, judgedTask: "skill-type", model: judge })).rejects.toThrow(
      /no teacher labels/,
    );
  });
});

describe("stratifiedSample", () => {
  it("allocates equally and hands what a small class leaves to the others", () => {
    const items = [
      ...Array.from({ length: 90 }, (_, i) => ({ label: "Hard", i })),
      ...Array.from({ length: 10 }, (_, i) => ({ label: "Soft", i })),
      ...Array.from({ length: 60 }, (_, i) => ({ label: "Unknown", i })),
    ];
    const sample = stratifiedSample(items, 60, "label", 3);
    const count = (label: string) => sample.filter((item) => item.label === label).length;
    expect([count("Hard"), count("Soft"), count("Unknown")]).toEqual([25, 10, 25]);
    expect(stratifiedSample(items, 60, "label", 3)).toEqual(sample);
    expect(stratifiedSample(items, 500, "label", 3)).toHaveLength(160);
  });
});
