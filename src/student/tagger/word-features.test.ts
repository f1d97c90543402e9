import { describe, expect, it } from "vitest";
import { PhraseLexicon } from "./lexicon.ts";
import { learnWordClusters } from "./word-clusters.ts";
import { normaliseWord, shortShape, wordShape } from "./word-forms.ts";

describe("word forms", () => {
  it("normalises case and edge punctuation, and keeps punctuation-only tokens", () => {
    expect(normaliseWord("Databases:")).toBe("databases");
    expect(normaliseWord("(SQL)")).toBe("sql");
    expect(normaliseWord("C++")).toBe("c");
    expect(normaliseWord("-")).toBe("-");
  });

  it("maps shapes", () => {
    expect(wordShape("Node.js")).toBe("Xxxx.xx");
    expect(shortShape(wordShape("Node.js"))).toBe("Xx.x");
    expect(wordShape("ISO9001")).toBe("XXXdddd");
  });
});

describe("PhraseLexicon", () => {
  it("marks greedy longest matches on normalised tokens", () => {
    const lexicon = new PhraseLexicon(["project management", "project", "SQL", "  "]);
    expect(lexicon.maxLength).toBe(2);
    const tokens = ["strong", "project", "management,", "sql", "project"].map(normaliseWord);
    expect(Array.from(lexicon.mark(tokens))).toEqual([0, 1, 2, 1, 1]);
  });
});

describe("learnWordClusters", () => {
  it("puts words used alike in nearby clusters, deterministically", () => {
    const sentences: string[][] = [];
    const tools = ["java", "python", "sql", "docker"];
    const verbs = ["manage", "lead", "coordinate", "motivate"];
    for (let round = 0; round < 20; round++) {
      for (const tool of tools) sentences.push(["experience", "with", tool, "is", "required"]);
      for (const verb of verbs) sentences.push(["you", "will", verb, "the", "team"]);
    }
    const clusters = learnWordClusters(sentences, { seed: 5 });
    expect(learnWordClusters(sentences, { seed: 5 })).toEqual(clusters);
    const firstBit = (word: string) => clusters.get(word)?.[0];
    expect(new Set(tools.map(firstBit)).size).toBe(1);
    expect(new Set(verbs.map(firstBit)).size).toBe(1);
    const commonPrefix = (a: string, b: string) => {
      const left = clusters.get(a) ?? "";
      const right = clusters.get(b) ?? "";
      let length = 0;
      while (length < left.length && left[length] === right[length]) length++;
      return length;
    };
    expect(commonPrefix("java", "python")).toBeGreaterThan(commonPrefix("java", "manage"));
  });
});
