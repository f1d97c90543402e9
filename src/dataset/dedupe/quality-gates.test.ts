import { describe, expect, it } from "vitest";
import { QualityGates } from "./quality-gates.ts";
import { SeedCopyDetector } from "./seed-copy.ts";

const seed = {
  name: "seeds/devops.txt",
  text:
    "Site reliability engineer with eight years of experience running Kubernetes clusters, " +
    "writing Terraform modules and leading the on-call rotation for a payments platform in Berlin.",
};

const filler = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");

describe("SeedCopyDetector", () => {
  const detector = new SeedCopyDetector([seed], 12);

  it("finds a long run of a seed's words, whatever the case and punctuation", () => {
    const copied = `${filler(30, "a")} site RELIABILITY engineer, with eight years of experience running kubernetes clusters writing terraform ${filler(30, "b")}`;
    expect(detector.find(copied)).toEqual({ seed: "seeds/devops.txt", words: 13 });
  });

  it("lets shorter shared runs and unrelated texts through", () => {
    const short = `${filler(20, "a")} with eight years of experience running Kubernetes clusters ${filler(20, "b")}`;
    expect(detector.find(short)).toBeUndefined();
    expect(detector.find(filler(200, "x"))).toBeUndefined();
    expect(new SeedCopyDetector([], 12).find(seed.text)).toBeUndefined();
  });
});

describe("QualityGates", () => {
  it("rejects invalid texts, seed copies and near-duplicates, each with its reason and count", () => {
    const gates = new QualityGates({
      seeds: [seed],
      seedCopyWords: 12,
      nearDuplicate: { threshold: 0.8, shingleWords: 5 },
    });
    const first = filler(150, "w");
    expect(gates.check("a#0", first)).toBeUndefined();
    expect(gates.check("a#1", "short", ["text has 1 words: write at least 50"])).toMatchObject({
      reason: "invalid",
    });
    expect(gates.check("a#2", `${filler(60, "q")} ${seed.text} ${filler(60, "r")}`)).toMatchObject({
      reason: "seed-copy",
      seed: "seeds/devops.txt",
    });
    expect(gates.check("b#0", first.replace("w7 ", "x7 "))).toMatchObject({
      reason: "near-duplicate",
      of: "a#0",
    });
    expect(gates.check("b#1", filler(150, "v"))).toBeUndefined();
    expect(gates.counts).toEqual({ checked: 5, accepted: 2, invalid: 1, seedCopies: 1, nearDuplicates: 1 });
    expect(gates.nearDuplicateIndex.bands * gates.nearDuplicateIndex.rows).toBeLessThanOrEqual(128);
  });
});
