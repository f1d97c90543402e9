import { describe, expect, it } from "vitest";
import { FakeLanguageModel } from "../../teacher/index.ts";
import { highlightWithTeacher } from "./highlight-with-teacher.ts";

describe("highlightWithTeacher", () => {
  it("turns the teacher's quotes into highlights with offsets into the visible text", async () => {
    const model = new FakeLanguageModel({
      responses: [
        JSON.stringify({
          spans: [
            { category: "hard_skills", quote: "python" },
            { category: "benefits", quote: "30 days holiday" },
            { category: "education", quote: "a degree nobody asked for" },
          ],
        }),
      ],
    });
    const html = "<p>We need <b>Python</b>.</p><ul><li>30 days holiday</li></ul>";
    const result = await highlightWithTeacher(model, { text: html, format: "html" });
    expect(result.spans.map((span) => [span.category, result.text.slice(span.start, span.end)])).toEqual([
      ["hard_skills", "Python"],
      ["benefits", "30 days holiday"],
    ]);
  });
});
