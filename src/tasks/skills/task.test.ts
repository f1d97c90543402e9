import { describe, expect, it } from "vitest";
import { createSkillsTask } from "./task.ts";

const advert = {
  id: "ad-1",
  text: "We need a motivated team player. Experience with Python and AWS; you will manage a small team.",
};

describe("skills task", () => {
  it("aligns skill and knowledge quotes to offsets, layers kept apart", () => {
    const task = createSkillsTask();
    const output = {
      mentions: [
        { layer: "skill" as const, quote: "motivated" },
        { layer: "skill" as const, quote: "team player" },
        { layer: "knowledge" as const, quote: "Python" },
        { layer: "knowledge" as const, quote: "AWS" },
        { layer: "skill" as const, quote: "manage a small team" },
      ],
    };
    expect(task.check?.(advert, output)).toEqual([]);
    const [draft] = task.toAnnotations(advert, output);
    expect(draft?.documentId).toBe("ad-1");
    const spans = draft?.payload.spans ?? [];
    expect(spans.map((span) => [span.label, span.text])).toEqual([
      ["skill", "motivated"],
      ["skill", "team player"],
      ["knowledge", "Python"],
      ["knowledge", "AWS"],
      ["skill", "manage a small team"],
    ]);
    for (const span of spans) expect(advert.text.slice(span.start, span.end)).toBe(span.text);
  });

  it("keeps invented quotes as unaligned and re-asks when many are invented", () => {
    const task = createSkillsTask();
    const output = {
      mentions: [
        { layer: "knowledge" as const, quote: "Kubernetes" },
        { layer: "skill" as const, quote: "leadership of people" },
        { layer: "knowledge" as const, quote: "Python" },
      ],
    };
    expect(task.check?.(advert, output)).toHaveLength(2);
    const [draft] = task.toAnnotations(advert, output);
    expect(draft?.payload.unaligned?.map((quote) => quote.quote)).toEqual([
      "Kubernetes",
      "leadership of people",
    ]);
  });

  it("prompts with both SkillSpan definitions and changes version with the prompt", () => {
    const task = createSkillsTask();
    const [system, user] = task.buildMessages(advert);
    expect(system?.content).toContain("knowledge:");
    expect(system?.content).toContain("skill:");
    expect(user?.content).toContain("motivated team player");
    expect(task.version).toMatch(/^v1-[0-9a-f]{12}$/);
  });
});
