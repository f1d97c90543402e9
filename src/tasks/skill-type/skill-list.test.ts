import { describe, expect, it } from "vitest";
import { parseSkillList } from "./skill-list.ts";

describe("parseSkillList", () => {
  it("reads one phrase per line, blank lines skipped", () => {
    expect(parseSkillList("Python\n\n  teamwork \r\nSQL\n")).toEqual(["Python", "teamwork", "SQL"]);
  });

  it("skips a one-column file's header instead of counting it as a skill", () => {
    expect(parseSkillList("skill\nPython\nteamwork\n")).toEqual(["Python", "teamwork"]);
    expect(parseSkillList('\uFEFF"Skills"\nPython\n')).toEqual(["Python"]);
    expect(parseSkillList("Skill phrase\nPython\n")).toEqual(["Python"]);
  });

  it("reads a CSV whose header names a skill column as --column would", () => {
    const csv = 'id,skill,source\n1,Python,advert\n2,"communication, written",resume\n';
    expect(parseSkillList(csv)).toEqual(["Python", "communication, written"]);
    expect(parseSkillList(csv)).toEqual(parseSkillList(csv, { column: "skill" }));
  });

  it("keeps lines with commas as phrases when the first line is no such header", () => {
    expect(parseSkillList("Python, SQL\nteamwork\n")).toEqual(["Python, SQL", "teamwork"]);
  });

  it("says which columns there are when --column names none of them", () => {
    expect(() => parseSkillList("name,type\nPython,hard\n", { column: "skill" })).toThrow(
      'no column "skill" in the CSV (columns: name, type)',
    );
  });
});
