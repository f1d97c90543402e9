import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import {
  lastUserMessage,
  type OpenAiTestServer,
  startOpenAiTestServer,
} from "../../../test/openai-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const lexiconCsv = [
  "preferredLabel,esco_group_code,skillType,coarse_label",
  "Python (computer programming),K0613,knowledge,hard_knowledge",
  "SQL,K0613,knowledge,hard_knowledge",
  "manage budgets,S4,skill/competence,skill_competence",
  "use spreadsheets software,S5,skill/competence,skill_competence",
  "work in teams,S1,skill/competence,soft",
  "show initiative,A1,,soft",
  "demonstrate enthusiasm,A1,,soft",
  "English,L1,knowledge,language",
].join("\n");

const softWords = new Set(["team player", "motivated", "show initiative", "reliable"]);

describe("lexicon, skill-type and judge commands", () => {
  let dir: string;
  let server: OpenAiTestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-skill-type-cli-"));
    writeFileSync(join(dir, "lexicon.csv"), lexiconCsv);
    writeFileSync(
      join(dir, "skills.csv"),
      "id,skill\n1,Python\n2,team player\n3,Team Players\n4,SQL\n5,motivated\n6,show initiative\n7,Excel\n8,reliable\n",
    );
    server = await startOpenAiTestServer({
      defaultBehaviour: (request) => {
        if (request.body.model === "broken-judge") return { kind: "text", content: "no verdicts here" };
        const message = lastUserMessage(request);
        const list = JSON.parse(message.slice(message.indexOf("["))) as Record<string, string>[];
        if (message.startsWith("Judge")) {
          return {
            kind: "json",
            value: {
              verdicts: list.map((item) => {
                const truth = softWords.has(item.phrase ?? "") ? "Soft" : "Hard";
                return {
                  id: item.id,
                  verdict: truth === item.label ? "correct" : "incorrect",
                  label: truth,
                  reason: "r",
                };
              }),
            },
          };
        }
        // The labeller calls everything Hard, "Team players" included, and says "behavioural" for "motivated".
        return {
          kind: "json",
          value: {
            answers: list.map((item) => ({
              id: item.id,
              label: item.phrase === "motivated" ? "behavioural" : "technical",
            })),
          },
        };
      },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(["--workspace", join(dir, "ws"), ...args], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  it("imports a lexicon and a skill list, labels with the lexicon, trains and predicts CSV", async () => {
    const imported = await run("lexicon", "import", join(dir, "lexicon.csv"), "--name", "esco");
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('imported 8 entries as lexicon "esco" (hard 4, soft 3, language 1)');
    expect((await run("lexicon", "list")).out).toMatch(/^esco\t8 entries/);
    expect((await run("lexicon", "phrases")).out.split("\n")).toContain("work in teams");

    const skills = await run("skill-type", "import", join(dir, "skills.csv"), "--column", "skill");
    expect(skills.out).toBe("imported 8 skill phrases: 7 unique, 7 new, 0 already stored");
    const labelled = await run("lexicon", "label");
    expect(labelled.out).toContain("labelled 2 of 7 skill phrases (2 exact, 0 normalised, 5 unmatched)");

    const trained = await run("skill-type", "train", "--from", "lexicon");
    expect(trained.code).toBe(0);
    expect(trained.out).toContain('trained skill-type student "skill-type"');
    writeFileSync(join(dir, "list.txt"), "show initiative\nKotlin\n");
    const predicted = await run("skill-type", "predict", "--input", join(dir, "list.txt"));
    expect(predicted.code).toBe(0);
    expect(predicted.err).toContain(
      "note: `jobdistill skill-type predict` is an alias of `jobdistill predict --task skill-type`",
    );
    const help = await run("skill-type", "predict", "--help");
    expect(help.out).toContain("Alias of `jobdistill predict --task skill-type` (--input is --file there).");
    const lines = predicted.out.split("\n");
    expect(lines[0]).toBe("skill,label,confidence,source");
    expect(lines[1]).toBe("show initiative,Soft,1.0000,lexicon");
    expect(lines[2]).toMatch(/^Kotlin,(Hard|Soft),0\.\d{4},model$/);
  });

  it("labels skills through the teacher and judges a stratified sample, storing the report", async () => {
    const labelled = await run(
      "label",
      "--task",
      "skill-type",
      "--model",
      "labeller",
      "--base-url",
      server.url,
      "--api-key",
      "k",
    );
    expect(labelled.code).toBe(0);
    const judged = await run(
      "judge",
      "--task",
      "skill-type",
      "--sample",
      "6",
      "--judge-model",
      "judge",
      "--base-url",
      server.url,
      "--api-key",
      "k",
      "--markdown",
      join(dir, "report.md"),
    );
    expect(judged.err).toContain("report stored with the run");
    expect(judged.code).toBe(0);
    expect(judged.out).toContain("# Judge report: skill-type");
    expect(judged.out).toMatch(/\| Soft \| [\d.]+% \| 1 \/ 1 \|/);
    expect(judged.out).toContain("all, pooled (unweighted)");
    expect(judged.err).toMatch(/spent \d+ input \+ \d+ output tokens/);
    const broken = await run(
      "judge",
      "--task",
      "skill-type",
      "--judge-model",
      "broken-judge",
      "--base-url",
      server.url,
      "--api-key",
      "k",
    );
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/judge run \d+ judged nothing: 0 of \d+ sampled labels got a verdict/);
    expect(broken.err).toMatch(/It spent [1-9]\d* input \+ \d+ output tokens/);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("Cohen's kappa");
    const workspace = openWorkspace(join(dir, "ws"));
    try {
      // The fake labeller answers "technical" (Hard) for every phrase but "motivated" ("behavioural",
      // Soft): one teacher label per unique phrase, synonyms normalised.
      const taught = workspace.annotations
        .list({ task: "skill-type", sourceKind: "teacher" })
        .map((annotation) => [
          workspace.documents.get(annotation.documentId)?.text,
          annotation.payload.labels,
        ]);
      expect(taught).toEqual([
        ["Python", ["Hard"]],
        ["team player", ["Hard"]],
        ["SQL", ["Hard"]],
        ["motivated", ["Soft"]],
        ["show initiative", ["Hard"]],
        ["Excel", ["Hard"]],
        ["reliable", ["Hard"]],
      ]);
      const run = workspace.runs.list({ kind: "judge" }).find((judgeRun) => judgeRun.model === "judge");
      expect(run?.report).toMatchObject({ judge: { judgedTask: "skill-type", judged: 6 } });
    } finally {
      workspace.close();
    }
  });

  it("fails clearly on bad options and missing pieces", async () => {
    expect((await run("judge", "--task", "nope", "--judge-model", "x")).code).toBe(2);
    const missing = await run("lexicon", "label", "--name", "other");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no lexicon "other"');
    const badColumn = await run("skill-type", "import", join(dir, "skills.csv"), "--column", "nope");
    expect(badColumn.code).toBe(1);
    expect(badColumn.err).toContain('no column "nope"');
  });
});
