import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import { openWorkspace } from "../../store/index.ts";
import { readSkillSpanJson } from "../formats/skill-span.ts";
import { skillSpanPostings } from "../formats/skill-span-postings.ts";
import {
  defaultRequirementsCorpusPath,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
} from "./requirements-corpus.ts";

describe("the requirements corpus", () => {
  const postings = loadRequirementsCorpus();

  it("holds SkillSpan's 263 postings, 140 / 58 / 65 by split", () => {
    expect(postings).toHaveLength(263);
    const count = (split: string): number => postings.filter((posting) => posting.split === split).length;
    expect([count("train"), count("dev"), count("test")]).toEqual([140, 58, 65]);
  });

  it("quotes its text at every span's offsets, and no span crosses a line of its posting", () => {
    const spans = postings.flatMap((posting) => posting.spans.map((span) => ({ posting, span })));
    expect(spans.length).toBeGreaterThan(15_000);
    const wrong = spans.filter(
      ({ posting, span: [, start, end, quote] }) =>
        posting.text.slice(start, end) !== quote || quote.includes("\n"),
    );
    expect(wrong).toEqual([]);
  });

  it("keeps both independent annotations of at least 30 postings, over every split and source", () => {
    const doubled = postings.filter((posting) => posting.annotations !== undefined);
    expect(doubled.length).toBeGreaterThanOrEqual(30);
    expect(new Set(doubled.map((posting) => `${posting.split}-${posting.source}`)).size).toBe(6);
  });

  it("imports as gold that keeps each posting's split", () => {
    const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-corpus-")));
    const summary = importRequirementsCorpusGold(workspace);
    expect(summary.bySplit).toEqual({ train: 140, dev: 58, test: 65 });
    expect(summary.spans).toBe(postings.reduce((sum, posting) => sum + posting.spans.length, 0));
    expect(importRequirementsCorpusGold(workspace).documentsExisting).toBe(263);
    workspace.close();
  });

  it("names the file and line of a span that does not quote its text", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-corpus-bad-"));
    const first = readFileSync(defaultRequirementsCorpusPath, "utf8").split("\n")[0] ?? "";
    const row = JSON.parse(first) as { spans: [string, number, number, string][] };
    const span = row.spans[0];
    if (span) span[3] = `${span[3]}x`;
    const path = join(dir, "corpus.jsonl");
    writeFileSync(path, JSON.stringify(row));
    expect(() => loadRequirementsCorpus(path)).toThrow(`${path}:1: `);
  });
});

describeWithShared(
  "the requirements corpus against SkillSpan",
  "data/skillspan/json/test.json",
  (testPath) => {
    it("has the text and split SkillSpan gives each posting", () => {
      const byId = new Map(loadRequirementsCorpus().map((posting) => [posting.id, posting]));
      let checked = 0;
      for (const split of ["train", "dev", "test"]) {
        for (const posting of skillSpanPostings(
          readSkillSpanJson(testPath.replace(/test\.json$/, `${split}.json`)),
          split,
        )) {
          const row = byId.get(posting.id);
          expect(row?.split).toBe(split);
          expect(row?.text).toBe(posting.text);
          checked++;
        }
      }
      expect(checked).toBe(263);
    });
  },
);
