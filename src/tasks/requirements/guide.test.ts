import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forTeacher, guideSections, renderAnnotationGuide } from "./guide.ts";
import { requirementCategories } from "./labels.ts";
import { buildRequirementsSystemPrompt } from "./prompt.ts";

const guidePath = join(import.meta.dirname, "..", "..", "..", "corpus", "GUIDE.md");

describe("the annotation guide and the teacher's prompt share one source", () => {
  const prompt = buildRequirementsSystemPrompt();

  it("corpus/GUIDE.md is the guide rendered from labels.ts and guide.ts", () => {
    // After editing a rule: node bin/run-ts.js corpus/guide.ts --write (and bump the labels version).
    expect(readFileSync(guidePath, "utf8")).toBe(renderAnnotationGuide());
  });

  it("the prompt gives every category's definition, boundary rule, examples and counter-examples", () => {
    for (const category of requirementCategories) {
      expect(prompt).toContain(`- ${category.id} (${category.name}): ${category.definition}`);
      if (category.guide.mark) expect(prompt).toContain(category.guide.mark);
      for (const example of category.guide.yes) {
        expect(prompt).toContain(
          typeof example === "string" ? `"${example}"` : `"${example.quote}" ${example.remark}`,
        );
      }
      for (const no of category.guide.no) expect(prompt).toContain(`No: ${no}`);
      for (const note of category.guide.notes ?? []) expect(prompt).toContain(`Note: ${note}`);
    }
  });

  it("the prompt states every rule meant for both readers, and none meant only for annotators", () => {
    let shared = 0;
    let annotatorsOnly = 0;
    for (const section of guideSections) {
      for (const rule of section.rules) {
        if (forTeacher(section.audience) && forTeacher(rule.audience)) {
          expect(prompt).toContain(rule.text);
          shared++;
        } else {
          expect(prompt).not.toContain(rule.text);
          annotatorsOnly++;
        }
      }
    }
    expect(shared).toBeGreaterThan(15);
    expect(annotatorsOnly).toBe(5); // the answer-file format (4) and how to write encoding leftovers
    expect(prompt).not.toMatch(/check\.mjs|line number/);
  });

  it("the prompt asks for nested spans, as the guide does", () => {
    expect(prompt).toContain("Only hard_skills and soft_skills nest inside other spans.");
    expect(prompt).toContain("a job duty and each hard skill inside it are all listed");
    expect(prompt).not.toMatch(/entries never overlap/i);
  });
});
