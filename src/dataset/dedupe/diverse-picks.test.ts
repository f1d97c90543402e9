import { describe, expect, it } from "vitest";
import { pickDiverse } from "./diverse-picks.ts";

const advert = "Senior Java developer wanted for our Berlin office, experience with Spring and SQL";
const candidates = [
  { id: "c", text: "Nurse for night shifts in a small clinic", score: 0.1 },
  { id: "a", text: advert, score: 0.9 },
  { id: "a-copy", text: `${advert}!`, score: 0.8 },
  { id: "b", text: "Accountant who knows German tax law and payroll", score: 0.7 },
];

describe("pickDiverse", () => {
  it("takes the highest scores first and passes over near-copies of a pick", () => {
    expect(pickDiverse(candidates, { count: 2 }).map((pick) => pick.id)).toEqual(["a", "b"]);
    expect(pickDiverse(candidates, { count: 3 }).map((pick) => pick.id)).toEqual(["a", "b", "c"]);
    const ranks = pickDiverse(candidates, { count: 3 }).map((pick) => pick.rank);
    expect(ranks).toEqual([0, 2, 3]);
  });

  it("fills the count with passed-over candidates, marked, when nothing else is left", () => {
    const picks = pickDiverse(candidates, { count: 4 });
    expect(picks.map((pick) => [pick.id, pick.filled])).toEqual([
      ["a", false],
      ["b", false],
      ["c", false],
      ["a-copy", true],
    ]);
  });

  it("never returns more than the count, or a candidate twice", () => {
    expect(pickDiverse(candidates, { count: 0 })).toEqual([]);
    expect(pickDiverse(candidates, { count: 1 }).map((pick) => pick.id)).toEqual(["a"]);
    expect(pickDiverse(candidates, { count: 10 })).toHaveLength(4);
    const twice = pickDiverse([...candidates, { ...candidates[1], id: "a" } as (typeof candidates)[number]], {
      count: 10,
    });
    expect(twice.map((pick) => pick.id).sort()).toEqual(["a", "a-copy", "b", "c"]);
  });

  it("with maxSimilarity 1 keeps score order alone; ties break by id", () => {
    expect(pickDiverse(candidates, { count: 2, maxSimilarity: 1 }).map((pick) => pick.id)).toEqual([
      "a",
      "a-copy",
    ]);
    const tied = [
      { id: "y", text: "one two three", score: 0.5 },
      { id: "x", text: "four five six", score: 0.5 },
    ];
    expect(pickDiverse(tied, { count: 1 }).map((pick) => pick.id)).toEqual(["x"]);
  });
});
