import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeEncoder } from "../../../test/fake-encoder.ts";
import { writeOnetFixture } from "../../../test/onet-fixture.ts";
import { UsageError } from "../../core/errors.ts";
import { createRandom } from "../../core/random.ts";
import { type OccupationProfile, readOnetProfiles, sampleQueries } from "../../dataset/onet/index.ts";
import {
  decodeRolesModel,
  encodeRolesModel,
  fitRolesModel,
  loadRolesPredictor,
  rankOf,
  saveRolesModel,
  type TrainedRoles,
} from "./index.ts";

let dir: string;
let profiles: OccupationProfile[];
let trained: TrainedRoles;
const encoder = fakeEncoder({ dimensions: 128 });

beforeAll(async () => {
  dir = writeOnetFixture();
  profiles = readOnetProfiles(dir);
  trained = await fitRolesModel(profiles, { encoder, seed: 4, validationFraction: 0.3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the roles students", () => {
  it("rank the right occupation for held-out skills", async () => {
    const predictor = trained.model.attach(encoder);
    const queries = sampleQueries(trained.split.occupations, "test", 3, 5, createRandom(2));
    expect(queries.length).toBe(20);
    for (const student of ["lexical", "encoder", "combined"] as const) {
      let top1 = 0;
      for (const query of queries) {
        const scores = await predictor.scores(query.skills, student);
        if (
          rankOf(
            scores,
            profiles.findIndex((profile) => profile.code === query.code),
          ) === 1
        )
          top1++;
      }
      // Chance is 1 in 5; a held-out brand name ("Xero") shares nothing with the training items,
      // and the fake encoder (hashed words) relates nothing but shared words.
      expect(top1 / queries.length, student).toBeGreaterThanOrEqual(student === "encoder" ? 0.3 : 0.5);
    }
  });

  it("the encoder student matches a skill to the centroid of its kind", async () => {
    const predictor = trained.model.attach(encoder);
    const codes = trained.model.parts.codes;
    const best = async (skills: string[]) => {
      const scores = await predictor.scores(skills, "encoder");
      return codes[scores.indexOf(Math.max(...scores))];
    };
    expect(await best(["monitor patient vital signs"])).toBe("29-1141.00");
    expect(await best(["cut lumber for wooden frames", "AutoCAD"])).toBe("47-2031.01");
  });

  it("suggest returns the best occupations with scores in [0, 1] and the current role normalised", async () => {
    const predictor = trained.model.attach(encoder);
    const suggestions = await predictor.suggest({
      skills: ["Python programming", "Docker", "debugging software defects"],
      currentRole: "Java Developer",
      top: 3,
    });
    expect(suggestions.roles).toHaveLength(3);
    expect(suggestions.roles[0]?.code).toBe("15-1252.00");
    expect(suggestions.roles[0]?.title).toBe("Software Developers");
    for (const role of suggestions.roles) expect(role.score).toBeGreaterThanOrEqual(0);
    expect(suggestions.roles.reduce((sum, role) => sum + role.score, 0)).toBeLessThanOrEqual(1 + 1e-6);
    expect(suggestions.currentRole).toMatchObject({ code: "15-1252.00", input: "Java Developer" });
    const nurse = await predictor.suggest({
      skills: ["administer medications", "Epic Systems", "patient records"],
    });
    expect(nurse.roles[0]?.code).toBe("29-1141.00");
    expect(nurse.currentRole).toBeUndefined();
    await expect(predictor.suggest({ skills: [" ", ""] })).rejects.toThrow(UsageError);
  });

  it("embeds each distinct skill once across queries", async () => {
    const counting = fakeEncoder({ dimensions: 128 });
    const predictor = trained.model.attach(counting);
    await predictor.suggest({ skills: ["Git", "Linux"] });
    await predictor.suggest({ skills: ["Linux", "Git", "Xero"] });
    expect(counting.batches).toEqual([["Git", "Linux"], ["Xero"]]);
  });

  it("normalises job titles to occupations, confident only on a clear best match", async () => {
    const predictor = trained.model.attach(encoder);
    expect((await predictor.normaliseTitle("Senior Java Developer"))[0]?.code).toBe("15-1252.00");
    expect((await predictor.normaliseTitle("emergency nurse"))[0]?.code).toBe("29-1141.00");
    expect((await predictor.normaliseTitle("Carpenters"))[0]?.code).toBe("47-2031.01");
    const exact = await predictor.normaliseTitle("Bookkeeper", 3);
    expect(exact[0]).toMatchObject({ code: "43-3031.00", input: "Bookkeeper" });
    expect(exact.slice(1).every((match) => !match.confident)).toBe(true);
    const nonsense = await predictor.normaliseTitle("zzqx wvvk");
    expect(nonsense.every((match) => !match.confident)).toBe(true);
    expect(predictor.describe("29-1141.00")).toEqual({
      code: "29-1141.00",
      title: "Registered Nurses",
      description: "Registered Nurses do the work of registered nurses.",
    });
    expect(predictor.describe("00-0000.00")).toBeUndefined();
  });

  it("chooses the fusion weight and temperature on validation queries from train items", () => {
    const { validation } = trained;
    // Three validation items per occupation: one query of 3 each, none of 5.
    expect(validation.queries).toBe(4);
    expect(validation.weights.map((weight) => weight.lexicalWeight)).toHaveLength(11);
    const best = Math.max(...validation.weights.map((weight) => weight.mrr));
    expect(validation.weights.find((weight) => weight.lexicalWeight === validation.lexicalWeight)?.mrr).toBe(
      best,
    );
    expect(trained.model.config.lexicalWeight).toBe(validation.lexicalWeight);
    expect(trained.model.config.temperature).toBe(validation.temperature);
  });

  it("works without an encoder (lexical only)", async () => {
    const lexical = await fitRolesModel(profiles, { seed: 4 });
    expect(lexical.model.config.encoder).toBeNull();
    expect(lexical.model.config.lexicalWeight).toBe(1);
    const predictor = lexical.model.attach(undefined);
    expect(
      (await predictor.suggest({ skills: ["QuickBooks", "reconcile bank statements"] })).roles[0]?.code,
    ).toBe("43-3031.00");
  });
});

describe("the roles model file", () => {
  it("round-trips: the loaded predictor gives identical predictions", async () => {
    const out = mkdtempSync(join(tmpdir(), "jobdistill-roles-"));
    try {
      const path = join(out, "roles.jdm");
      saveRolesModel(trained.model, path);
      const loaded = await loadRolesPredictor(path, { encoder });
      const original = trained.model.attach(encoder);
      for (const skills of [
        ["Python", "Kubernetes"],
        ["Monitor vital signs", "Meditech", "Excel"],
        ["lumber"],
      ]) {
        expect(await loaded.suggest({ skills, top: 5 })).toEqual(await original.suggest({ skills, top: 5 }));
        for (const student of ["lexical", "encoder", "combined"] as const) {
          expect(await loaded.scores(skills, student)).toEqual(await original.scores(skills, student));
        }
      }
      expect(await loaded.normaliseTitle("Payroll Clerk")).toEqual(
        await original.normaliseTitle("Payroll Clerk"),
      );
      expect(loaded.model.config).toEqual(trained.model.config);
      expect(decodeRolesModel(encodeRolesModel(trained.model)).parts.codes).toEqual(
        trained.model.parts.codes,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("refuses another encoder than the one it was trained over", () => {
    expect(() => trained.model.attach(fakeEncoder({ dimensions: 64 }))).toThrow(UsageError);
    expect(() => trained.model.attach(undefined)).toThrow(/needs the encoder fake/);
  });
});

describe("the roles model refitted on all items", () => {
  it("keeps the settings, knows the held-out items, and keeps its commodity lookup through the file", async () => {
    const both = await fitRolesModel(profiles, { seed: 4, validationFraction: 0.3, alsoOnAllItems: true });
    const all = both.allItems;
    expect(all?.config.lexicalWeight).toBe(both.model.config.lexicalWeight);
    expect(all?.config.training.itemsInModel).toBe("all");
    expect(both.model.config.training.itemsInModel).toBe("train");
    const occupation = both.split.occupations.find((o) => o.test.length > 0);
    const held = occupation?.test[0]?.text ?? "";
    const row = profiles.findIndex((profile) => profile.code === occupation?.code);
    const onAll = all?.lexicalScores([held]) ?? new Float32Array();
    const onTrain = both.model.lexicalScores([held]);
    expect(onAll[row] ?? 0).toBeGreaterThan(onTrain[row] ?? 0);
    const decoded = decodeRolesModel(encodeRolesModel(all as NonNullable<typeof all>));
    expect([...decoded.lexicalScores([held])]).toEqual([...onAll]);
    expect(decoded.parts.commodities?.keys.length).toBeGreaterThan(0);
  });
});
