import { describe, expect, it } from "vitest";
import { fitKeywordBaseline, keywordBaselineSpans } from "./keyword-requirements.ts";

const training = [
  {
    text: "Design data pipelines in Python and SQL\nexcellent communication skills",
    spans: [
      { start: 0, end: 39, label: "job_duties" },
      { start: 25, end: 31, label: "hard_skills" },
      { start: 36, end: 39, label: "hard_skills" },
      { start: 50, end: 70, label: "soft_skills" },
    ],
  },
];

function quoted(text: string): string[] {
  const model = fitKeywordBaseline(training);
  return keywordBaselineSpans(model, text).map(
    (span) => `${span.label}: ${text.slice(span.start, span.end)}`,
  );
}

describe("keyword baseline", () => {
  it("nests the training gold's skill phrases inside whole-line spans chosen by cue", () => {
    expect(quoted("* Build ETL jobs with python and SQL.\nStrong Communication Skills")).toEqual([
      "job_duties: Build ETL jobs with python and SQL",
      "hard_skills: python",
      "hard_skills: SQL",
      "soft_skills: Communication Skills",
    ]);
  });

  it("leaves headings out, marks a label line from its content, and matches whole words only", () => {
    expect(quoted("Your Profile\nRequirements:\nBenefits: 30 days of holiday\nPythonic SQLite")).toEqual([
      "benefits: 30 days of holiday",
    ]);
  });

  it("takes the first matching cue: education before work experience", () => {
    expect(quoted("Bachelor's degree and 3+ years in a similar role")).toEqual([
      "education: Bachelor's degree and 3+ years in a similar role",
    ]);
    expect(quoted("3+ years in a similar role")).toEqual(["work_experience: 3+ years in a similar role"]);
  });
});
