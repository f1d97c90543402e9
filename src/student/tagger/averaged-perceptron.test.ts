import { describe, expect, it } from "vitest";
import { AveragedPerceptron } from "./averaged-perceptron.ts";
import type { SentenceFeatures } from "./features.ts";
import { LabelSet } from "./label-set.ts";
import { emissionScores, sequenceScore } from "./viterbi.ts";

/**
 * Updates worked out by hand on the smallest case: one token with two feature ids, tags O/B/I,
 * gold B, weights from zero. Zero weights tie every tag, and the decoder takes the first allowed
 * one, O; so the update moves weight from O to B on both features, on the start transition and on
 * the final score: eight entries of ±1, ‖Δφ‖² = 8.
 */
const labels = new LabelSet(["O", "B", "I"]);
const size = labels.size;
const features: SentenceFeatures = { ids: Uint32Array.from([5, 9]), offsets: Uint32Array.from([0, 2]) };
const gold = Int32Array.from([1]);
const hashBits = 8;

/** The eight entries the update touches, as [gold side, predicted side] pairs. */
function touched(weights: ReturnType<AveragedPerceptron["current"]>): number[][] {
  return [
    [weights.emission[5 * size + 1], weights.emission[5 * size + 0]],
    [weights.emission[9 * size + 1], weights.emission[9 * size + 0]],
    [weights.transition[labels.start * size + 1], weights.transition[labels.start * size + 0]],
    [weights.final[1], weights.final[0]],
  ].map((pair) => pair.map((value) => value ?? Number.NaN));
}

function nonZero(weights: ReturnType<AveragedPerceptron["current"]>): number {
  return [weights.emission, weights.transition, weights.transition2, weights.final].reduce(
    (count, table) => count + table.filter((value) => value !== 0).length,
    0,
  );
}

describe("AveragedPerceptron, by hand", () => {
  it("perceptron: a step of 1, averaged over every step with the starting zeros (Daumé, CIML alg. 7)", () => {
    const perceptron = new AveragedPerceptron(labels, 1, hashBits, {
      kind: "perceptron",
      aggressiveness: 1,
      cost: 0,
    });
    perceptron.learn(features, gold);
    expect(touched(perceptron.current())).toEqual(Array(4).fill([1, -1]));
    expect(nonZero(perceptron.current())).toBe(8);
    // Weights held after each example so far: 0 (before), 1 → mean 1/2.
    expect(touched(perceptron.averaged())).toEqual(Array(4).fill([0.5, -0.5]));
    // Now right: no update, and the mean of 0, 1, 1 is 2/3.
    perceptron.learn(features, gold);
    expect(touched(perceptron.current())).toEqual(Array(4).fill([1, -1]));
    for (const pair of touched(perceptron.averaged())) {
      expect(pair[0]).toBeCloseTo(2 / 3, 6);
      expect(pair[1]).toBeCloseTo(-2 / 3, 6);
    }
  });

  it("passive-aggressive: the smallest step that gives gold a margin of its Hamming loss, capped (PA-I)", () => {
    // Crammer et al. 2006: τ = min(C, loss / ‖Δφ‖²), here min(10, (1 − 0) / 8) = 1/8.
    const pa = new AveragedPerceptron(labels, 1, hashBits, {
      kind: "passive-aggressive",
      aggressiveness: 10,
      cost: 1,
    });
    pa.learn(features, gold);
    expect(touched(pa.current())).toEqual(Array(4).fill([1 / 8, -1 / 8]));
    // After the step the constraint is tight: score(gold) − score(O) equals the loss, 1.
    const emission = emissionScores(features, pa.scores, size);
    const margin =
      sequenceScore(emission, gold, pa.scores, labels) -
      sequenceScore(emission, Int32Array.from([0]), pa.scores, labels);
    expect(margin).toBeCloseTo(1, 12);
    // A smaller cap C wins over 1/8.
    const capped = new AveragedPerceptron(labels, 1, hashBits, {
      kind: "passive-aggressive",
      aggressiveness: 0.05,
      cost: 1,
    });
    capped.learn(features, gold);
    expect(touched(capped.current())).toEqual(
      Array(4)
        .fill([0.05, -0.05])
        .map((pair) => pair.map(Math.fround)),
    );
  });
});
