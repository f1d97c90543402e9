import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import { bioToChunks } from "../../align/bio.ts";
import { InputError } from "../../core/errors.ts";
import { type BioSentence, readSkillSpanConll, readSkillSpanJson } from "./skill-span.ts";

const folder = mkdtempSync(join(tmpdir(), "skillspan-"));
function fileWith(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function spanCount(sentences: BioSentence[], layer: string): number {
  return sentences.reduce((sum, sentence) => sum + bioToChunks(sentence.layers[layer] ?? []).length, 0);
}

describe("SkillSpan readers on small files", () => {
  it("reads JSON lines into two layers with source and posting index", () => {
    const path = fileWith(
      "ok.json",
      '{"idx": 3, "tokens": ["Know", "Java"], "tags_skill": ["O", "O"], "tags_knowledge": ["O", "B"], "source": "tech"}\n\n',
    );
    expect(readSkillSpanJson(path)).toEqual([
      {
        tokens: ["Know", "Java"],
        layers: { skill: ["O", "O"], knowledge: ["O", "B"] },
        source: "tech",
        docIdx: 3,
      },
    ]);
  });

  it("names file and line of a bad JSON row", () => {
    const good = '{"tokens": ["a"], "tags_skill": ["O"], "tags_knowledge": ["O"]}';
    const notJson = fileWith("bad.json", `${good}\n{oops\n`);
    expect(() => readSkillSpanJson(notJson)).toThrow(InputError);
    expect(() => readSkillSpanJson(notJson)).toThrow(/bad\.json:2/);
    const wrongLength = fileWith(
      "short.json",
      '{"tokens": ["a", "b"], "tags_skill": ["O"], "tags_knowledge": ["O", "O"]}\n',
    );
    expect(() => readSkillSpanJson(wrongLength)).toThrow(/short\.json:1/);
  });

  it("reads CoNLL with the source from the file name and names bad lines", () => {
    const path = fileWith(
      "skillspan_house_dev.conll",
      "Team\tB-Skill\tO\nwork\tI-Skill\tO\n\nSQL\tO\tB-Knowledge\n",
    );
    expect(readSkillSpanConll(path)).toEqual([
      { tokens: ["Team", "work"], layers: { skill: ["B", "I"], knowledge: ["O", "O"] }, source: "house" },
      { tokens: ["SQL"], layers: { skill: ["O"], knowledge: ["B"] }, source: "house" },
    ]);
    const bad = fileWith("bad.conll", "Team\tB\tO\nwork\tX\tO\n");
    expect(() => readSkillSpanConll(bad)).toThrow(/bad\.conll:2/);
  });
});

describeWithShared("SkillSpan dev on the shared data", "data/skillspan/json/dev.json", (path) => {
  it("has the published sentence and span counts", () => {
    const dev = readSkillSpanJson(path);
    expect(dev.length).toBe(3174);
    expect(spanCount(dev, "skill")).toBe(1070);
    expect(spanCount(dev, "knowledge")).toBe(1093);
  });

  it("agrees with the house and tech CoNLL files", () => {
    const conllFolder = join(dirname(dirname(path)), "conll");
    const json = readSkillSpanJson(path);
    const withoutDocIdx = (source: string) =>
      json.filter((sentence) => sentence.source === source).map(({ docIdx: _docIdx, ...rest }) => rest);
    const tech = readSkillSpanConll(join(conllFolder, "skillspan_tech_dev.conll"));
    expect(tech).toEqual(withoutDocIdx("tech"));
    // The house CoNLL file ends with one sentence that the JSON release does not have.
    const house = readSkillSpanConll(join(conllFolder, "skillspan_house_dev.conll"));
    const houseJson = withoutDocIdx("house");
    expect(house.length).toBe(houseJson.length + 1);
    expect(house.slice(0, houseJson.length)).toEqual(houseJson);
  });
});
