import { describe, expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import { readSkillSpanJson } from "./skill-span.ts";
import { detokenize, skillSpanPostings } from "./skill-span-postings.ts";

describe("detokenize", () => {
  it("joins tokens with spaces, none before closing marks or after opening ones", () => {
    const { text, offsets } = detokenize(["Skills", "(", "Java", ",", "SQL", ")", ":", "100", "%", "."]);
    expect(text).toBe("Skills (Java, SQL): 100%.");
    expect(offsets).toEqual([
      [0, 6],
      [7, 8],
      [8, 12],
      [12, 13],
      [14, 17],
      [17, 18],
      [18, 19],
      [20, 23],
      [23, 24],
      [24, 25],
    ]);
  });

  it("keeps anonymisation tags and gives empty tokens an empty range", () => {
    const { text, offsets } = detokenize(["<ORGANIZATION>", "", "is", "hiring"]);
    expect(text).toBe("<ORGANIZATION> is hiring");
    expect(offsets).toEqual([
      [0, 14],
      [14, 14],
      [15, 17],
      [18, 24],
    ]);
  });
});

describe("skillSpanPostings", () => {
  it("groups consecutive sentences of one source and idx, one line each, with spans on the text", () => {
    const postings = skillSpanPostings(
      [
        {
          tokens: ["Know", "Java", "."],
          layers: { skill: ["O", "O", "O"], knowledge: ["O", "B", "O"] },
          source: "tech",
          docIdx: 3,
        },
        {
          tokens: ["Work", "in", "teams"],
          layers: { skill: ["B", "I", "I"], knowledge: ["O", "O", "O"] },
          source: "tech",
          docIdx: 3,
        },
        { tokens: ["Next"], layers: { skill: ["O"], knowledge: ["O"] }, source: "house", docIdx: 3 },
      ],
      "dev",
    );
    expect(postings.map((posting) => posting.id)).toEqual(["skillspan-dev-tech-3", "skillspan-dev-house-3"]);
    const first = postings[0]!;
    expect(first.text).toBe("Know Java.\nWork in teams");
    expect(first.spans).toEqual([
      { layer: "knowledge", start: 5, end: 9 },
      { layer: "skill", start: 11, end: 24 },
    ]);
    expect(first.spans.map((span) => first.text.slice(span.start, span.end))).toEqual([
      "Java",
      "Work in teams",
    ]);
  });
});

describeWithShared("SkillSpan postings", "data/skillspan/json/test.json", (testPath) => {
  it("rebuilds 140 / 58 / 65 postings whose tokens sit at their offsets", () => {
    const counts: number[] = [];
    for (const split of ["train", "dev", "test"]) {
      const path = testPath.replace(/test\.json$/, `${split}.json`);
      const sentences = readSkillSpanJson(path);
      const postings = skillSpanPostings(sentences, split);
      counts.push(postings.length);
      let sentence = 0;
      for (const posting of postings) {
        expect(posting.text.split("\n")).toHaveLength(posting.tokenOffsets.length);
        for (const offsets of posting.tokenOffsets) {
          const tokens = sentences[sentence++]!.tokens;
          expect(offsets.map(([start, end]) => posting.text.slice(start, end))).toEqual(tokens);
        }
      }
      expect(sentence).toBe(sentences.length);
      expect(new Set(postings.map((posting) => posting.id)).size).toBe(postings.length);
    }
    expect(counts).toEqual([140, 58, 65]);
  });
});
