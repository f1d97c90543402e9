import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEscoSkillsCsv } from "./import-esco.ts";
import { createLexiconLookup } from "./lexicon-lookup.ts";
import { listLexicons, loadLexicon, saveLexicon } from "./lexicon-store.ts";

const shared = [
  "preferredLabel,esco_group_code,skillType,coarse_label,in_esco1.2_transversal_collection",
  "Python (computer programming),K0613,knowledge,hard_knowledge,0",
  "work in teams,S1.1,skill/competence,soft,1",
  "manage budgets,S4.2,skill/competence,skill_competence,0",
  "German,L1,knowledge,language,0",
  "odd one,,,unknown,0",
].join("\n");

const official = [
  "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description",
  'KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/1,knowledge,sector-specific,SQL,"structured query language\nSQL language",d',
  "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/2,skill/competence,transversal,show initiative,,d",
  "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/3,skill/competence,cross-sector,use spreadsheets,,d",
  "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/4,,,mystery,,d",
].join("\n");

describe("ESCO import", () => {
  it("maps the shared lexicon's coarse labels", () => {
    const entries = parseEscoSkillsCsv(shared);
    expect(entries.map((entry) => [entry.label, entry.kind])).toEqual([
      ["Python (computer programming)", "hard"],
      ["work in teams", "soft"],
      ["manage budgets", "hard"],
      ["German", "language"],
      ["odd one", "unknown"],
    ]);
    expect(entries[1]).toMatchObject({ coarse: "soft", groupCode: "S1.1", transversal: true });
  });

  it("maps the official download: transversal → soft, skill types → hard, alt labels split on newlines", () => {
    const entries = parseEscoSkillsCsv(official);
    expect(entries.map((entry) => entry.kind)).toEqual(["hard", "soft", "hard", "unknown"]);
    expect(entries[0]?.altLabels).toEqual(["structured query language", "SQL language"]);
    expect(entries[0]?.uri).toBe("http://data.europa.eu/esco/skill/1");
  });

  it("names the columns when preferredLabel is missing", () => {
    expect(() => parseEscoSkillsCsv("a,b\n1,2")).toThrow(/no preferredLabel column \(columns: a, b\)/);
  });
});

describe("lexicon lookup", () => {
  const lookup = createLexiconLookup([...parseEscoSkillsCsv(shared), ...parseEscoSkillsCsv(official)]);

  it("finds exact, then normalised matches, and alt labels", () => {
    expect(lookup.find("work in teams")).toMatchObject({ match: "exact", entry: { kind: "soft" } });
    expect(lookup.find("  Work in Team. ")).toMatchObject({
      match: "normalised",
      entry: { label: "work in teams" },
    });
    expect(lookup.find("Structured Query Language")?.entry.label).toBe("SQL");
    expect(lookup.find("cooking")).toBeUndefined();
    expect(lookup.phrases()).toContain("SQL language");
  });

  // How fast lookups are is bench/skill-type.ts's business (lexiconLookupsPerSecond), not a unit test's.
  it("answers repeated lookups alike, whatever was looked up in between", () => {
    const phrases = ["work in teams", "Python", "SQL", "nothing like it", "Manage Budget"];
    const answers = () => phrases.map((phrase) => lookup.find(phrase));
    const first = answers().map((found) => found && [found.match, found.entry.label]);
    expect(first).toEqual([
      ["exact", "work in teams"],
      undefined,
      ["exact", "SQL"],
      undefined,
      ["normalised", "manage budgets"],
    ]);
    for (let round = 0; round < 3; round++) {
      expect(answers().map((found) => found && [found.match, found.entry.label])).toEqual(first);
    }
  });
});

describe("lexicon store", () => {
  it("saves under <workspace>/lexicons and loads back", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-lexicon-"));
    try {
      saveLexicon(dir, "esco", parseEscoSkillsCsv(shared), "/x/esco.csv");
      expect(listLexicons(dir)).toEqual(["esco"]);
      const file = loadLexicon(dir, "esco");
      expect(file.entries).toHaveLength(5);
      expect(file.importedFrom).toBe("esco.csv");
      expect(() => loadLexicon(dir, "other")).toThrow(/no lexicon "other".*have: esco/);
      expect(() => saveLexicon(dir, "../evil", [])).toThrow(/must be letters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
