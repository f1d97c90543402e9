import { describe, expect, it } from "vitest";
import { findFuzzyWindows, internWords, matchTokens, substitutionCost } from "./fuzzy-match.ts";

const words = (text: string): string[] => matchTokens(text).map((token) => token.text);

describe("substitutionCost", () => {
  it.each([
    ["python", "python", 0],
    ["skill", "skills", 0.35],
    ["experiance", "experience", 0.35],
    ["procesess", "processes", 0.35],
    ["manage", "management", 0.5],
    ["rust", "must", 1],
    ["sql", "sqs", 1],
    ["java", "javascript", 0.5],
    ["design", "assign", 1],
  ])("%s → %s costs %d", (a, b, cost) => {
    expect(substitutionCost(a, b)).toBe(cost);
    expect(substitutionCost(b, a)).toBe(cost);
  });
});

describe("matchTokens", () => {
  it("keeps words with their offsets and drops punctuation", () => {
    expect(matchTokens("c++, c# and node.js! don't (m&a)")).toEqual([
      { text: "c++", start: 0, end: 3 },
      { text: "c#", start: 5, end: 7 },
      { text: "and", start: 8, end: 11 },
      { text: "node.js", start: 12, end: 19 },
      { text: "don't", start: 21, end: 26 },
      { text: "m&a", start: 28, end: 31 },
    ]);
  });
});

describe("findFuzzyWindows", () => {
  const source = words("we need experience with cloud platforms such as aws or azure and strong sql skills");

  it("finds a paraphrase, counting skipped source words at half price", () => {
    const { windows } = findFuzzyWindows(
      words("experience with cloud platforms like aws or azure"),
      source,
      0.8,
    );
    expect(windows).toHaveLength(1);
    expect(source.slice(windows[0]?.firstToken, windows[0]?.endToken).join(" ")).toBe(
      "experience with cloud platforms such as aws or azure",
    );
    // One substitution (1) and one skipped word (0.5) over nine words.
    expect(windows[0]?.similarity).toBeCloseTo(1 - 1.5 / 9, 10);
  });

  it("charges full price for words the source does not have", () => {
    const { windows, bestSimilarity } = findFuzzyWindows(words("strong sql and rust skills"), source, 0.8);
    expect(windows).toEqual([]);
    // "and" and "rust" are missing from "strong sql skills": two full edits over five words.
    expect(bestSimilarity).toBeCloseTo(0.6, 10);
  });

  it("returns non-overlapping windows, best first, and works on interned words", () => {
    const repeated = internWords(words("strong sql skills and more strong sql skill"));
    const { windows } = findFuzzyWindows(words("strong sql skills"), repeated, 0.5);
    expect(windows.map((w) => [w.firstToken, w.endToken])).toEqual([
      [0, 3],
      [5, 8],
    ]);
    expect(windows[0]?.similarity).toBe(1);
    expect(windows[1]?.similarity).toBeCloseTo(1 - 0.35 / 3, 10);
  });

  it("keeps a window whose similarity equals the threshold, and drops it just above", () => {
    const cloud = words("experience with cloud computing");
    const paraphrase = words("experience with cloud platforms");
    // One substitution over four words: 0.75. The window without "computing" (one missing word,
    // also 0.75) overlaps it and loses the tie: its length is further from the quote's.
    expect(findFuzzyWindows(paraphrase, cloud, 0.75)).toEqual({
      windows: [{ firstToken: 0, endToken: 4, similarity: 0.75 }],
      bestSimilarity: 0.75,
    });
    expect(findFuzzyWindows(paraphrase, cloud, 0.75 + Number.EPSILON)).toEqual({
      windows: [],
      bestSimilarity: 0.75,
    });
  });

  it("handles empty inputs", () => {
    expect(findFuzzyWindows([], source, 0.8)).toEqual({ windows: [], bestSimilarity: 0 });
    expect(findFuzzyWindows(["x"], [], 0.8)).toEqual({ windows: [], bestSimilarity: 0 });
  });
});
