import { describe, expect, it } from "vitest";
import type { SegmentScorer } from "../segment-classifier/index.ts";
import { type TaggerSentence, trainTagger } from "../tagger/index.ts";
import {
  segmentClassifierUncertainty,
  segmentUncertainty,
  taggerUncertainty,
  thresholdMargin,
} from "./uncertainty.ts";

/** Three sentences the tagger learns by heart (bare BIO, two layers). */
const training: TaggerSentence[] = [
  ["Fluent", "German", "and", "Excel", "needed"],
  ["Lead", "a", "small", "team", "with", "Jira"],
  ["Good", "listener", "who", "writes", "Rust"],
].map((tokens, index) => ({
  tokens,
  layers: {
    skill: [
      ["O", "O", "O", "O", "O"],
      ["B", "I", "I", "I", "O", "O"],
      ["B", "I", "O", "O", "O"],
    ][index] as string[],
    knowledge: [
      ["O", "B", "O", "B", "O"],
      ["O", "O", "O", "O", "O", "B"],
      ["O", "O", "O", "O", "B"],
    ][index] as string[],
  },
}));

describe("thresholdMargin", () => {
  it("is 1 on the threshold, 0 at certainty, linear on each side of it", () => {
    expect(thresholdMargin(0.5, 0.5)).toBe(1);
    expect(thresholdMargin(1, 0.5)).toBe(0);
    expect(thresholdMargin(0, 0.5)).toBe(0);
    expect(thresholdMargin(0.65, 0.3)).toBeCloseTo(0.5, 12);
    expect(thresholdMargin(0.15, 0.3)).toBeCloseTo(0.5, 12);
    // Nearer the threshold is less sure, on both sides.
    expect(thresholdMargin(0.6, 0.5)).toBeGreaterThan(thresholdMargin(0.9, 0.5));
    expect(thresholdMargin(0.4, 0.5)).toBeGreaterThan(thresholdMargin(0.1, 0.5));
    expect(thresholdMargin(1, 1)).toBe(1);
  });
});

describe("segmentUncertainty", () => {
  it("is the least decided label's margin", () => {
    const labels = ["a", "b", "c"];
    expect(segmentUncertainty({ a: 0.99, b: 0.5, c: 0.01 }, labels, [0.5, 0.5, 0.5])).toBe(1);
    expect(segmentUncertainty({ a: 0.99, b: 0.9, c: 0.01 }, labels, [0.5, 0.5, 0.5])).toBeCloseTo(0.2, 12);
    // A label the scores leave out counts as probability 0 (certain "no" at threshold 0.5).
    expect(segmentUncertainty({ a: 1 }, labels, [0.5, 0.5, 0.5])).toBe(0);
  });
});

describe("segmentClassifierUncertainty", () => {
  /** Sure of segments starting "Sure", torn (on the threshold) on the others. */
  const scorer: SegmentScorer = {
    labels: ["a"],
    thresholds: [0.5],
    predictBatch: (texts) =>
      texts.map((text) => ({ labels: [], scores: { a: text.startsWith("Sure") ? 1 : 0.5 } })),
  };

  it("averages the segments of a text", async () => {
    expect(await segmentClassifierUncertainty(scorer, "Sure thing.\n\nMaybe so.")).toBeCloseTo(0.5, 12);
    expect(await segmentClassifierUncertainty(scorer, "Sure thing.")).toBe(0);
    expect(await segmentClassifierUncertainty(scorer, "")).toBe(0);
  });

  it("with least-sure, averages only the three least sure segments", async () => {
    const text = "Sure one.\n\nSure two.\n\nSure three.\n\nMaybe so.";
    expect(await segmentClassifierUncertainty(scorer, text)).toBeCloseTo(0.25, 12);
    expect(await segmentClassifierUncertainty(scorer, text, "least-sure")).toBeCloseTo(1 / 3, 12);
    expect(await segmentClassifierUncertainty(scorer, "Maybe so.", "least-sure")).toBe(1);
  });
});

describe("taggerUncertainty", () => {
  const tagger = trainTagger(training, { epochs: 8, patience: 8, seed: 7, hashBits: 12, order: 2 });

  it("is 1 − the geometric mean per-token probability of the Viterbi path: in [0, 1), lower on text it was trained on", () => {
    for (const sentence of training) {
      const confidence = tagger.pathConfidence(sentence.tokens);
      expect(confidence).toBeLessThanOrEqual(0);
      expect(taggerUncertainty(tagger, sentence.tokens.join(" "))).toBeCloseTo(1 - Math.exp(confidence), 9);
    }
    const seen = taggerUncertainty(tagger, "Lead a small team with Jira");
    const unseen = taggerUncertainty(tagger, "Gorp blee wint zanf the quoll");
    expect(seen).toBeGreaterThanOrEqual(0);
    expect(unseen).toBeLessThan(1);
    expect(unseen).toBeGreaterThan(seen);
    expect(taggerUncertainty(tagger, "")).toBe(0);
    expect(tagger.pathConfidence([])).toBe(0);
  });
});
