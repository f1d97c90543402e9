import { describe, expect, it } from "vitest";
import { normaliseSkillTypeAnswer } from "./labels.ts";
import { normaliseSkillPhrase } from "./normalise-skill.ts";
import { uniqueSkillPhrases } from "./skill-list.ts";
import { createSkillTypeTask, type SkillTypeBatch, skillTypeBatches, skillTypeOutputSchema } from "./task.ts";

const batch: SkillTypeBatch = {
  batchId: "b1",
  skills: [
    { id: "a", phrase: "Python" },
    { id: "b", phrase: "team player" },
    { id: "c", phrase: "forklift licence" },
  ],
};

function labelsOf(output: unknown): Record<string, unknown> {
  const task = createSkillTypeTask();
  const drafts = task.toAnnotations(batch, skillTypeOutputSchema.parse(output));
  return Object.fromEntries(drafts.map((draft) => [draft.documentId, draft.payload.labels?.[0]]));
}

describe("skill-type batch answers", () => {
  it("matches reordered answers by id", () => {
    const output = {
      answers: [
        { id: "c", label: "Hard" },
        { id: "a", label: "hard" },
        { id: "b", label: "Soft" },
      ],
    };
    expect(createSkillTypeTask().check?.(batch, output)).toEqual([]);
    expect(labelsOf(output)).toEqual({ a: "Hard", b: "Soft", c: "Hard" });
  });

  it("reports missing, extra and duplicated ids, then gives up and marks the missing Unknown", () => {
    const task = createSkillTypeTask({ idRepairs: 2 });
    const output = {
      answers: [
        { id: "a", label: "Hard" },
        { id: "a", label: "Soft" },
        { id: "z", label: "Soft" },
      ],
    };
    const issues = task.check?.(batch, output) ?? [];
    expect(issues.join("\n")).toContain("missing ids (answer each once): b, c");
    expect(issues.join("\n")).toContain("not asked about (leave them out): z");
    expect(issues.join("\n")).toContain("more than once (answer once): a");
    expect(task.check?.(batch, output)).toHaveLength(3);
    expect(task.check?.(batch, output)).toEqual([]);
    const drafts = task.toAnnotations(batch, output);
    expect(drafts.map((draft) => draft.documentId)).toEqual(["a", "b", "c"]);
    expect(drafts[0]?.payload.labels).toEqual(["Hard"]);
    expect(drafts[1]?.payload.data).toMatchObject({
      label: "Unknown",
      reason: expect.stringContaining("missing"),
    });
  });

  it("normalises synonyms and keeps unexpected words as Unknown with the raw answer", () => {
    expect(normaliseSkillTypeAnswer("Technical skill.").label).toBe("Hard");
    expect(normaliseSkillTypeAnswer("INTERPERSONAL").label).toBe("Soft");
    expect(normaliseSkillTypeAnswer("behavioural").label).toBe("Soft");
    expect(normaliseSkillTypeAnswer("tool").label).toBe("Hard");
    expect(normaliseSkillTypeAnswer("Medium")).toEqual({
      label: "Unknown",
      recognised: false,
      raw: "Medium",
    });
    const drafts = createSkillTypeTask().toAnnotations(batch, {
      answers: [
        { id: "a", label: "semi-hard" },
        { id: "b", label: "transversal" },
        { id: "c", label: "knowledge" },
      ],
    });
    expect(drafts[0]?.payload.data).toMatchObject({ label: "Unknown", raw: "semi-hard", recognised: false });
    expect(drafts[1]?.payload.labels).toEqual(["Soft"]);
    expect(drafts[2]?.payload.labels).toEqual(["Hard"]);
  });

  it("never reads the label from the reasoning", () => {
    const drafts = createSkillTypeTask({ reasoning: true }).toAnnotations(batch, {
      answers: [
        { id: "a", reasoning: "Not a soft skill; some say Soft but it is Hard", label: "Hard" },
        { id: "b", reasoning: "hard to say, technical people need it", label: "Soft" },
        { id: "c", reasoning: "Soft? Hard? Unknown.", label: "Hard" },
      ],
    });
    expect(drafts.map((draft) => draft.payload.labels?.[0])).toEqual(["Hard", "Soft", "Hard"]);
    expect(drafts[0]?.payload.data).toMatchObject({ reasoning: expect.stringContaining("Soft") });
  });

  it("asks with ids, definitions and examples, and versions the prompt", () => {
    const task = createSkillTypeTask();
    const messages = task.buildMessages(batch);
    expect(messages[0]?.content).toContain("Soft:");
    expect(messages[1]?.content).toContain('"id":"b","phrase":"team player"');
    expect(task.version).not.toBe(createSkillTypeTask({ reasoning: true }).version);
    expect(task.itemFingerprint(batch)).toBe(createSkillTypeTask().itemFingerprint({ ...batch }));
  });
});

describe("skill phrase deduplication", () => {
  it("merges case, whitespace, edge punctuation and simple plurals and maps back", () => {
    expect(normaliseSkillPhrase("  Team   Players. ")).toBe("team player");
    expect(normaliseSkillPhrase("C#")).toBe("c#");
    const { documents, documentIdOf } = uniqueSkillPhrases(["Team players", "team player", "SQL", "sql."]);
    expect(documents.map((document) => document.text)).toEqual(["Team players", "SQL"]);
    expect(documentIdOf[0]).toBe(documentIdOf[1]);
    expect(documentIdOf[2]).toBe(documentIdOf[3]);
    expect(documents[0]?.source).toBe("skill-list");
    const batches = skillTypeBatches(documents, 1);
    expect(batches).toHaveLength(2);
    expect(batches[0]?.skills[0]?.id).toBe(documentIdOf[0]);
  });
});
