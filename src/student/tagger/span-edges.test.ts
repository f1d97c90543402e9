import { describe, expect, it } from "vitest";
import { bioToChunks } from "../../align/bio.ts";
import { chunksToTags, refineSpanEdges, trainSpanEdge } from "./span-edges.ts";

/** Spans that always run from the verb up to (not including) "for". */
const sentences = [
  {
    tokens: ["we", "manage", "a", "team", "of", "developers", "for", "us"],
    tags: ["O", "B", "I", "I", "I", "I", "O", "O"],
  },
  {
    tokens: ["we", "lead", "a", "team", "of", "testers", "for", "them"],
    tags: ["O", "B", "I", "I", "I", "I", "O", "O"],
  },
  {
    tokens: ["we", "build", "a", "team", "of", "analysts", "for", "it"],
    tags: ["O", "B", "I", "I", "I", "I", "O", "O"],
  },
  { tokens: ["we", "use", "Java", "daily"], tags: ["O", "O", "B", "O"] },
];
const tokens = ["we", "grow", "a", "team", "of", "designers", "for", "you"];

describe("span-edge rankers", () => {
  const ends = trainSpanEdge(sentences, "end", { hashBits: 12, epochs: 5 });
  const starts = trainSpanEdge(sentences, "start", { hashBits: 12, epochs: 5 });

  it("move a cut end or a late start to where the training spans have them", () => {
    const cut = [{ label: "", startToken: 1, endToken: 4 }];
    expect(refineSpanEdges(tokens, cut, ends, 0)).toEqual([{ label: "", startToken: 1, endToken: 6 }]);
    const late = [{ label: "", startToken: 3, endToken: 6 }];
    expect(refineSpanEdges(tokens, late, starts, 0)).toEqual([{ label: "", startToken: 1, endToken: 6 }]);
  });

  it("keep the tagger's edge under a large margin and never run into a neighbour", () => {
    const cut = [{ label: "", startToken: 1, endToken: 4 }];
    expect(refineSpanEdges(tokens, cut, ends, 1e9)).toEqual(cut);
    const chunks = [
      { label: "", startToken: 1, endToken: 3 },
      { label: "", startToken: 4, endToken: 5 },
    ];
    const refined = refineSpanEdges(tokens, chunks, ends, 0);
    expect(refined[0]?.endToken).toBeLessThanOrEqual(4);
    expect(refineSpanEdges(tokens, chunks, starts, 0)[1]?.startToken).toBeGreaterThanOrEqual(3);
  });

  it("write chunks back as BIO tags", () => {
    const tags = ["O", "B-x", "I-x", "O", "B-y"];
    expect(chunksToTags(bioToChunks(tags), tags.length)).toEqual(tags);
  });
});
