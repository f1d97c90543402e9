import { describe, expect, it } from "vitest";
import type { TaggerModel } from "../tagger/index.ts";
import { highlightRequirements } from "./highlight-requirements.ts";
import { dropNonContentSpans, isContactLine, isHeadingLine, nonContentReason } from "./non-content-spans.ts";

/** A SkillSpan-style posting: one sentence per line, anonymisation tags, headings, a contact line. */
const posting = [
  "Senior Backend Engineer (m/f/d) <ORGANIZATION>",
  "<ADDRESS> <ADDRESS> <LOCATION>",
  "Your Profile",
  "At least 5 years of experience in Java or Kotlin.",
  "Requirements:",
  "Good understanding of Agile methodologies and Continuous Delivery.",
  "What we offer",
  "Paid Time Off",
  "Healthcare and Insurance Plans",
  "## Key Responsibilities",
  "Design and maintain data pipelines in Python and SQL",
  "Contact: <NAME> <CONTACT>",
  "Questions? Mail jobs@example.com or call +44 113 496 0000",
  "Read more at <CONTACT>",
].join("\n");

function spanOf(quote: string, from = 0): { start: number; end: number } {
  const start = posting.indexOf(quote, from);
  if (start === -1) throw new Error(`no ${quote} in the posting`);
  return { start, end: start + quote.length };
}

describe("nonContentReason", () => {
  it("finds headings: field labels, section words, Title Case section names, markdown", () => {
    expect(nonContentReason(posting, spanOf("Your Profile"))).toBe("heading");
    expect(nonContentReason(posting, spanOf("Requirements"))).toBe("heading");
    expect(nonContentReason(posting, spanOf("What we offer"))).toBe("heading");
    expect(nonContentReason(posting, spanOf("Key Responsibilities"))).toBe("heading");
  });

  it("keeps Title Case lists of benefits and skills, and sentences", () => {
    expect(nonContentReason(posting, spanOf("Paid Time Off"))).toBeUndefined();
    expect(nonContentReason(posting, spanOf("Healthcare and Insurance Plans"))).toBeUndefined();
    expect(nonContentReason(posting, spanOf("Agile methodologies"))).toBeUndefined();
    expect(nonContentReason(posting, spanOf("5 years of experience in Java or Kotlin"))).toBeUndefined();
    expect(nonContentReason(posting, spanOf("Python"))).toBeUndefined();
  });

  it("finds spans made only of anonymisation tags", () => {
    expect(nonContentReason(posting, spanOf("<ADDRESS> <ADDRESS> <LOCATION>"))).toBe("placeholder");
    expect(nonContentReason(posting, spanOf("<ORGANIZATION>"))).toBe("placeholder");
    expect(nonContentReason(posting, spanOf("Senior Backend Engineer"))).toBeUndefined();
  });

  it("finds contact lines but keeps calls to apply that point somewhere", () => {
    expect(nonContentReason(posting, spanOf("Contact: <NAME>"))).toBe("contact");
    expect(nonContentReason(posting, spanOf("jobs@example.com"))).toBe("contact");
    expect(nonContentReason(posting, spanOf("Read more at <CONTACT>"))).toBeUndefined();
  });

  it("finds spans inside an HTML heading", () => {
    const text = "Nurse\nWe need a registered nurse.";
    expect(nonContentReason(text, { start: 0, end: 5 }, [[0, 5]])).toBe("heading");
    expect(nonContentReason(text, { start: 0, end: 5 })).toBeUndefined();
  });
});

describe("line rules", () => {
  it("tells headings from content lines", () => {
    for (const heading of [
      "Job description:",
      "Technologies",
      "Nice to have",
      "What you will do",
      "# About us",
    ])
      expect(isHeadingLine(heading), heading).toBe(true);
    for (const content of [
      "Java",
      "Spring Boot",
      "Commuter Benefits",
      "We build tools.",
      "Design and maintain APIs",
    ])
      expect(isHeadingLine(content), content).toBe(false);
  });

  it("tells contact lines from sentences mentioning a contact", () => {
    expect(isContactLine("E-mail: recruiting@example.org")).toBe(true);
    expect(isContactLine("Tel. 0113 496 0000")).toBe(true);
    expect(isContactLine("www.example.com/careers")).toBe(true);
    expect(isContactLine("Apply via https://example.com/jobs by 1 May")).toBe(false);
    expect(isContactLine("We offer 30 days of paid holiday")).toBe(false);
  });

  it("drops only what the guide never marks", () => {
    const spans = [spanOf("Your Profile"), spanOf("Python"), spanOf("<LOCATION>"), spanOf("Paid Time Off")];
    expect(dropNonContentSpans(posting, spans)).toEqual([spanOf("Python"), spanOf("Paid Time Off")]);
  });
});

describe("highlightRequirements' non-content filter", () => {
  /** A tagger that marks every segment whole as job_duties: what the filter must prune. */
  const markEverything = {
    predictChunks: (tokens: readonly string[]) => ({
      job_duties: [{ label: "", startToken: 0, endToken: tokens.length }],
    }),
  } as unknown as TaggerModel;

  it("drops headings, placeholders and contact lines from the highlights, unless told not to", async () => {
    const text = "What you will do\nDesign and maintain data pipelines\n<LOCATION>\nEmail: jobs@example.com";
    const kept = (await highlightRequirements({ tagger: markEverything }, { text })).spans.map(
      (span) => span.text,
    );
    expect(kept).toEqual(["Design and maintain data pipelines"]);
    const all = await highlightRequirements({ tagger: markEverything }, { text }, { dropNonContent: false });
    expect(all.spans.length).toBeGreaterThan(kept.length);
  });

  it("drops an HTML heading of the advert", async () => {
    const html = "<h2>Senior Data Engineer</h2><p>Design and maintain data pipelines</p>";
    const result = await highlightRequirements({ tagger: markEverything }, { text: html, format: "html" });
    expect(result.text).toContain("Senior Data Engineer");
    expect(result.spans.map((span) => span.text)).toEqual(["Design and maintain data pipelines"]);
  });
});
