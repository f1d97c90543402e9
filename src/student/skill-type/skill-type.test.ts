import { describe, expect, it } from "vitest";
import { createLexiconLookup, type LexiconEntry } from "../../dataset/lexicon/index.ts";
import { phraseVariants } from "./from-lexicon.ts";
import type { SkillTypeModel } from "./model.ts";
import { NeighbourIndex } from "./neighbour-vote.ts";
import { softSkillSeedExamples } from "./seed-phrases.ts";
import { decodeSkillTypeModel, encodeSkillTypeModel } from "./serialize.ts";
import { createSkillTyper, skillTypeRowsToCsv } from "./skill-typer.ts";
import { conceptLinkerOf, type SkillTypeExample, trainSkillTypeModel } from "./train.ts";

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

/** Encodes and decodes `model`, checks the copy predicts `phrases` alike, and returns the copy. */
function expectSamePredictionsAfterRoundTrip(
  model: SkillTypeModel,
  phrases: readonly string[],
): SkillTypeModel {
  const decoded = decodeSkillTypeModel(encodeSkillTypeModel(model));
  for (const phrase of phrases) expect(decoded.predict(phrase)).toEqual(model.predict(phrase));
  return decoded;
}

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
    expect(() => decodeSkillTypeModel(new TextEncoder().encode("{}"))).toThrow(/not a jobdistill model file/);
  });

  it("blends in a vote of the nearest training phrases and keeps it through the file format", () => {
    const model = trainSkillTypeModel(examples, {
      tuneFolds: 0,
      labels: ["Hard", "Soft"],
      neighbours: { k: 3, boost: 2, mix: 0.3, threshold: 0.5, prefix: 5 },
    });
    expect(model.predict("reliable and honest").label).toBe("Soft");
    expect(model.predict("Python and SQL").label).toBe("Hard");
    const decoded = expectSamePredictionsAfterRoundTrip(model, ["team spirit", "Kotlin", "reliable person"]);
    expect(decoded.config.neighbours).toEqual(model.config.neighbours);
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

  it("links a phrase to its nearest concepts, which vote with the soft prior", () => {
    const concepts: SkillTypeExample[] = [
      { phrase: "work in teams", label: "Soft", concept: "teams" },
      { phrase: "working in teams", label: "Soft", concept: "teams", weight: 0.5 },
      { phrase: "operate forklifts", label: "Hard", concept: "forklifts" },
      { phrase: "plan teamwork", label: "Hard", concept: "plan" },
      { phrase: "Python", label: "Hard" },
    ];
    const config = { k: 2, prior: 1, power: 4, threshold: 0.5, variantScore: 0.7 };
    const linker = conceptLinkerOf(concepts, ["Hard", "Soft"], config);
    // Four concepts: a concept's names count once, a phrase without a key is its own concept.
    expect(linker.conceptClasses.length).toBe(4);
    expect(linker.share("enjoy working in a team")).toBe(1);
    expect(linker.share("forklift operated daily")).toBe(0);
    expect(linker.share("Kubernetes")).toBeUndefined();
    const nearest = linker.nearest("teams", 5);
    expect(nearest[0]?.score).toBeGreaterThan(nearest[1]?.score ?? 0);
    // A tie (equally near a soft and a hard concept) goes to soft only when the prior boosts it.
    const tie: SkillTypeExample[] = [
      { phrase: "adapt quickly", label: "Soft" },
      { phrase: "adapt machinery", label: "Hard" },
      { phrase: "weld pipes", label: "Hard" },
      { phrase: "bake bread", label: "Hard" },
    ];
    expect(conceptLinkerOf(tie, ["Hard", "Soft"], { ...config, prior: 1.5 }).share("adapt")).toBeGreaterThan(
      0.5,
    );
    expect(conceptLinkerOf(tie, ["Hard", "Soft"], { ...config, prior: 0.8 }).share("adapt")).toBeLessThan(
      0.5,
    );
  });

  it("decides by the linker, falls back to the regression, and keeps both through the file format", () => {
    const keyed = examples.map((example, i) => ({ ...example, concept: `c${i}` }));
    const model = trainSkillTypeModel(keyed, {
      tuneFolds: 0,
      labels: ["Hard", "Soft"],
      linker: { k: 3, prior: 1, power: 4, threshold: 0.5, variantScore: 0.7 },
    });
    expect(model.predict("a reliable colleague").label).toBe("Soft");
    expect(model.predict("SQL databases").label).toBe("Hard");
    // No stem in common with any concept: the regression types it.
    expect(model.conceptLinker?.share("Kubernetes")).toBeUndefined();
    const fallback = model.predict("Kubernetes");
    expect(fallback.confidence).toBe(Math.max(...fallback.probabilities));
    const decoded = expectSamePredictionsAfterRoundTrip(model, [
      "team spirit",
      "Kotlin",
      "reliable person",
      "honest and patient",
    ]);
    expect(decoded.config.linker).toEqual(model.config.linker);
    expect(decoded.conceptLinker?.aliases).toEqual(model.conceptLinker?.aliases);
  });

  it("seeds soft skills with their derived forms at a lower weight", () => {
    const seeds = softSkillSeedExamples();
    expect(seeds.every((example) => example.label === "Soft")).toBe(true);
    expect(seeds).toContainEqual(expect.objectContaining({ phrase: "teamwork", label: "Soft" }));
    expect(seeds).toContainEqual(
      expect.objectContaining({ phrase: "adaptable", label: "Soft", weight: 0.5 }),
    );
    // A seed and its derived forms are names of one concept.
    const adaptability = seeds.find((example) => example.phrase === "adaptability");
    expect(seeds.find((example) => example.phrase === "adaptable")?.concept).toBe(adaptability?.concept);
    expect(new Set(seeds.map((example) => example.phrase.toLowerCase())).size).toBe(seeds.length);
  });

  // How fast it types is bench/skill-type.ts's business (studentPhrasesPerSecond), not a unit test's.
  it("gives each phrase the same answer however many others came between (vote buffers are reused)", () => {
    const keyed = examples.map((example, i) => ({ ...example, concept: `c${i}` }));
    const model = trainSkillTypeModel(keyed, {
      tuneFolds: 0,
      labels: ["Hard", "Soft"],
      neighbours: { k: 3, boost: 2, mix: 0.3, threshold: 0.5, prefix: 5 },
      linker: { k: 3, prior: 1, power: 4, threshold: 0.5, variantScore: 0.7 },
    });
    const phrases = ["a reliable colleague", "SQL databases", "Kubernetes", "honest and patient", "Python"];
    const first = phrases.map((phrase) => model.predict(phrase));
    expect(first.map((prediction) => prediction.label)).toEqual(["Soft", "Hard", "Hard", "Soft", "Hard"]);
    for (const prediction of first) {
      expect(prediction.probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 9);
    }
    for (let round = 0; round < 20; round++) {
      expect(phrases.map((phrase) => model.predict(phrase))).toEqual(first);
    }
  });
});
