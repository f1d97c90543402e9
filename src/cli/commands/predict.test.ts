import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured } from "../../../test/capture-io.ts";
import type { LexiconEntry } from "../../dataset/lexicon/index.ts";
import { saveLexicon } from "../../dataset/lexicon/index.ts";

const hard = [
  "Python",
  "SQL",
  "welding",
  "forklift operation",
  "accounting",
  "Kubernetes",
  "Excel",
  "bookkeeping",
];
const soft = [
  "teamwork",
  "communication",
  "leadership",
  "empathy",
  "adaptability",
  "time management",
  "patience",
];

function entry(label: string, kind: LexiconEntry["kind"]): LexiconEntry {
  return { label, altLabels: [], kind };
}

describe("predict --task skill-type", () => {
  let dir: string;
  const run = (...args: string[]) => runCaptured(["--workspace", dir, ...args]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predict-"));
    saveLexicon(dir, "esco", [
      ...hard.map((label) => entry(label, "hard")),
      ...soft.map((label) => entry(label, "soft")),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says which command trains the student before there is one", async () => {
    const result = await run("predict", "--task", "skill-type", "Python");
    expect(result.code).toBe(1);
    expect(result.err).toContain("run `jobdistill train --task skill-type` first");
  });

  it("trains from the lexicon and types skills: exact lexicon matches, the student for the rest", async () => {
    const trained = await run("train", "--task", "skill-type", "--source", "lexicon");
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/trained skill-type student "skill-type" .* on \d+ phrases/);

    const csv = await run(
      "predict",
      "--task",
      "skill-type",
      "--format",
      "csv",
      "Python",
      "team spirit, and more",
    );
    expect(csv.code).toBe(0);
    const lines = csv.out.split("\n");
    expect(lines[0]).toBe("skill,label,confidence,source");
    expect(lines[1]).toBe("Python,Hard,1.0000,lexicon");
    expect(lines[2]).toMatch(/^"team spirit, and more",(Hard|Soft|Unknown),\d\.\d{4},model$/);

    const file = join(dir, "skills.txt");
    writeFileSync(file, "SQL\n\nempathy\n");
    const json = await run("predict", "--task", "skill-type", "--file", file, "--format", "json");
    expect(json.code).toBe(0);
    expect(json.out.split("\n").map((line) => JSON.parse(line))).toEqual([
      { skill: "SQL", label: "Hard", confidence: 1, source: "lexicon" },
      { skill: "empathy", label: "Soft", confidence: 1, source: "lexicon" },
    ]);
  });

  it("reads skills from a CSV column", async () => {
    const file = join(dir, "skills.csv");
    writeFileSync(file, 'id,skill\n1,Python\n2,"time management"\n');
    const result = await run(
      "predict",
      "--task",
      "skill-type",
      "--format",
      "csv",
      "--file",
      file,
      "--column",
      "skill",
    );
    expect(result.code).toBe(0);
    expect(result.out.split("\n").slice(1)).toEqual([
      "Python,Hard,1.0000,lexicon",
      "time management,Soft,1.0000,lexicon",
    ]);
    const wrongTask = await run("predict", "--task", "requirements", "--column", "skill", "x");
    expect(wrongTask.code).toBe(2);
    expect(wrongTask.err).toContain("--column and --lexicon are for --task skill-type");
  });

  it("refuses formats and options that do not fit the task", async () => {
    expect((await run("predict", "--task", "skill-type", "--format", "conll", "x")).code).toBe(2);
    const lexiconForSpans = await run("train", "--task", "requirements", "--lexicon", "esco");
    expect(lexiconForSpans.code).toBe(2);
    expect(lexiconForSpans.err).toContain("--lexicon is for --task skill-type");
    const unreadable = await run("predict", "--task", "requirements", "--file", join(dir, "missing.txt"));
    expect(unreadable.code).toBe(1);
    expect(unreadable.err).toContain("cannot read --file");
  });
});
