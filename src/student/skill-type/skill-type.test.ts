import { describe, expect, it } from "vitest";
import { createLexiconLookup, type LexiconEntry } from "../../dataset/lexicon/index.ts";
import { phraseVariants } from "./from-lexicon.ts";
import { NeighbourIndex } from "./neighbour-vote.ts";
import { softSkillSeedExamples } from "./seed-phrases.ts";
import { decodeSkillTypeModel, encodeSkillTypeModel } from "./serialize.ts";
import { createSkillTyper, skillTypeRowsToCsv } from "./skill-typer.ts";
import { type SkillTypeExample, trainSkillTypeModel } from "./train.ts";

const hard = [
  "Python",
  "Java",
  "SQL",
  "accounting",
  "welding",
  "CSS",
  "Excel",
  "machine learning",
  "AWS",
  "payroll",
];
const soft = [
  "motivated",
  "team player",
  "reliable",
  "curious",
  "flexible",
  "honest",
  "proactive",
  "patient",
];
const examples: SkillTypeExample[] = [
  ...hard.map((phrase) => ({ phrase, label: "Hard" })),
  ...soft.map((phrase) => ({ phrase, label: "Soft" })),
];

describe("skill-type student", () => {
  it("learns its training phrases and is deterministic for a seed", () => {
    const model = trainSkillTypeModel(examples, { tuneFolds: 0, seed: 3 });
    for (const phrase of hard) expect(model.predict(phrase).label).toBe("Hard");
    for (const phrase of soft) expect(model.predict(phrase).label).toBe("Soft");
    const again = trainSkillTypeModel(examples, { tuneFolds: 0, seed: 3 });
    expect(Array.from(again.weights.subarray(0, 5000))).toEqual(Array.from(model.weights.subarray(0, 5000)));
    expect(model.predict("highly motivated").label).toBe("Soft");
    const confidence = model.predict("Python").confidence;
    expect(confidence).toBeGreaterThan(0.5);
    expect(confidence).toBeLessThanOrEqual(1);
  });

  it("round-trips through its file format", () => {
    const model = trainSkillTypeModel(examples, { tuneFolds: 2 });
    const decoded = decodeSkillTypeModel(encodeSkillTypeModel(model));
    expect(decoded.config).toEqual(model.config);
    for (const phrase of ["team spirit", "Kotlin", "reliable"]) {
      expect(decoded.predict(phrase)).toEqual(model.predict(phrase));
    }
    expect(() => decodeSkillTypeModel("{}")).toThrow(/not a skill-type model file/);
  });

  it("blends in a vote of the nearest training phrases and keeps it through the file format", () => {
    const model = trainSkillTypeModel(examples, {
      tuneFolds: 0,
      labels: ["Hard", "Soft"],
      neighbours: { k: 3, boost: 2, mix: 0.3, threshold: 0.5, prefix: 5 },
    });
    expect(model.predict("reliable and honest").label).toBe("Soft");
    expect(model.predict("Python and SQL").label).toBe("Hard");
    const decoded = decodeSkillTypeModel(encodeSkillTypeModel(model));
    expect(decoded.config.neighbours).toEqual(model.config.neighbours);
    for (const phrase of ["team spirit", "Kotlin", "reliable person"]) {
      expect(decoded.predict(phrase)).toEqual(model.predict(phrase));
    }
  });

  it("answers exact lexicon matches from the lexicon and the rest from the model, as CSV", () => {
    const model = trainSkillTypeModel(examples, { tuneFolds: 0 });
    const lexicon: LexiconEntry[] = [{ label: "show initiative", altLabels: [], kind: "soft" }];
    const rows = createSkillTyper(model, createLexiconLookup(lexicon)).typeSkills([
      "show initiative",
      "Python, 3",
    ]);
    expect(rows[0]).toEqual({ skill: "show initiative", label: "Soft", confidence: 1, source: "lexicon" });
    expect(rows[1]).toMatchObject({ label: "Hard", source: "model" });
    expect(skillTypeRowsToCsv(rows)).toMatch(
      /^skill,label,confidence,source\nshow initiative,Soft,1.0000,lexicon\n"Python, 3",Hard,/,
    );
  });

  it("derives advert-like variants from lexicon labels", () => {
    expect(phraseVariants("work independently", false)).toEqual(
      expect.arrayContaining(["working independently", "independently", "independent"]),
    );
    expect(phraseVariants("Java (computer programming)", true)).toContain("Java");
    expect(phraseVariants("demonstrate loyalty", false)).toContain("loyal");
    expect(phraseVariants("demonstrate enthusiasm", false)).toContain("enthusiastic");
    expect(phraseVariants("collaboration", true)).toEqual(
      expect.arrayContaining(["collaborative", "collaborated"]),
    );
    expect(phraseVariants("empathy", true)).toContain("empathetic");
    expect(phraseVariants("open-mindedness", true)).toContain("open-minded");
  });

  it("matches inflected forms in the neighbour vote", () => {
    const index = new NeighbourIndex(["work in teams", "operate forklifts"], Uint8Array.from([1, 0]), 5);
    expect(index.share("enjoy working in a team", 1, 1)).toBe(1);
    expect(index.share("forklift operated daily", 1, 1)).toBe(0);
  });

  it("seeds soft skills with their derived forms at a lower weight", () => {
    const seeds = softSkillSeedExamples();
    expect(seeds.every((example) => example.label === "Soft")).toBe(true);
    expect(seeds).toContainEqual({ phrase: "teamwork", label: "Soft" });
    expect(seeds).toContainEqual({ phrase: "adaptable", label: "Soft", weight: 0.5 });
    expect(new Set(seeds.map((example) => example.phrase.toLowerCase())).size).toBe(seeds.length);
  });

  it("types a phrase in microseconds", () => {
    const model = trainSkillTypeModel(examples, { tuneFolds: 0 });
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) model.predict(i % 2 ? "strong communication skills" : "Kubernetes");
    const microseconds = ((performance.now() - started) * 1000) / 20_000;
    expect(microseconds).toBeLessThan(200);
  });
});
