import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpusSlice } from "../../../test/corpus-slice.ts";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false }, out, err };
}

describe("jobdistill demo", () => {
  it("--no-serve runs the loop on the corpus with the replay teacher and prints the evaluation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-demo-cli-"));
    const { io, out } = capture();
    // A slice of the corpus keeps it quick; the package test runs the demo on the whole corpus.
    const corpus = writeCorpusSlice();
    const code = await runCli(
      ["--workspace", dir, "demo", "--no-serve", "--teacher", "bundled", "--corpus", corpus],
      io,
    );
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(
      /1\/5 import: 12 real adverts of the requirements corpus .* and 40 hand-written demo adverts/,
    );
    expect(text).toMatch(/the teacher engine labels \d+ chunks of the train and dev postings with a replay/);
    expect(text).toMatch(/Highlights, loose/);
    expect(text).toMatch(
      /On the 40 hand-written demo adverts \(none trained on\): highlight strict F1 [\d.]+, loose F1 [\d.]+/,
    );
    // The replay costs nothing, and says so by having a price.
    expect(text).not.toMatch(/no price known/);
    const workspace = openWorkspace(dir);
    // Newest first: the teacher's labelling, training the requirement students, the skill typer, then
    // the two evaluations (the corpus's test postings, the hand-written adverts).
    expect(workspace.runs.list().map((run) => [run.kind, run.task, run.status])).toEqual([
      ["eval", "requirements", "done"],
      ["eval", "requirements", "done"],
      ["train", "skill-type", "done"],
      ["train", "requirements", "done"],
      ["label", "requirements", "done"],
    ]);
    workspace.close();
  }, 240_000);

  it("rejects an unknown teacher kind with a usage error", async () => {
    const { io, err } = capture();
    const code = await runCli(["demo", "--no-serve", "--teacher", "gpt"], io);
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/--teacher/);
  });
});
