import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { trainSkillSpanTagger } from "../../bench/skill-span-tagger.ts";
import { runCli } from "../cli/program.ts";
import { openWorkspace } from "../store/index.ts";
import { skillsStudentDefaults } from "../student/skills/index.ts";
import { evaluate } from "./evaluate.ts";

/** A few SkillSpan-like JSON lines; test repeats a train sentence, as SkillSpan's splits do. */
const sentences = {
  train: [
    ["Experience", "with", "Python", "and", "SQL", "is", "required", "."],
    ["You", "communicate", "clearly", "with", "customers", "."],
    ["Knowledge", "of", "Kubernetes", "is", "a", "plus", "."],
    ["Strong", "problem", "solving", "skills", "."],
    ["We", "offer", "a", "nice", "office", "."],
    ["Build", "APIs", "in", "Java", "and", "Go", "."],
  ],
  dev: [
    ["Experience", "with", "Docker", "."],
    ["You", "work", "well", "in", "a", "team", "."],
  ],
  test: [
    ["Knowledge", "of", "Kubernetes", "is", "a", "plus", "."],
    ["Experience", "with", "Java", "is", "required", "."],
  ],
};
const knowledgeWords = new Set(["Python", "SQL", "Kubernetes", "Docker", "Java", "Go", "APIs"]);
const skillPhrases = [
  ["communicate", "clearly"],
  ["problem", "solving"],
  ["work", "well", "in", "a", "team"],
];

function tags(tokens: string[]): { tags_skill: string[]; tags_knowledge: string[] } {
  const skill = tokens.map(() => "O");
  for (const phrase of skillPhrases) {
    const at = tokens.findIndex((_, index) =>
      phrase.every((word, offset) => tokens[index + offset] === word),
    );
    if (at < 0) continue;
    for (let offset = 0; offset < phrase.length; offset++) skill[at + offset] = offset === 0 ? "B" : "I";
  }
  return {
    tags_skill: skill,
    tags_knowledge: tokens.map((token) => (knowledgeWords.has(token) ? "B" : "O")),
  };
}

describe("train --task skills --source skillspan", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdistill-train-path-"));
  const files = Object.entries(sentences).map(([split, rows]) => {
    const path = join(root, `${split}.json`);
    writeFileSync(path, rows.map((tokens) => JSON.stringify({ tokens, ...tags(tokens) })).join("\n"));
    return path;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes the same model file from the CLI as from the bench's path, with the skills defaults", {
    timeout: 120_000,
  }, async () => {
    const cliDir = join(root, "cli");
    const io = { out: () => undefined, err: () => undefined, interactive: false };
    expect(
      await runCli(["--workspace", cliDir, "gold", "import", "--format", "skillspan", ...files], io),
    ).toBe(0);
    expect(
      await runCli(["--workspace", cliDir, "train", "--task", "skills", "--source", "skillspan"], io),
    ).toBe(0);

    const benchWorkspace = openWorkspace(join(root, "bench"));
    try {
      const trained = await trainSkillSpanTagger(benchWorkspace, files);
      expect(trained.settings).toEqual(skillsStudentDefaults);
      const benchModel = readFileSync(trained.files[0] as string);
      const cliModel = readFileSync(join(cliDir, "models", "skills-tagger.jdtg"));
      expect(cliModel.equals(benchModel)).toBe(true);
      const header = cliModel.toString("latin1");
      expect(header).toContain('"encoding":"bilou"');
      expect(header).toContain('"spanEdges":true');

      // The published protocol counts every test sentence, the repeated one too; the
      // de-duplicated line leaves out the test text that is also in train.
      const evaluation = await evaluate(benchWorkspace, { task: "skills", against: "skillspan" });
      const [published, deduplicated] = evaluation.report.results;
      expect(published?.documents).toBe(2);
      expect(published?.spans.tagger.strict.micro.support).toBe(2);
      expect(deduplicated?.documents).toBe(1);
      expect(deduplicated?.view).toMatch(/^de-duplicated/);
      expect(evaluation.markdown).toContain("published protocol");
    } finally {
      benchWorkspace.close();
    }
  });
});
