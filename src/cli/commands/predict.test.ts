import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo, runCaptured } from "../../../test/capture-io.ts";
import { importDemoGold } from "../../dataset/gold/index.ts";
import type { LexiconEntry } from "../../dataset/lexicon/index.ts";
import { saveLexicon } from "../../dataset/lexicon/index.ts";
import { openWorkspace } from "../../store/index.ts";
import { trainSpanStudents } from "../../workflows/index.ts";
import { runCli } from "../program.ts";

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
    openWorkspace(dir).close();
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
    expect(unreadable.err).toContain(`cannot read ${join(dir, "missing.txt")}: no such file or folder`);
  });
});

describe("predict --task requirements over a batch", () => {
  let dir: string;
  const run = (...args: string[]) => runCaptured(["--workspace", dir, ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predict-batch-cli-"));
    const workspace = openWorkspace(dir);
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold", epochs: 1 });
    workspace.close();
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes each stdin line's prediction before the rest of stdin has come", async () => {
    const stdin = new PassThrough();
    let firstLine: (line: string) => void = () => undefined;
    const first = new Promise<string>((resolve) => {
      firstLine = resolve;
    });
    const io = captureIo({ stdin, onLine: (line) => firstLine(line) });
    const done = runCli(["--workspace", dir, "predict", "--task", "requirements"], io);
    stdin.write("5+ years of Python are required.\n");
    // The second line is written only once the first prediction is out: a predict that read all of
    // stdin first would never get here.
    expect(JSON.parse(await first)).toMatchObject({ id: "stdin:1", input: "stdin", line: 1 });
    stdin.end("We offer 30 days of holiday.\n");
    expect(await done).toBe(0);
    expect(io.stdout.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(["stdin:1", "stdin:2"]);
    expect(io.stderr.join("\n")).toMatch(/predicted 2 records, 0 bad rows, in [\d.]+ s \(\d+ records\/s\)/);
  });

  it("writes CSV for requirements, and fails after the batch when rows were bad", async () => {
    const file = join(dir, "adverts.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ id: "a", text: "5+ years of Python. We offer 30 days of holiday." }),
        "not json",
        JSON.stringify({ id: "b", text: "" }),
        JSON.stringify({ id: "c", text: "A driving licence is a must." }),
      ].join("\n"),
    );
    const result = await run("predict", "--task", "requirements", "--file", file, "--format", "csv");
    expect(result.code).toBe(1);
    const lines = result.out.split("\n");
    expect(lines[0]).toBe("id,category,start,end,score,text");
    expect(lines.slice(1).every((line) => /^[ac],\w+,\d+,\d+,\d\.\d{4},/.test(line))).toBe(true);
    expect(result.err).toContain(`${file}:2: bad row: not JSON`);
    expect(result.err).toContain(`${file}:3: bad row: empty or missing text`);
    expect(result.err).toContain("2 bad rows (more than --max-bad-rows 0)");
    const tolerated = await run("predict", "--task", "requirements", "--file", file, "--max-bad-rows", "2");
    expect(tolerated.code).toBe(0);
    expect(tolerated.out.split("\n").map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([
      "a",
      "c",
    ]);
  });

  it("keeps input order with --threads 2 and writes to --output", async () => {
    const file = join(dir, "many.csv");
    const texts = Array.from(
      { length: 40 },
      (_, i) => `Advert ${i}: ${i % 2 ? "Fluent German." : "5+ years of SQL."}`,
    );
    writeFileSync(file, `id,text\n${texts.map((text, i) => `n${i},${text}`).join("\n")}\n`);
    const output = join(dir, "out.jsonl");
    const threaded = await run(
      "predict",
      "--task",
      "requirements",
      "--file",
      file,
      "--threads",
      "2",
      "-o",
      output,
    );
    expect(threaded.code).toBe(0);
    expect(threaded.out).toBe("");
    const single = await run("predict", "--task", "requirements", "--file", file);
    expect(readFileSync(output, "utf8").trimEnd()).toBe(single.out);
    expect(single.out.split("\n").map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(
      texts.map((_, i) => `n${i}`),
    );
    expect((await run("predict", "--task", "requirements", "--threads", "0", "x")).code).toBe(2);
  }, 120_000);
});
