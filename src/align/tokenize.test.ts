import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeWithShared } from "../../test/shared.ts";
import { tokenize } from "./tokenize.ts";

const words = (text: string): string[] => tokenize(text).map((token) => token.text);

describe("tokenize", () => {
  it.each([
    ["We use C++, C# and .NET.", ["We", "use", "C++", ",", "C#", "and", ".NET", "."]],
    ["Node.js (e-mail us)", ["Node.js", "(", "e-mail", "us", ")"]],
    ["3+ years, 24/7 support", ["3+", "years", ",", "24/7", "support"]],
    ["5,800 staff and 3.5 GPA; 10% bonus", ["5,800", "staff", "and", "3.5", "GPA", ";", "10%", "bonus"]],
    ["e.g. Python, SQL, etc.", ["e.g.", "Python", ",", "SQL", ",", "etc."]],
    ["Say no. Max.", ["Say", "no", ".", "Max", "."]],
    ["you'll and we’re", ["you'll", "and", "we’re"]],
    ["R&D at <ORGANIZATION>", ["R&D", "at", "<ORGANIZATION>"]],
    [
      "mail jobs@acme.com or see https://acme.com/jobs.",
      ["mail", "jobs@acme.com", "or", "see", "https://acme.com/jobs", "."],
    ],
    ["CI/CD and/or m/f/d", ["CI/CD", "and/or", "m/f/d"]],
    ["51–200 staff, 3–5 years – ok", ["51–200", "staff", ",", "3–5", "years", "–", "ok"]],
    ["Wait... -- done!", ["Wait", "...", "--", "done", "!"]],
    ["naïve café 😀", ["naïve", "café", "😀"]],
    ["well-being - hyphen", ["well-being", "-", "hyphen"]],
    ["", []],
  ])("splits %j", (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it("keeps exact offsets and never includes whitespace", () => {
    const text = "  Strong\tSQL skills;\n\n• 5+ yrs (C++/Rust) — U.S. based\u00a0ok  ";
    for (const token of tokenize(text)) {
      expect(text.slice(token.start, token.end)).toBe(token.text);
      expect(token.text).not.toMatch(/\s/);
    }
    const covered = tokenize(text)
      .map((token) => token.text)
      .join("");
    expect(covered).toBe(text.replace(/\s/g, ""));
  });

  // Its speed is measured by bench/align.ts (MB/s and tokens/s), not timed here.
  it("tokenises a megabyte of advert text into the tokens of each repeated paragraph", () => {
    const paragraph =
      "We are looking for a Senior Software Engineer with 5+ years of experience in C++, Node.js and .NET. " +
      "You'll work on our R&D team (e.g. on CI/CD pipelines) 24/7, earning 3.5% more. ";
    const repeats = Math.ceil(1_000_000 / paragraph.length);
    const perParagraph = tokenize(paragraph).length;
    expect(perParagraph).toBe(38);
    expect(tokenize(paragraph.repeat(repeats))).toHaveLength(perParagraph * repeats);
  });
});

describeWithShared("tokenize on SkillSpan sentences", "data/skillspan/json/dev.json", (path) => {
  it("reproduces most gold tokens from the space-joined sentence", () => {
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
    let gold = 0;
    let agreeing = 0;
    for (const line of lines) {
      const { tokens } = JSON.parse(line) as { tokens: string[] };
      const text = tokens.join(" ");
      const ours = new Set(tokenize(text).map((token) => `${token.start}:${token.end}`));
      let offset = 0;
      for (const token of tokens) {
        gold++;
        if (ours.has(`${offset}:${offset + token.length}`)) agreeing++;
        offset += token.length + 1;
      }
    }
    // SkillSpan keeps some trailing punctuation on words ("posted:"); we split it off.
    expect(agreeing / gold).toBeGreaterThan(0.95);
  });
});
