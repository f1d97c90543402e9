import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeOnetFixture } from "../../../test/onet-fixture.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { createRandom } from "../../core/random.ts";
import { readOnetProfiles, socMajorGroup } from "./read-onet.ts";
import { profileItems, sampleQueries, splitForValidation, splitProfileItems } from "./split-profiles.ts";

const dirs: string[] = [];
const fixture = (): string => {
  const dir = writeOnetFixture();
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readOnetProfiles", () => {
  it("reads the CRLF tab-separated files into profiles, dropping occupations without items", () => {
    const dir = fixture();
    expect(readFileSync(join(dir, "Task_Statements.txt"), "utf8")).toContain("\r\n");
    const profiles = readOnetProfiles(dir);
    expect(profiles.map((profile) => profile.code)).toEqual([
      "15-1252.00",
      "29-1141.00",
      "43-3031.00",
      "45-2091.00",
      "47-2031.01",
    ]);
    const developers = profiles[0];
    expect(developers?.title).toBe("Software Developers");
    expect(developers?.description).toBe("Software Developers do the work of software developers.");
    expect(developers?.technologies.slice(0, 2)).toEqual([
      { name: "Python", hot: true, commodity: "Software" },
      { name: "Java", hot: false, commodity: "Software" },
    ]);
    expect(developers?.tasks[0]).toBe("Write and test computer program code for applications.");
    expect(developers?.alternateTitles).toContain("Software Engineer");
    expect(developers?.reportedTitles).toEqual(["Senior Software Engineer", "Software Developer"]);
    expect(socMajorGroup("15-1252.00")).toBe("15");
  });

  it("names the missing file", () => {
    const dir = fixture();
    rmSync(join(dir, "Technology_Skills.txt"));
    expect(() => readOnetProfiles(dir)).toThrow(UsageError);
    expect(() => readOnetProfiles(dir)).toThrow(/Technology_Skills\.txt/);
  });

  it("names the file and the column a bad header lacks, and a row with a bad code", () => {
    const dir = fixture();
    writeFileSync(join(dir, "Task_Statements.txt"), "O*NET-SOC Code\tStatement\r\n15-1252.00\tx\r\n");
    expect(() => readOnetProfiles(dir)).toThrow(/Task_Statements\.txt has no column "Task"/);
    writeFileSync(join(dir, "Task_Statements.txt"), "O*NET-SOC Code\tTask\r\nnot-a-code\tx\r\n");
    expect(() => readOnetProfiles(dir)).toThrow(InputError);
    expect(() => readOnetProfiles(dir)).toThrow(/Task_Statements\.txt row 2: "not-a-code"/);
  });

  it("refuses an item of an occupation the occupation file does not list", () => {
    const dir = fixture();
    writeFileSync(
      join(dir, "Alternate_Titles.txt"),
      "O*NET-SOC Code\tAlternate Title\r\n99-9999.00\tGhost\r\n",
    );
    expect(() => readOnetProfiles(dir)).toThrow(/Alternate_Titles\.txt: occupation 99-9999\.00/);
  });
});

describe("splitProfileItems", () => {
  it("holds out test items per occupation, deterministically, and lists occupations too small to test", () => {
    const profiles = readOnetProfiles(fixture());
    const split = splitProfileItems(profiles, { seed: 3 });
    expect(splitProfileItems(profiles, { seed: 3 })).toEqual(split);
    expect(split.untested).toEqual(["45-2091.00"]);
    for (const [i, occupation] of split.occupations.entries()) {
      const all = profileItems(profiles[i] as (typeof profiles)[number]).map((item) => item.text);
      expect([...occupation.train, ...occupation.test].map((item) => item.text).sort()).toEqual(all.sort());
      if (occupation.test.length === 0) continue;
      expect(occupation.test.length).toBeGreaterThanOrEqual(5);
      expect(occupation.test.some((item) => item.kind === "task")).toBe(true);
      expect(occupation.test.some((item) => item.kind === "technology")).toBe(true);
    }
  });

  it("never lets a test item into a training or validation query", () => {
    const profiles = readOnetProfiles(fixture());
    const split = splitProfileItems(profiles, { seed: 5 });
    const random = createRandom(1);
    const { fit, validation } = splitForValidation(split.occupations, { seed: 6, validationFraction: 0.3 });
    expect(validation.length).toBe(4);
    const queries = [
      ...sampleQueries(split.occupations, "train", [3, 8], 20, random),
      ...sampleQueries(validation, "test", 3, 5, random),
      ...sampleQueries(fit, "train", 3, 5, random),
    ];
    // The occupation with 2 items gives no query of 3.
    expect(queries.length).toBe(4 * 20 + 4 * 5 + 4 * 5);
    for (const query of queries) {
      const occupation = split.occupations.find((o) => o.code === query.code);
      const test = new Set(occupation?.test.map((item) => item.text));
      const train = new Set(occupation?.train.map((item) => item.text));
      for (const skill of query.skills) {
        expect(test.has(skill)).toBe(false);
        expect(train.has(skill)).toBe(true);
      }
    }
    const tests = sampleQueries(split.occupations, "test", 5, 3, random);
    for (const query of tests) {
      const occupation = split.occupations.find((o) => o.code === query.code);
      expect(query.skills).toHaveLength(5);
      for (const skill of query.skills) expect(occupation?.test.map((item) => item.text)).toContain(skill);
    }
  });
});

describeWithShared("readOnetProfiles on O*NET 29.2", "data/onet/Occupation_Data.txt", (path) => {
  it("gives the 923 occupations with technologies and tasks", () => {
    const profiles = readOnetProfiles(path.replace(/[/\\]Occupation_Data\.txt$/, ""));
    expect(profiles).toHaveLength(923);
    expect(profiles.find((profile) => profile.code === "15-1252.00")?.title).toBe("Software Developers");
    expect(profiles.every((profile) => profile.technologies.length > 0 || profile.tasks.length > 0)).toBe(
      true,
    );
    expect(profiles.some((profile) => profile.technologies.some((technology) => technology.hot))).toBe(true);
  });
});
