import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured } from "../../../test/capture-io.ts";
import { openWorkspace } from "../../store/index.ts";

// The full train → eval flow, with figures, is in train.test.ts; these are the failure paths.
describe("eval without trained students", () => {
  let dir: string;
  const run = (...args: string[]) => runCaptured(["--workspace", dir, ...args]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-eval-"));
    openWorkspace(dir).close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the command that trains the missing students", async () => {
    const result = await run("eval", "--task", "requirements");
    expect(result.code).toBe(1);
    expect(result.err).toContain('no trained requirements student ("requirements-tagger")');
    expect(result.err).toContain("jobdistill train --task requirements");
    const named = await run("eval", "--task", "requirements", "--model", "mine");
    expect(named.err).toContain('"mine-tagger"');
  });

  it("rejects unknown tasks, splits and options as usage errors", async () => {
    const task = await run("eval", "--task", "skill-type");
    expect(task.code).toBe(2);
    expect(task.err).toContain("--task must be one of requirements, skills");
    const split = await run("eval", "--task", "skills", "--split", "train");
    expect(split.code).toBe(2);
    expect(split.err).toContain("--split must be one of test, dev, unseen");
    expect((await run("eval", "--task", "skills", "--frobnicate")).code).toBe(2);
  });

  it("teaches with --help", async () => {
    const result = await run("eval", "--help");
    expect(result.code).toBe(0);
    expect(result.out).toContain("--against <source>");
    expect(result.out).toContain("jobdistill eval --task requirements --against teacher --split unseen");
  });
});
