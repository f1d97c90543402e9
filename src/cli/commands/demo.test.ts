import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false }, out, err };
}

describe("jobdistill demo", () => {
  it("--no-serve runs the loop on the bundled annotations and prints the evaluation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-demo-cli-"));
    const { io, out } = capture();
    const code = await runCli(["--workspace", dir, "demo", "--no-serve", "--teacher", "bundled"], io);
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/1\/5 import: 40 built-in demo adverts/);
    expect(text).toMatch(/Highlights, loose/);
    const workspace = openWorkspace(dir);
    // Newest first: training the requirement students, then the skill typer, then the evaluation.
    expect(workspace.runs.list().map((run) => [run.kind, run.task, run.status])).toEqual([
      ["eval", "requirements", "done"],
      ["train", "skill-type", "done"],
      ["train", "requirements", "done"],
    ]);
    workspace.close();
  }, 90_000);

  it("rejects an unknown teacher kind with a usage error", async () => {
    const { io, err } = capture();
    const code = await runCli(["demo", "--no-serve", "--teacher", "gpt"], io);
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/--teacher/);
  });
});
