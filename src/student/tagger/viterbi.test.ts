import { describe, expect, it } from "vitest";
import { createRandom } from "../../core/random.ts";
import { LabelSet } from "./label-set.ts";
import { decodeEmission, type LayerScores, logPartition, sequenceScore } from "./viterbi.ts";

/** Every tag sequence of a length that obeys the label set's BIO or BILOU constraints. */
function allowedSequences(labels: LabelSet, length: number): Int32Array[] {
  let sequences: number[][] = [[]];
  for (let position = 0; position < length; position++) {
    sequences = sequences.flatMap((sequence) => {
      const previous = sequence.length > 0 ? (sequence[sequence.length - 1] as number) : labels.start;
      return labels.tags
        .map((_, tag) => tag)
        .filter((tag) => labels.allowed[previous * labels.size + tag])
        .map((tag) => [...sequence, tag]);
    });
  }
  return sequences
    .filter((sequence) => sequence.length === 0 || labels.allowedEnd[sequence[sequence.length - 1] as number])
    .map((sequence) => Int32Array.from(sequence));
}

/** Transition tables of random noise (emissions come per sentence). */
function randomScores(order: 1 | 2, size: number, noise: (length: number) => Float64Array): LayerScores {
  return {
    order,
    bucketMask: 0,
    emission: new Float64Array(0),
    transition: noise((size + 1) * size),
    transition2: order === 2 ? noise((size + 1) * (size + 1) * size) : new Float64Array(0),
    final: noise(size),
  };
}

describe("Viterbi decoding", () => {
  const random = createRandom(3);
  const noise = (length: number) => Float64Array.from({ length }, () => random.next() * 4 - 2);

  for (const order of [1, 2] as const) {
    for (const tags of [
      ["O", "B", "I"],
      ["O", "B-a", "I-a", "B-b", "I-b"],
      ["O", "B", "I", "L", "U"],
    ]) {
      it(`finds the best allowed sequence by brute force (order ${order}, ${tags.length} tags)`, () => {
        const labels = new LabelSet(tags);
        const size = labels.size;
        for (let trial = 0; trial < 20; trial++) {
          const length = 1 + (trial % 5);
          const scores = randomScores(order, size, noise);
          const emission = noise(length * size);
          const decoded = decodeEmission(emission, scores, labels);
          const best = Math.max(
            ...allowedSequences(labels, length).map((sequence) =>
              sequenceScore(emission, sequence, scores, labels),
            ),
          );
          expect(sequenceScore(emission, decoded, scores, labels)).toBeCloseTo(best, 9);
          expect(
            allowedSequences(labels, length).some((sequence) => sequence.join() === decoded.join()),
          ).toBe(true);
        }
      });
    }
  }
});

describe("logPartition (the forward algorithm)", () => {
  const random = createRandom(11);
  const noise = (length: number) => Float64Array.from({ length }, () => random.next() * 6 - 3);

  for (const order of [1, 2] as const) {
    for (const tags of [
      ["O", "B", "I"],
      ["O", "B-a", "I-a", "B-b", "I-b"],
      ["O", "B", "I", "L", "U"],
    ]) {
      it(`sums exp(score) over every allowed sequence, as brute force does (order ${order}, ${tags.length} tags)`, () => {
        const labels = new LabelSet(tags);
        const size = labels.size;
        for (let trial = 0; trial < 12; trial++) {
          const length = 1 + (trial % 5);
          const scores = randomScores(order, size, noise);
          const emission = noise(length * size);
          const total = allowedSequences(labels, length).reduce(
            (sum, sequence) => sum + Math.exp(sequenceScore(emission, sequence, scores, labels)),
            0,
          );
          const logZ = logPartition(emission, scores, labels);
          expect(logZ).toBeCloseTo(Math.log(total), 9);
          // The best path's probability is at most 1, and below it while other paths are allowed.
          const best = sequenceScore(emission, decodeEmission(emission, scores, labels), scores, labels);
          expect(best).toBeLessThan(logZ);
        }
      });
    }
  }

  it("is 0 for an empty sentence", () => {
    const labels = new LabelSet(["O", "B", "I"]);
    const scores: LayerScores = {
      order: 1,
      bucketMask: 0,
      emission: new Float64Array(0),
      transition: new Float64Array(12),
      transition2: new Float64Array(0),
      final: new Float64Array(3),
    };
    expect(logPartition(new Float64Array(0), scores, labels)).toBe(0);
  });
});
