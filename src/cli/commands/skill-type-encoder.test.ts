import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const lexiconCsv = [
  "preferredLabel,esco_group_code,skillType,coarse_label",
  "Python (computer programming),K0613,knowledge,hard_knowledge",
  "SQL,K0613,knowledge,hard_knowledge",
  "manage budgets,S4,skill/competence,skill_competence",
  "use spreadsheets software,S5,skill/competence,skill_competence",
  "operate forklift,S6,skill/competence,skill_competence",
  "work in teams,S1,skill/competence,soft",
  "show initiative,A1,,soft",
  "demonstrate enthusiasm,A1,,soft",
].join("\n");

/** The real USE-lite encoder once, on a tiny lexicon: the CLI path, not the figures. */
describe("skill-type train --encoder", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-skill-type-encoder-"));
    writeFileSync(join(dir, "lexicon.csv"), lexiconCsv);
    writeFileSync(join(dir, "list.txt"), "show initiative\nKotlin\ncollaborates well with others\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(["--workspace", join(dir, "ws"), ...args], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  it("trains over use-lite, registers a skill-type-encoder model and predicts with it", {
    timeout: 120_000,
  }, async () => {
    expect((await run("lexicon", "import", join(dir, "lexicon.csv"), "--name", "esco")).code).toBe(0);
    const trained = await run("train", "--task", "skill-type", "--encoder", "use-lite", "--name", "typer");
    expect(trained.err).toBe("");
    expect(trained.code).toBe(0);
    expect(trained.out).toContain('trained skill-type student "typer"');
    const workspace = openWorkspace(join(dir, "ws"));
    try {
      expect(workspace.models.get("typer")?.kind).toBe("skill-type-encoder");
    } finally {
      workspace.close();
    }
    const predicted = await run(
      "skill-type",
      "predict",
      "--model",
      "typer",
      "--input",
      join(dir, "list.txt"),
    );
    expect(predicted.code).toBe(0);
    const lines = predicted.out.split("\n");
    expect(lines[0]).toBe("skill,label,confidence,source");
    expect(lines[1]).toBe("show initiative,Soft,1.0000,lexicon");
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(2)) expect(line).toMatch(/^[^,]+,(Hard|Soft|Unknown),[01]\.\d{4},model$/);
  });

  it("refuses --encoder with labels it has no calibration for", async () => {
    const result = await run("skill-type", "train", "--from", "teacher", "--encoder", "use-lite");
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/--encoder trains from the lexicon/);
  });
});
