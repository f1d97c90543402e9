import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

let dir: string;
let server: OpenAiTestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-runs-"));
  const workspace = openWorkspace(dir);
  workspace.documents.insertMany(
    Array.from({ length: 6 }, (_, index) => ({ id: `doc-${index}`, text: `document number ${index}` })),
  );
  workspace.close();
  const io = captureIo();
  // doc-5 is always answered with nonsense: it fails after its repairs.
  server = await startOpenAiTestServer({
    defaultBehaviour: (request) =>
      JSON.stringify(request.body.messages).includes("number 5")
        ? { kind: "text", content: '{"label": "neither"}' }
        : { kind: "json", value: { label: "a" } },
  });
  const code = await runCli(
    [
      "--workspace",
      dir,
      "label",
      "--task",
      "classify",
      "--labels",
      "a,b",
      "--model",
      "gpt-4o-mini",
      "--base-url",
      server.url,
      "--api-key",
      "sk-test",
      "--max-repairs",
      "1",
    ],
    io,
  );
  // One item failed: the run is stored, and the command says so with a non-zero exit.
  expect(code).toBe(1);
  expect(io.stderr.join("\n")).toContain("1 of 6 items failed (see: jobdistill failures --run 1)");
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("jobdistill runs", () => {
  it("lists runs with items, tokens, cost and duration", async () => {
    const io = captureIo();
    expect(await runCli(["--workspace", dir, "runs"], io)).toBe(0);
    const [header, row] = io.stdout.join("\n").split("\n");
    expect(header).toMatch(
      /^id\s+kind\s+task\s+model\s+status\s+done\s+cached\s+failed\s+tokens in\s+tokens out\s+cost\s+duration$/,
    );
    expect(row).toMatch(
      /^1\s+label\s+classify\s+openai\/gpt-4o-mini\s+done\s+5\s+0\s+1\s+\d+\s+\d+\s+\$0\.\d{4}\s+\d+\.\ds$/,
    );
  });

  it("shows one run with its spend per model, and as JSON", async () => {
    const io = captureIo();
    expect(await runCli(["--workspace", dir, "runs", "show", "1"], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toContain("run 1: label classify — done");
    expect(text).toContain("failed attempts: 2 (1 final)");
    expect(text).toMatch(/openai\s+gpt-4o-mini\s+5\s+\d+\s+\d+\s+\$0\.\d{4}/);
    const json = captureIo();
    expect(await runCli(["--workspace", dir, "runs", "show", "1", "--json"], json)).toBe(0);
    const detail = JSON.parse(json.stdout.join("\n"));
    expect(detail).toMatchObject({ run: { id: 1, itemsDone: 5, itemsFailed: 1 }, finalFailures: 1 });
    // gpt-4o-mini's published price: $0.15 per million input tokens, $0.60 per million output.
    expect(detail.tokensIn).toBeGreaterThan(0);
    expect(detail.costUsd).toBeCloseTo((detail.tokensIn * 0.15 + detail.tokensOut * 0.6) / 1e6, 12);
    expect(detail.run.params).not.toHaveProperty("apiKey");
  });

  it("says clearly when a run does not exist", async () => {
    const io = captureIo();
    expect(await runCli(["--workspace", dir, "runs", "show", "99"], io)).toBe(2);
    expect(io.stderr.join("\n")).toContain("there is no run 99");
  });
});

describe("jobdistill failures", () => {
  it("lists failed attempts with their evidence, filtered by run, task and finality", async () => {
    const io = captureIo();
    expect(await runCli(["--workspace", dir, "failures", "--run", "1", "--final"], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/run 1 classify item doc-5 attempt 2 \(final\) — no-object/);
    expect(text).toContain("issue: label: Invalid option");
    expect(text).toContain('raw: "{\\"label\\": \\"neither\\"}"');
    const json = captureIo();
    expect(await runCli(["--workspace", dir, "failures", "--task", "classify", "--json"], json)).toBe(0);
    const failures = JSON.parse(json.stdout.join("\n"));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({
      itemId: "doc-5",
      finishReason: "stop",
      rawText: '{"label": "neither"}',
    });
    const none = captureIo();
    expect(await runCli(["--workspace", dir, "failures", "--task", "other"], none)).toBe(0);
    expect(none.stdout.join("\n")).toBe("no failures");
  });
});
