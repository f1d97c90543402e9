import { describe, expect, it } from "vitest";
import { csvField, highlightsToCsv, highlightsToText, parseSkillList, skillsToCsv } from "./result-files.ts";

describe("result files", () => {
  const result = {
    text: 'Python, "SQL"',
    spans: [
      { start: 0, end: 6, category: "hard_skills", text: "Python", score: 0.93 },
      { start: 8, end: 13, category: "hard_skills", text: '"SQL"', score: 0.5 },
    ],
  };

  it("quotes CSV fields and defuses spreadsheet formulas", () => {
    expect(csvField('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-3)).toBe("-3");
  });

  it("writes highlights as CSV and grouped text", () => {
    expect(highlightsToCsv(result, () => "Hard skills")).toBe(
      "category,category_name,start,end,score,text\r\n" +
        "hard_skills,Hard skills,0,6,0.9300,Python\r\n" +
        'hard_skills,Hard skills,8,13,0.5000,"""SQL"""\r\n',
    );
    expect(
      highlightsToText(result, [
        { id: "hard_skills", name: "Hard skills" },
        { id: "x", name: "X" },
      ]),
    ).toBe('Hard skills\n- Python (0.93)\n- "SQL" (0.50)\n');
  });

  it("writes skill rows as CSV", () => {
    expect(skillsToCsv([{ skill: "Python", label: "Hard", confidence: 0.9, source: "lexicon" }])).toBe(
      "skill,label,confidence,source\r\nPython,Hard,0.9000,lexicon\r\n",
    );
  });

  it("reads skills from pasted lines and from CSV columns", () => {
    expect(parseSkillList("Python\n\n  teamwork \nPython\n")).toEqual(["Python", "teamwork"]);
    expect(parseSkillList("skill\nPython\nSQL")).toEqual(["Python", "SQL"]);
    expect(parseSkillList('id,skill\n1,"Python, advanced"\n2,teamwork\r\n')).toEqual([
      "Python, advanced",
      "teamwork",
    ]);
    expect(parseSkillList("Python,1\nteamwork,2")).toEqual(["Python", "teamwork"]);
    expect(parseSkillList("")).toEqual([]);
  });
});
