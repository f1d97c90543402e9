import { describe, expect, it } from "vitest";
import { estimateJaccard, jaccard, lshBanding, MinHasher, NearDuplicateIndex } from "./minhash.ts";
import { comparableWords, wordShingleHashes } from "./words.ts";

/** Sets of `size` integers sharing `shared` of them: Jaccard = shared / (2·size − shared). */
function pair(size: number, shared: number, offset: number): [Set<number>, Set<number>] {
  const a = new Set<number>();
  const b = new Set<number>();
  for (let i = 0; i < shared; i++) {
    a.add(offset + i);
    b.add(offset + i);
  }
  for (let i = shared; i < size; i++) {
    a.add(offset + 10_000 + i);
    b.add(offset + 20_000 + i);
  }
  return [a, b];
}

const words = (seed: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `w${(seed * 7919 + i * 104729) % 100_003}`).join(" ");

describe("MinHash", () => {
  it("estimates Jaccard similarity within 0.1 on constructed pairs (256 permutations)", () => {
    const hasher = new MinHasher({ permutations: 256, seed: 7 });
    for (const shared of [0, 50, 100, 150, 180, 200]) {
      const [a, b] = pair(200, shared, shared * 1000);
      const exact = jaccard(a, b);
      expect(exact).toBeCloseTo(shared / (400 - shared), 10);
      expect(Math.abs(estimateJaccard(hasher.signature(a), hasher.signature(b)) - exact)).toBeLessThan(0.1);
    }
  });

  it("is deterministic for a seed, and another seed gives other hash functions", () => {
    const [a] = pair(50, 10, 0);
    expect(new MinHasher({ seed: 3 }).signature(a)).toEqual(new MinHasher({ seed: 3 }).signature(a));
    expect(new MinHasher({ seed: 4 }).signature(a)).not.toEqual(new MinHasher({ seed: 3 }).signature(a));
  });

  it("bands the signature so pairs above the threshold are almost always candidates", () => {
    for (const threshold of [0.5, 0.8, 0.9]) {
      const { bands, rows } = lshBanding(threshold, 128);
      expect(bands * rows).toBeLessThanOrEqual(128);
      const candidate = (s: number) => 1 - (1 - s ** rows) ** bands;
      expect(candidate(threshold)).toBeGreaterThan(0.9);
      expect(candidate(threshold + 0.05)).toBeGreaterThan(0.98);
      expect(candidate(threshold - 0.3)).toBeLessThan(0.2);
    }
  });

  it("shingles words case- and punctuation-blind; a short text is one shingle", () => {
    expect(comparableWords("Led a K8s migration, on-call!")).toEqual([
      "led",
      "a",
      "k8s",
      "migration",
      "on",
      "call",
    ]);
    expect(wordShingleHashes(comparableWords("A b c"), 5).size).toBe(1);
    expect(wordShingleHashes(comparableWords("a b c d e f"), 5).size).toBe(2);
    expect(wordShingleHashes([], 5).size).toBe(0);
  });
});

describe("NearDuplicateIndex", () => {
  it("catches light edits of an earlier text, keeps the first, and lets distinct texts through", () => {
    const index = new NearDuplicateIndex({ threshold: 0.8, shingleWords: 5 });
    const original = words(1, 200);
    const edited = original.replace(/w(\d+)/, "changed").replace(/ w(\d+) w/, " other w");
    expect(index.add("a", original)).toBeUndefined();
    expect(index.add("b", words(2, 200))).toBeUndefined();
    const match = index.add("c", edited);
    expect(match?.of).toBe("a");
    expect(match?.similarity).toBeGreaterThanOrEqual(0.8);
    expect(index.add("d", original.toUpperCase())).toMatchObject({ of: "a", similarity: 1 });
    // Half the words shared is well below 0.8: kept.
    expect(index.add("e", `${words(1, 100)} ${words(3, 100)}`)).toBeUndefined();
    expect(index.comparisons).toBeGreaterThan(0);
  });

  it("gives the same verdicts however often it is run", () => {
    const texts = Array.from({ length: 40 }, (_, i) => words(i % 25, 120));
    const verdicts = () => {
      const index = new NearDuplicateIndex({ threshold: 0.8, shingleWords: 5, seed: 9 });
      return texts.map((text, i) => index.add(`t${i}`, text)?.of);
    };
    const first = verdicts();
    expect(first.filter((of) => of !== undefined)).toHaveLength(15);
    expect(first[30]).toBe("t5");
    expect(verdicts()).toEqual(first);
  });
});
