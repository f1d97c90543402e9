import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured } from "../../../test/capture-io.ts";

const devops = [
  "Ran Kubernetes clusters",
  "Wrote Terraform modules",
  "Built CI pipelines",
  "Tuned Prometheus alerts",
];
const other = [
  "Cooked for the restaurant",
  "Planned weekly menus",
  "Cared for ward patients",
  "Taught maths classes",
];

let dir: string;
let ws: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-screen-"));
  ws = join(dir, "ws");
  const rows = ["id,label,text"];
  for (let i = 0; i < 40; i++) {
    const own = i % 2 === 0 ? devops : other;
    const lines = [own[i % 4], own[(i + 1) % 4], `Worked in team ${i}.`].join("\n");
    rows.push(`r${i},${i % 2 === 0 ? "devops" : "other"},"${lines}"`);
  }
  rows.push("u1,unrelated,Some text of a label not asked for");
  writeFileSync(join(dir, "labelled.csv"), `${rows.join("\n")}\n`);
  mkdirSync(join(dir, "resumes"));
  writeFileSync(
    join(dir, "resumes", "a-devops.txt"),
    "Ran Kubernetes clusters and wrote Terraform modules.\nBuilt CI pipelines.",
  );
  writeFileSync(join(dir, "resumes", "b-chef.md"), "Cooked for the restaurant.\nPlanned weekly menus.");
  writeFileSync(
    join(dir, "resumes", "c-mixed.html"),
    "<p>Tuned Prometheus alerts.</p><p>Taught maths classes.</p>",
  );
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf
    .addPage()
    .drawText("Built CI pipelines and tuned Prometheus alerts.", { x: 40, y: 700, size: 12, font });
  const bytes = await pdf.save();
  writeFileSync(join(dir, "resumes", "d-devops.pdf"), bytes);
  writeFileSync(join(dir, "resumes", "e-broken.pdf"), bytes.slice(0, 200));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `jobdistill screen` with the trained n-gram model over the resumes folder, and more options. */
const screenResumes = (...options: string[]) =>
  runCaptured(["-w", ws, "screen", "--model", "screen-ngram", join(dir, "resumes"), ...options]);

describe("jobdistill train --task screen and screen", () => {
  it("trains the n-gram student from a labelled import, then ranks a folder and reports the broken PDF", async () => {
    expect((await runCaptured(["-w", ws, "import", join(dir, "labelled.csv")])).code).toBe(0);
    const trained = await runCaptured([
      "-w",
      ws,
      "train",
      "--task",
      "screen",
      "--labels",
      "devops,other",
      "--student",
      "ngram",
    ]);
    expect(trained.code).toBe(0);
    const summary = trained.out;
    expect(summary).toMatch(/positive label devops/);
    expect(summary).toMatch(/train devops 16, other 16; held-out test devops 4, other 4/);
    expect(summary).toMatch(/not trained on \(label not in --labels\): unrelated 1/);
    expect(summary).toMatch(
      /screen-ngram: accuracy [\d.]+, F1\(devops\) [\d.]+, macro-F1 [\d.]+, ROC AUC [\d.]+/,
    );

    const out = join(dir, "ranked.csv");
    const screened = await screenResumes("--out", out);
    expect(screened.code).toBe(1);
    const stderr = screened.err;
    expect(stderr).toMatch(/e-broken\.pdf: unreadable PDF/);
    expect(stderr).toMatch(/screened 4 documents .*; 1 unreadable/);
    expect(stderr).toMatch(/1 file had no readable text \(more than --max-failures 0\)/);
    const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.rank)).toEqual(["1", "2", "3", "4"]);
    const scores = rows.map((row) => Number(row.score));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(rows.at(-1)?.id).toMatch(/b-chef\.md$/);
    expect(rows[0]?.label).toBe("devops");
    expect(rows[0]?.sentence_1).not.toBe("");
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "rank",
      "id",
      "score",
      "label",
      "sentence_1",
      "sentence_2",
      "sentence_3",
    ]);
  });

  it("keeps --top rows and those at --threshold, as JSON, and tolerates failures with --max-failures", async () => {
    const top = await screenResumes("--top", "2", "--json", "--max-failures", "1");
    expect(top.code).toBe(0);
    const rows = JSON.parse(top.out) as { id: string; rank: number; score: number }[];
    expect(rows.map((row) => row.rank)).toEqual([1, 2]);
    const all = await screenResumes("--json", "--max-failures", "1");
    const allRows = JSON.parse(all.out) as { id: string; score: number }[];
    expect(rows).toEqual(allRows.slice(0, 2));
    const threshold = 0.5;
    const above = allRows.filter((row) => row.score >= threshold);
    expect(above.length).toBeGreaterThan(0);
    expect(above.length).toBeLessThan(allRows.length);
    const kept = await screenResumes("--threshold", String(threshold), "--json", "--max-failures", "1");
    const keptRows = JSON.parse(kept.out) as { id: string; score: number }[];
    expect(keptRows.map((row) => row.id)).toEqual(above.map((row) => row.id));
    expect(kept.err).toMatch(new RegExp(`${above.length} rows? at or above 0.5 written`));
  });

  it("refuses a missing model, a bad threshold, and --task screen without --labels", async () => {
    const missing = await runCaptured(["-w", ws, "screen", "--model", "nope", join(dir, "resumes")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no screen model nope/);
    expect(
      (await runCaptured(["-w", ws, "screen", "--model", "screen-ngram", dir, "--threshold", "2"])).code,
    ).toBe(2);
    const noLabels = await runCaptured(["-w", ws, "train", "--task", "screen"]);
    expect(noLabels.code).toBe(2);
    expect(noLabels.err).toMatch(/--labels names the screen labels/);
  });
});
