import { describe, expect, it } from "vitest";
import { createRandom } from "../../core/random.ts";
import { sigmoid, softmaxInPlace } from "../segment-classifier/probability.ts";
import { chooseAbstainThreshold, fitPlattPerLabel, fitTemperature, reliabilityCurve } from "./calibration.ts";

/** A three-class toy whose true logits are known; the model reports them five times too sharp. */
function overconfident(seed: number, count: number) {
  const random = createRandom(seed);
  const margins: Float64Array[] = [];
  const gold: number[] = [];
  const truth = new Float64Array(3);
  for (let e = 0; e < count; e++) {
    const logits = Float64Array.from({ length: 3 }, () => random.next() * 2);
    truth.set(logits);
    softmaxInPlace(truth, 3, 1);
    const u = random.next();
    gold.push(u < (truth[0] as number) ? 0 : u < (truth[0] as number) + (truth[1] as number) ? 1 : 2);
    margins.push(logits.map((value) => value * 5));
  }
  return { margins, gold };
}

function topConfidence(margins: readonly Float64Array[], gold: readonly number[], temperature: number) {
  const confidences: number[] = [];
  const correct: boolean[] = [];
  const scratch = new Float64Array(3);
  margins.forEach((row, e) => {
    scratch.set(row);
    softmaxInPlace(scratch, 3, temperature);
    let best = 0;
    for (let l = 1; l < 3; l++) if ((scratch[l] as number) > (scratch[best] as number)) best = l;
    confidences.push(scratch[best] as number);
    correct.push(best === gold[e]);
  });
  return { confidences, correct };
}

describe("reliabilityCurve", () => {
  it("bins confidences and computes the expected calibration error", () => {
    const curve = reliabilityCurve([0.05, 0.15, 0.95, 1, 0.9], [false, true, true, true, false], 10);
    expect(curve.bins).toHaveLength(10);
    expect(curve.bins[0]).toMatchObject({ count: 1, accuracy: 0 });
    expect(curve.bins[9]).toMatchObject({ count: 3, lower: 0.9, upper: 1 });
    expect(curve.bins[9]?.meanConfidence).toBeCloseTo((0.95 + 1 + 0.9) / 3, 12);
    expect(curve.bins[9]?.accuracy).toBeCloseTo(2 / 3, 12);
    const expected = (1 / 5) * 0.05 + (1 / 5) * 0.85 + (3 / 5) * Math.abs(2 / 3 - 2.85 / 3);
    expect(curve.ece).toBeCloseTo(expected, 12);
    expect(curve.maximumError).toBeCloseTo(0.85, 12);
  });

  it("rejects what is not a confidence", () => {
    expect(() => reliabilityCurve([1.5], [true])).toThrow(/\[0, 1\]/);
    expect(() => reliabilityCurve([0.5], [])).toThrow(/one correct/);
    expect(() => reliabilityCurve([0.5], [true], 0)).toThrow(/bins/);
  });
});

describe("calibration", () => {
  it("temperature scaling lowers the ECE of an overconfident model on held-out data", () => {
    const dev = overconfident(1, 2000);
    const test = overconfident(2, 2000);
    const temperature = fitTemperature(dev.margins, dev.gold, 3);
    expect(temperature).toBeGreaterThan(3.5);
    expect(temperature).toBeLessThan(7);
    const before = topConfidence(test.margins, test.gold, 1);
    const after = topConfidence(test.margins, test.gold, temperature);
    const eceBefore = reliabilityCurve(before.confidences, before.correct).ece;
    const eceAfter = reliabilityCurve(after.confidences, after.correct).ece;
    expect(eceAfter).toBeLessThan(eceBefore / 3);
  });

  it("Platt per label recovers each label's own scale", () => {
    const random = createRandom(3);
    const margins: number[][] = [];
    const targets: number[][] = [];
    for (let e = 0; e < 3000; e++) {
      const row = [random.next() * 8 - 4, random.next() * 8 - 4];
      margins.push(row);
      // Label 0 is truly sigmoid(margin / 4); label 1 sigmoid(2 · margin − 1).
      targets.push(
        [0, 1].filter(
          (l) =>
            random.next() < (l === 0 ? sigmoid((row[0] as number) / 4) : sigmoid(2 * (row[1] as number) - 1)),
        ),
      );
    }
    const { slopes, intercepts } = fitPlattPerLabel(margins, targets, 2);
    expect(slopes[0]).toBeCloseTo(0.25, 1);
    expect(slopes[1]).toBeGreaterThan(1.5);
    expect(intercepts[1]).toBeLessThan(-0.5);
  });
});

describe("chooseAbstainThreshold", () => {
  const random = createRandom(9);
  // Right with probability equal to the confidence: the higher the bar, the more accurate.
  const confidences = Array.from({ length: 2000 }, () => 0.3 + 0.7 * random.next());
  const correct = confidences.map((confidence) => random.next() < confidence);

  it("answers as much as it can while meeting the asked accuracy on its data", () => {
    for (const minAccuracy of [0.8, 0.9, 0.95]) {
      const choice = chooseAbstainThreshold(confidences, correct, { minAccuracy });
      expect(choice.met).toBe(true);
      const answered = confidences
        .map((confidence, i) => ({ confidence, right: correct[i] }))
        .filter((item) => item.confidence >= choice.threshold);
      expect(answered).toHaveLength(choice.answered);
      expect(answered.filter((item) => item.right).length / answered.length).toBeGreaterThanOrEqual(
        minAccuracy,
      );
      expect(choice.accuracy).toBeGreaterThanOrEqual(minAccuracy);
      expect(choice.coverage).toBeCloseTo(answered.length / confidences.length, 12);
      expect(choice.coverage).toBeLessThan(1);
    }
    const loose = chooseAbstainThreshold(confidences, correct, { minAccuracy: 0.5 });
    expect(loose.coverage).toBe(1);
  });

  it("says when the accuracy cannot be met, and gives the most accurate threshold", () => {
    const choice = chooseAbstainThreshold([0.9, 0.8, 0.7], [false, true, false], { minAccuracy: 0.99 });
    expect(choice).toMatchObject({ met: false, answered: 2, accuracy: 0.5 });
  });

  it("maximises F of precision and recall (abstentions count as misses)", () => {
    const choice = chooseAbstainThreshold([0.9, 0.8, 0.7, 0.6], [true, true, false, false], {
      maximiseF: true,
    });
    expect(choice).toMatchObject({ answered: 2, accuracy: 1, threshold: 0.75 });
    // Recall is 2 of 4 items: F1 = 2 · 1 · 0.5 / 1.5.
    expect(choice.f).toBeCloseTo(2 / 3, 12);
    const all = chooseAbstainThreshold([0.9, 0.9, 0.9], [true, false, true], { maximiseF: true });
    expect(all.coverage).toBe(1);
  });

  it("fails clearly without data", () => {
    expect(() => chooseAbstainThreshold([], [], { minAccuracy: 0.9 })).toThrow(/without examples/);
    expect(() => chooseAbstainThreshold([0.5], [true], { minAccuracy: 2 })).toThrow(/minAccuracy/);
  });
});
