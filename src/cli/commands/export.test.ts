import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCaptured } from "../../../test/capture-io.ts";
import { openWorkspace } from "../../store/index.ts";
import { saveSegmentClassifier, trainSegmentClassifier } from "../../student/segment-classifier/index.ts";

const dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("jobdistill export onnx", () => {
  it("writes model.onnx, the feature scheme, test vectors and a README for a segment classifier file", async () => {
    const model = trainSegmentClassifier(
      [
        { text: "Competitive salary and a pension", labels: ["benefits"] },
        { text: "You know Python and SQL", labels: ["requirements"] },
      ],
      { labelSet: ["benefits", "requirements"], hashBits: 10, epochs: 2, seed: 1 },
    );
    const file = join(dir, "segments.jdm");
    await saveSegmentClassifier(model, file);
    const out = join(dir, "onnx");
    const result = await runCaptured(["export", "onnx", file, out]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /wrote the segment-classifier student as ONNX to .*model\.onnx, feature-scheme\.md, test-vectors\.jsonl, README\.md/,
    );
    for (const name of ["model.onnx", "feature-scheme.md", "test-vectors.jsonl", "README.md"])
      expect(existsSync(join(out, name))).toBe(true);
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("`feature_ids`: int64 [batch, features]");
    expect(readFileSync(join(out, "feature-scheme.md"), "utf8")).toContain("hashBits = 10");

    const ws = join(dir, "ws");
    const workspace = openWorkspace(ws, { create: true });
    workspace.models.register({
      name: "requirements-segments",
      task: "requirements",
      kind: "segment-classifier",
      path: file,
    });
    workspace.close();
    const byName = await runCaptured([
      "--workspace",
      ws,
      "export",
      "onnx",
      "requirements-segments",
      join(dir, "by-name"),
    ]);
    expect(byName.code).toBe(0);
    expect(existsSync(join(dir, "by-name", "model.onnx"))).toBe(true);
    const unknown = await runCaptured([
      "--workspace",
      ws,
      "export",
      "onnx",
      "skills-tagger",
      join(dir, "unknown"),
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain(
      "no model file skills-tagger, and no model of that name in the workspace (it has requirements-segments)",
    );
  });

  it("fails clearly on a file that is not a model, and on a name no workspace has", async () => {
    const garbage = join(dir, "garbage.jdm");
    writeFileSync(garbage, "not a model");
    const bad = await runCaptured(["export", "onnx", garbage, join(dir, "bad")]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/not a jobdistill model file/);
    const missing = await runCaptured([
      "--workspace",
      join(dir, "no-ws"),
      "export",
      "onnx",
      "segments",
      join(dir, "x"),
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/no workspace at/);
  });

  it("shares the export group with export label-studio; both teach in --help", async () => {
    const group = await runCaptured(["export", "--help"]);
    expect(group.code).toBe(0);
    expect(group.out).toMatch(/label-studio/);
    expect(group.out).toMatch(/onnx/);
    const onnx = await runCaptured(["export", "onnx", "--help"]);
    expect(onnx.code).toBe(0);
    expect(onnx.out).toContain("feature-scheme.md");
    expect(onnx.out).toContain("input_ids and attention_mask to logits");
    const labelStudio = await runCaptured(["export", "label-studio", "--help"]);
    expect(labelStudio.code).toBe(0);
    expect(labelStudio.out).toContain("Label Studio");
    const alias = await runCaptured(["gold", "export", "--help"]);
    expect(alias.out).toContain("Alias of `jobdistill export label-studio`.");
  });
});

describe("jobdistill export sft", () => {
  it("writes both formats and the report from gold labels, prints tokens and cost, and refuses bad options", async () => {
    const ws = join(dir, "sft-ws");
    expect((await runCaptured(["--workspace", ws, "gold", "import", "--format", "demo"])).code).toBe(0);
    const out = join(dir, "sft");
    const args = ["--workspace", ws, "export", "sft", "--task", "requirements", "--source", "gold"];
    const result = await runCaptured([...args, "--price", "8", "--epochs", "2", out]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /wrote 36 training and 4 validation examples for "requirements" from gold "demo" to .*openai\/train\.jsonl, openai\/validation\.jsonl, trl\/train\.jsonl, trl\/validation\.jsonl, report\.json/,
    );
    expect(result.out).toMatch(/tokens per example \(estimate\): train mean \d+, max \d+, total \d+/);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.cost).toMatchObject({
      pricePerMillionTokens: 8,
      epochs: 2,
      trainingTokens: report.tokens.train.total * 2,
    });
    expect(result.out).toContain(`x $8/1M = $${report.cost.estimatedUsd.toFixed(4)}`);

    const bad = await runCaptured([...args, "--validation", "1", join(dir, "bad")]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--validation/);
    const format = await runCaptured([...args, "--format", "jsonl", join(dir, "bad")]);
    expect(format.code).not.toBe(0);
    expect(format.err).toMatch(/--format/);
    const few = await runCaptured([...args, "--min-examples", "100", join(dir, "bad")]);
    expect(few.code).not.toBe(0);
    expect(few.err).toMatch(/at least 100 training examples, found 36 valid ones/);
    const help = await runCaptured(["export", "sft", "--help"]);
    expect(help.out).toContain("prompt-completion");
  });
});
