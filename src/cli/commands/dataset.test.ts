import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { documentDatasetReportSchema, readDatasetSplits } from "../../dataset/index.ts";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

let dir: string;
let output: { out: string[]; err: string[] };
let io: CliIo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-dataset-"));
  output = { out: [], err: [] };
  io = { out: (text) => output.out.push(text), err: (text) => output.err.push(text), interactive: false };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("jobdistill dataset build", () => {
  it("builds the demo gold dataset with the chosen options", async () => {
    const ws = join(dir, "ws");
    expect(await runCli(["--workspace", ws, "gold", "import", "--format", "demo"], io)).toBe(0);
    const out = join(dir, "data");
    const args = ["--workspace", ws, "dataset", "build", "--task", "requirements", "--out", out];
    expect(
      await runCli(
        [
          ...args,
          "--seed",
          "5",
          "--split",
          "0.6,0.2,0.2",
          "--negative-ratio",
          "2",
          "--layers",
          "hard_skills",
        ],
        io,
      ),
    ).toBe(0);
    expect(output.out[1]).toContain(`from gold "demo" written to ${out}`);
    const dataset = readDatasetSplits(out);
    expect(dataset.report.options).toMatchObject({
      seed: 5,
      split: [0.6, 0.2, 0.2],
      negativeRatio: 2,
      layers: ["hard_skills"],
    });
    // 40 demo adverts split 0.6/0.2/0.2 by document.
    expect(dataset.report.documents).toEqual({ train: 24, dev: 8, test: 8 });
    expect(dataset.segments.train.length).toBe(dataset.report.segments.train);
    expect(dataset.report.segments.train).toBeGreaterThan(dataset.report.segments.dev);
    // One CoNLL column for the one layer asked for.
    const conll = readFileSync(dataset.conll.train, "utf8").split("\n");
    expect(conll[0]).toBe("-DOCSTART-\tO");
    expect(conll[2]?.split("\t")).toHaveLength(2);
    expect(existsSync(join(out, "pairs.parquet"))).toBe(true);
  });

  it("defaults the output folder into the workspace and refuses bad options", async () => {
    const ws = join(dir, "ws");
    await runCli(["--workspace", ws, "gold", "import", "--format", "demo"], io);
    expect(await runCli(["--workspace", ws, "dataset", "build", "--task", "requirements"], io)).toBe(0);
    expect(output.out[1]).toContain(join(ws, "datasets", "requirements-"));
    expect(
      await runCli(
        ["--workspace", ws, "dataset", "build", "--task", "requirements", "--split", "0.9,0.9,0.1"],
        io,
      ),
    ).toBe(2);
    expect(output.err.at(-1)).toMatch(/--split/);
    expect(
      await runCli(["--workspace", ws, "dataset", "build", "--task", "requirements", "--seed", "-1"], io),
    ).toBe(2);
    expect(output.err.at(-1)).toMatch(/--seed/);
  });

  it("builds a document dataset for --task screen from generated documents, and refuses one with no labels", async () => {
    const ws = join(dir, "ws");
    expect(await runCli(["--workspace", ws, "dataset", "build", "--task", "screen"], io)).toBe(2);
    expect(output.err.at(-1)).toMatch(/no stored document is labelled/);
    const workspace = openWorkspace(ws);
    try {
      workspace.documents.insertMany(
        Array.from({ length: 20 }, (_, index) => ({
          id: `gen-${index}`,
          text: `Synthetic resume ${index}.`,
          meta: {
            synthetic: true,
            label: index % 2 === 0 ? "devops" : "other",
            cell: { seniority: "senior" },
          },
        })),
      );
    } finally {
      workspace.close();
    }
    const out = join(dir, "screen");
    const args = ["--workspace", ws, "dataset", "build", "--task", "screen", "--out", out];
    expect(await runCli([...args, "--labels", "devops,other", "--seed", "3"], io)).toBe(0);
    expect(output.out.join("\n")).toContain("devops: train 8, dev 1, test 1");
    const report = documentDatasetReportSchema.parse(
      JSON.parse(readFileSync(join(out, "report.json"), "utf8")),
    );
    expect(report.bySource.synthetic).toEqual({ train: 16, dev: 2, test: 2 });
    expect(existsSync(join(out, "documents.parquet"))).toBe(true);
    expect(await runCli([...args, "--layers", "x"], io)).toBe(2);
    expect(output.err.at(-1)).toMatch(/--source and --layers apply to span datasets/);
    expect(
      await runCli(["--workspace", ws, "dataset", "build", "--task", "requirements", "--labels", "a"], io),
    ).toBe(2);
    expect(output.err.at(-1)).toMatch(/--labels is for the document tasks/);
  });
});
