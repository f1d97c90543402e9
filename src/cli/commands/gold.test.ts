import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

let dir: string;
let output: { out: string[]; err: string[] };
let io: CliIo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-gold-"));
  output = { out: [], err: [] };
  io = { out: (text) => output.out.push(text), err: (text) => output.err.push(text), interactive: false };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("jobdistill gold / export", () => {
  it("imports the demo corpus, exports it for Label Studio, and imports the reviewed file back", async () => {
    const ws = join(dir, "ws");
    expect(await runCli(["--workspace", ws, "gold", "import", "--format", "demo"], io)).toBe(0);
    expect(output.out[0]).toMatch(/demo corpus: \d+ adverts .* gold spans for task "requirements"/);
    const out = join(dir, "review.json");
    expect(
      await runCli(["--workspace", ws, "export", "label-studio", "--task", "requirements", out], io),
    ).toBe(0);
    expect(existsSync(join(dir, "review.config.xml"))).toBe(true);
    const tasks = JSON.parse(readFileSync(out, "utf8"));
    const reviewed = tasks.map((task: { data: unknown; predictions: { result: unknown }[] }) => ({
      data: task.data,
      annotations: [{ result: task.predictions[0]?.result }],
    }));
    writeFileSync(join(dir, "reviewed.json"), JSON.stringify(reviewed));
    const args = ["--workspace", ws, "gold", "import", "--format", "label-studio", "--source-kind", "human"];
    expect(await runCli([...args, "--name", "anna", join(dir, "reviewed.json")], io)).toBe(0);
    expect(output.out.at(-1)).toMatch(/0 new documents/);
    const workspace = openWorkspace(ws);
    const sources = workspace.annotations.sources("requirements");
    workspace.close();
    expect(sources.map((source) => `${source.kind}:${source.name}`)).toEqual(["gold:demo", "human:anna"]);
    expect(
      await runCli(
        ["--workspace", ws, "gold", "export", "--task", "requirements", "--source", "anna", out],
        io,
      ),
    ).toBe(0);
    expect(output.err.join("\n")).toContain(
      "note: `jobdistill gold export` is an alias of `jobdistill export label-studio`",
    );
    const help = { out: [] as string[], err: [] as string[] };
    const helpIo: CliIo = {
      out: (text) => help.out.push(text),
      err: (text) => help.err.push(text),
      interactive: false,
    };
    expect(await runCli(["gold", "export", "--help"], helpIo)).toBe(0);
    expect(help.out.join("")).toContain("Alias of `jobdistill export label-studio`.");
    expect(await runCli(["gold", "--help"], helpIo)).toBe(0);
    expect(help.out.join("")).toMatch(/export \[options\] <out>\s+alias of jobdistill export label-studio/);
  });

  it("imports SkillSpan CoNLL and refuses unknown formats and missing files", async () => {
    const ws = join(dir, "ws");
    const conll = join(dir, "skillspan_tech_dev.conll");
    writeFileSync(conll, "Python\tO\tB-Knowledge\nexperience\tO\tO\n\n");
    expect(await runCli(["--workspace", ws, "gold", "import", "--format", "skillspan", conll], io)).toBe(0);
    expect(output.out[0]).toMatch(/1 sentences, 0 skill, 1 knowledge spans/);
    expect(await runCli(["--workspace", ws, "gold", "import", "--format", "brat", conll], io)).toBe(2);
    expect(output.err.at(-1)).toMatch(/--format/);
    expect(await runCli(["--workspace", ws, "gold", "import", "--format", "skillspan"], io)).toBe(2);
    for (const format of ["skillspan", "label-studio"]) {
      expect(
        await runCli(
          ["--workspace", ws, "gold", "import", "--format", format, join(dir, "missing.json")],
          io,
        ),
      ).toBe(2);
      expect(output.err.at(-1)).toMatch(/no such file/);
    }
    expect(
      await runCli(
        ["--workspace", ws, "export", "label-studio", "--task", "nothing", join(dir, "o.json")],
        io,
      ),
    ).toBe(2);
    expect(output.err.at(-1)).toMatch(/no annotations for task "nothing"/);
  });
});
