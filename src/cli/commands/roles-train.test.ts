import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { setEnv } from "../../../test/env.ts";
import { writeOnetFixture } from "../../../test/onet-fixture.ts";
import { startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { loadRolesPredictor } from "../../student/roles/index.ts";
import { exitCodes } from "../exit-codes.ts";
import { runCli } from "../program.ts";

describe("jobdistill roles train", () => {
  let onet: string;
  let out: string;
  beforeAll(() => {
    onet = writeOnetFixture();
    out = mkdtempSync(join(tmpdir(), "jobdistill-roles-cli-"));
  });
  afterAll(() => {
    rmSync(onet, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("trains from an O*NET folder, prints the held-out figures and writes a model that suggests roles", async () => {
    const io = captureIo();
    const model = join(out, "models", "roles.jdm");
    const code = await runCli(["roles", "train", "--onet", onet, "--out", model, "--encoder", "none"], io);
    expect(io.stderr.join("\n")).not.toMatch(/error/i);
    expect(code).toBe(0);
    const printed = io.stdout.join("\n");
    expect(printed).toContain(`wrote ${model}: 5 occupations`);
    expect(printed).toContain("1 occupations had too few items to hold any out");
    expect(printed).toContain("students: lexical only");
    expect(printed).toMatch(/test, 5 held-out skills: top-1 [\d.]+%, top-5 [\d.]+%, MRR [\d.]+/);
    expect(printed).toMatch(/titles: held-out alternate titles top-1/);
    expect(io.stderr).toContain("read…");
    const predictor = await loadRolesPredictor(model);
    const { roles } = await predictor.suggest({ skills: ["Epic Systems", "administer medications"], top: 2 });
    expect(roles[0]?.code).toBe("29-1141.00");
  });

  it("with an openai: encoder prints what its embedding requests cost (no workspace, so no ledger)", async () => {
    const server = await startOpenAiTestServer({ embeddingDimensions: 8 });
    const restoreEnv = setEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-roles-train-key" });
    try {
      const io = captureIo();
      const model = join(out, "models", "roles-openai.jdm");
      const code = await runCli(
        ["roles", "train", "--onet", onet, "--out", model, "--encoder", "openai:text-embedding-3-small"],
        io,
      );
      expect(code, io.stderr.join("\n")).toBe(0);
      const sent = server.requests.filter((request) => request.path.endsWith("/embeddings")).length;
      expect(sent).toBeGreaterThan(0);
      const printed = io.stdout.join("\n");
      expect(printed).toMatch(
        new RegExp(`embedding requests: ${sent}, [1-9]\\d* input tokens, \\$\\d+\\.\\d{4}`),
      );
      expect(printed).not.toContain("sk-test-roles-train-key");
    } finally {
      restoreEnv();
      await server.close();
    }
  });

  it("without --onet and without shared data says where it looked", async () => {
    const previous = process.env.JOBDISTILL_SHARED;
    process.env.JOBDISTILL_SHARED = join(out, "no-shared-here");
    try {
      const io = captureIo();
      const code = await runCli(["roles", "train", "--out", join(out, "x.jdm"), "--encoder", "none"], io);
      expect(code).toBe(exitCodes.usage);
      expect(io.stderr.join("\n")).toMatch(/no O\*NET folder: give --onet DIR .*JOBDISTILL_SHARED/);
    } finally {
      if (previous === undefined) delete process.env.JOBDISTILL_SHARED;
      else process.env.JOBDISTILL_SHARED = previous;
    }
  });

  it("names the missing O*NET file and exits non-zero without writing a model", async () => {
    const io = captureIo();
    const model = join(out, "none.jdm");
    const code = await runCli(
      ["roles", "train", "--onet", join(out, "no-such-folder"), "--out", model, "--encoder", "none"],
      io,
    );
    expect(code).toBe(exitCodes.usage);
    expect(io.stderr.join("\n")).toMatch(/Occupation_Data\.txt/);
    expect(existsSync(model)).toBe(false);
  });
});
