import { describe, expect, it } from "vitest";
import { annotatorAgreement } from "./annotator-agreement.ts";

describe("annotatorAgreement", () => {
  // "Python and SQL daily" has four word tokens: Python [0,6) and [7,10) SQL [11,14) daily [15,20).
  const text = "Python and SQL daily";

  it("scores span F1 and token kappa per category, worked by hand", () => {
    const agreement = annotatorAgreement(
      [
        {
          text,
          first: [
            { label: "hard_skills", start: 0, end: 6 },
            { label: "hard_skills", start: 11, end: 14 },
          ],
          second: [{ label: "hard_skills", start: 0, end: 14 }],
        },
      ],
      ["hard_skills"],
    );
    const entry = agreement.perCategory.hard_skills;
    // Strict: no span in common → F1 0. Loose: the second's one span overlaps both of the first's
    // (precision 1/1), and both of the first's are found (recall 2/2) → F1 1.
    expect(entry).toMatchObject({ first: 2, second: 1, strictF1: 0, looseF1: 1, tokens: 3 });
    // Tokens (first, second): Python (in, in), and (out, in), SQL (in, in), daily (out, out).
    // po = 3/4; first in 2/4, second in 3/4 → pe = 2/4·3/4 + 2/4·1/4 = 1/2 → kappa = (3/4 − 1/2)/(1/2) = 0.5.
    expect(entry?.tokenKappa).toBeCloseTo(0.5, 12);
    expect(agreement.tokens).toBe(4);
    expect(agreement.micro).toEqual({ strictF1: 0, looseF1: 1 });
  });

  it("gives identical annotations F1 1 and kappa 1, and keeps categories apart", () => {
    const spans = [
      { label: "job_duties", start: 0, end: 20 },
      { label: "hard_skills", start: 0, end: 6 },
    ];
    const agreement = annotatorAgreement(
      [{ text, first: spans, second: spans }],
      ["job_duties", "hard_skills"],
    );
    expect(agreement.perCategory.job_duties).toMatchObject({
      strictF1: 1,
      looseF1: 1,
      tokenKappa: 1,
      tokens: 4,
    });
    expect(agreement.perCategory.hard_skills).toMatchObject({
      strictF1: 1,
      looseF1: 1,
      tokenKappa: 1,
      tokens: 1,
    });
    expect(agreement.macro).toEqual({ strictF1: 1, looseF1: 1, tokenKappa: 1 });
  });
});
