import { describe, expect, it } from "vitest";
import { JobdistillError, UsageError } from "../../core/errors.ts";
import type { SentenceEncoder } from "../../encoders/index.ts";
import {
  assembleEncoderSkillTypeModel,
  type CalibrationPhrase,
  calibrationScores,
  chooseSkillTypeDecision,
  decide,
  decisionFigures,
  decodeEncoderSkillTypeModel,
  embedDistinct,
  encodeEncoderSkillTypeModel,
  fitSkillTypeCalibration,
  type SkillTypeExample,
  trainSkillTypeHead,
  trainSkillTypeModel,
  withContext,
} from "./index.ts";

const softWords = ["team", "teamwork", "communication", "motivated", "reliable", "empathy", "initiative"];
const hardWords = ["python", "sql", "excel", "accounting", "welding", "java", "budgets"];

/** A fake encoder where the maths is the point: dimension 0 counts soft words, 1 hard words, 2 is a hash of the text. */
function fakeEncoder(version = "1"): SentenceEncoder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: "fake",
    version,
    dimensions: 3,
    normalized: false,
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const words = text.toLowerCase().split(/\s+/);
        let hash = 0;
        for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 997;
        return Float32Array.from([
          words.filter((word) => softWords.includes(word)).length,
          words.filter((word) => hardWords.includes(word)).length,
          (hash / 997 - 0.5) * 0.2,
        ]);
      });
    },
    async close() {},
  };
}

const examples: SkillTypeExample[] = [
  ...[
    "team player",
    "teamwork",
    "communication skills",
    "motivated",
    "reliable",
    "empathy",
    "show initiative",
  ].map((phrase) => ({ phrase, label: "Soft" })),
  ...[
    "python",
    "sql",
    "excel",
    "accounting",
    "welding",
    "java",
    "manage budgets",
    "python sql",
    "java excel",
  ].map((phrase) => ({ phrase, label: "Hard" })),
];
const calibration: CalibrationPhrase[] = [
  { phrase: "good communication", label: "Soft" },
  { phrase: "motivated team", label: "Soft" },
  { phrase: "reliable and motivated", label: "Soft" },
  { phrase: "python developer", label: "Hard" },
  { phrase: "sql databases", label: "Hard" },
  { phrase: "excel accounting", label: "Hard" },
  { phrase: "java", label: "Hard" },
  { phrase: "welding", label: "Hard" },
];

async function trainedModel(encoder = fakeEncoder(), hardBelow = 0.5, softFrom = 0.5) {
  const head = await trainSkillTypeHead(examples, encoder, {
    kind: "logistic",
    epochs: 200,
    learningRate: 0.1,
  });
  const vectors = await embedDistinct(
    encoder,
    calibration.map((item) => item.phrase),
  );
  const scores = calibrationScores(head, calibration, vectors, 0, undefined);
  return assembleEncoderSkillTypeModel(head, examples.length, {
    encoder,
    head: { kind: "logistic" },
    calibration: fitSkillTypeCalibration(scores, [0], "test"),
    decision: { hardBelow, softFrom },
    trainedFrom: "test",
  });
}

describe("encoder-backed skill typer", () => {
  it("types phrases by their vectors, embedding each distinct text once", async () => {
    const encoder = fakeEncoder();
    const model = await trainedModel(encoder);
    encoder.calls.length = 0;
    const answers = await model.predict([
      { phrase: "teamwork and communication" },
      { phrase: "python and sql" },
      { phrase: "python and sql" },
    ]);
    expect(answers.map((answer) => answer.label)).toEqual(["Soft", "Hard", "Hard"]);
    expect(encoder.calls).toEqual([["teamwork and communication", "python and sql"]]);
    for (const answer of answers) {
      expect(answer.confidence).toBeGreaterThan(0.5);
      expect(answer.confidence).toBe(Math.max(answer.soft, 1 - answer.soft));
    }
  });

  it("says Unknown inside its decision band, for a phrase as soft as it is hard", async () => {
    const model = await trainedModel(fakeEncoder(), 0.1, 0.9);
    const [mixed, soft] = await model.predict([
      { phrase: "xqzv bnmp" },
      { phrase: "team communication motivated" },
    ]);
    expect(mixed?.label).toBe("Unknown");
    expect(mixed?.confidence).toBeLessThan(0.9);
    expect(soft?.label).toBe("Soft");
  });

  it("mixes the sentence in only with a context weight", () => {
    const phrase = Float32Array.from([1, 0]);
    const sentence = Float32Array.from([0, 1]);
    expect(withContext(phrase, sentence, 0)).toBe(phrase);
    expect(withContext(phrase, undefined, 1)).toBe(phrase);
    const mixed = withContext(phrase, sentence, 1);
    expect(mixed[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mixed[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("round-trips through its model file with the lexical typer that votes", async () => {
    const encoder = fakeEncoder();
    const plain = await trainedModel(encoder);
    const lexical = trainSkillTypeModel(examples, { seed: 1, epochs: 3, tuneFolds: 0 });
    const model = assembleEncoderSkillTypeModel(plain.head, examples.length, {
      encoder,
      head: { kind: "logistic" },
      lexical,
      calibration: { ...plain.config.calibration, lexicalWeight: 0.5 },
      decision: { hardBelow: 0.4, softFrom: 0.6 },
      trainedFrom: "test",
    });
    const bytes = encodeEncoderSkillTypeModel(model);
    const loaded = await decodeEncoderSkillTypeModel(bytes, "test.jdst", { encoder });
    expect(loaded.config).toEqual(model.config);
    expect(loaded.lexical).toBeDefined();
    const phrases = ["teamwork", "python developer", "xqzv bnmp", "reliable welding"].map((phrase) => ({
      phrase,
    }));
    expect(await loaded.predict(phrases)).toEqual(await model.predict(phrases));
  });

  it("fails at load when the encoder differs from the one it was trained over", async () => {
    const bytes = encodeEncoderSkillTypeModel(await trainedModel(fakeEncoder("1")));
    const error = await decodeEncoderSkillTypeModel(bytes, "typer.jdst", { encoder: fakeEncoder("2") }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /typer\.jdst: trained over encoder fake \(version 1, 3 dimensions\)/,
    );
    expect((error as Error).message).toMatch(/version 2/);
    expect((error as Error).message).toMatch(/skill-type train --encoder fake/);
  });

  it("fails at load with the file's name when its encoder cannot be loaded", async () => {
    const bytes = encodeEncoderSkillTypeModel(await trainedModel());
    const error = await decodeEncoderSkillTypeModel(bytes, "typer.jdst", {
      encoder: async () => {
        throw new UsageError("hf: encoders need the optional package @huggingface/transformers");
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobdistillError);
    expect((error as JobdistillError).code).toBe("usage");
    expect((error as Error).message).toMatch(
      /typer\.jdst: cannot load its encoder fake: .*@huggingface\/transformers/,
    );
  });
});

describe("calibration and abstaining for the typer", () => {
  it("keeps the lexical weight with the lowest log-loss", () => {
    // The lexical vote alone separates the classes; the encoder's scores are noise.
    const scores = {
      encoder: Float64Array.from([0.1, -0.2, 0.3, 0.0, -0.1, 0.2]),
      lexical: Float64Array.from([3, 3, 3, -3, -3, -3]),
      soft: [true, true, true, false, false, false],
    };
    const calibration = fitSkillTypeCalibration(scores, [0, 1, 2], "test");
    expect(calibration.lexicalWeight).toBeGreaterThan(0);
    expect(calibration.fittedOn).toBe("test");
  });

  it("chooses the band that types the most phrases while meeting accuracy and soft recall", () => {
    // P(Soft) per phrase and whether it is soft: the two in the middle are wrong at one half.
    const soft = [0.95, 0.9, 0.1, 0.05, 0.55, 0.45, 0.3];
    const gold = [true, true, false, false, false, true, false];
    const target = { minAccuracy: 0.9, minSoftRecall: 0.8 };
    const choice = chooseSkillTypeDecision(soft, gold, target);
    expect(choice.met).toBe(true);
    expect(choice.coverage).toBeCloseTo(5 / 7, 10);
    expect(choice.accuracy).toBe(1);
    expect(choice.decision.hardBelow).toBeGreaterThan(0.3);
    expect(choice.decision.hardBelow).toBeLessThan(0.45);
    expect(choice.decision.softFrom).toBeGreaterThan(0.55);
    expect(decisionFigures(soft, gold, { hardBelow: 0.5, softFrom: 0.5 }, target)).toMatchObject({
      coverage: 1,
      met: false,
    });
    expect(decide(0.5, choice.decision).label).toBe("Unknown");
    expect(decide(0.95, choice.decision)).toEqual({ label: "Soft", confidence: 0.95, soft: 0.95 });
    expect(decide(0.1, choice.decision).label).toBe("Hard");
    expect(decide(0.1, choice.decision).confidence).toBeCloseTo(0.9, 10);
  });
});
