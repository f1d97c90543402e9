import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithShared } from "../../../test/shared.ts";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import {
  importSkillSpanGold,
  readSkillSpanSplits,
  SKILLSPAN_TASK,
  type SkillSpanSentence,
  skillSpanOccurrences,
} from "./skill-span-gold.ts";

function countStored(workspace: Workspace): { sentences: number; spans: Record<string, number> } {
  const spans: Record<string, number> = {};
  let sentences = 0;
  for (const annotation of workspace.annotations.list({ task: SKILLSPAN_TASK, sourceName: "skillspan" })) {
    for (const occurrence of skillSpanOccurrences(annotation.payload.data)) {
      sentences++;
      for (const span of occurrence.spans ?? annotation.payload.spans ?? []) {
        spans[span.label] = (spans[span.label] ?? 0) + 1;
      }
    }
  }
  return { sentences, spans };
}

describe("importSkillSpanGold", () => {
  let dir: string;
  let workspace: Workspace;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-skillspan-"));
    workspace = openWorkspace(join(dir, "ws"));
  });
  afterAll(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("turns CoNLL sentences into documents with two span layers; identical sentences share a document", () => {
    const path = join(dir, "skillspan_house_dev.conll");
    const sentence = ["Strong\tB-Skill\tO", "Python\tI-Skill\tB-Knowledge", "skills\tI-Skill\tO", ""];
    const other = ["Team\tB-Skill\tO", "player\tI-Skill\tO", ""];
    const sameTextOtherTags = ["Strong\tO\tO", "Python\tO\tB-Knowledge", "skills\tO\tO", ""];
    writeFileSync(path, [...sentence, ...other, ...sameTextOtherTags].join("\n"));
    const summary = importSkillSpanGold(workspace, [path]);
    expect(summary).toMatchObject({ sentences: 3, documentsInserted: 2, duplicateSentences: 1 });
    expect(summary.spans).toEqual({ skill: 2, knowledge: 2 });
    const document = workspace.documents.get("skillspan-house-dev-1");
    expect(document?.text).toBe("Strong Python skills");
    expect(document?.meta).toMatchObject({
      tokenOffsets: [
        [0, 6],
        [7, 13],
        [14, 20],
      ],
      skillspanSource: "house",
    });
    const [annotation] = workspace.annotations.list({ documentId: "skillspan-house-dev-1" });
    expect(annotation?.source).toEqual({ kind: "gold", name: "skillspan" });
    expect(annotation?.payload.spans?.map((span) => [span.label, span.text])).toEqual([
      ["skill", "Strong Python skills"],
      ["knowledge", "Python"],
    ]);
    const occurrences = skillSpanOccurrences(annotation?.payload.data);
    expect(occurrences.map((entry) => entry.sentenceId)).toEqual([
      "skillspan-house-dev-1",
      "skillspan-house-dev-3",
    ]);
    expect(occurrences[1]?.spans?.map((span) => span.label)).toEqual(["knowledge"]);
    importSkillSpanGold(workspace, [path]);
    expect(countStored(workspace)).toEqual({ sentences: 3, spans: { skill: 2, knowledge: 2 } });
  });
});

describeWithShared("SkillSpan dev as gold", "data/skillspan/json/dev.json", (path) => {
  it("gives the published counts: 3,174 sentences, 1,070 skill and 1,093 knowledge spans", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-skillspan-dev-"));
    const workspace = openWorkspace(join(dir, "ws"));
    try {
      const summary = importSkillSpanGold(workspace, [path]);
      expect(summary.sentences).toBe(3174);
      expect(summary.spans).toEqual({ skill: 1070, knowledge: 1093 });
      expect(summary.documentsInserted + summary.duplicateSentences).toBe(3174);
      expect(workspace.documents.count()).toBe(summary.documentsInserted);
      expect(countStored(workspace)).toEqual({ sentences: 3174, spans: { skill: 1070, knowledge: 1093 } });
      for (const annotation of workspace.annotations.list({ task: SKILLSPAN_TASK })) {
        const text = workspace.documents.get(annotation.documentId)?.text ?? "";
        for (const span of annotation.payload.spans ?? [])
          expect(text.slice(span.start, span.end)).toBe(span.text);
      }
    } finally {
      workspace.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describeWithShared(
  "SkillSpan's official splits from the workspace",
  "data/skillspan/json/test.json",
  (path) => {
    it("rebuilds test as published: 3,569 sentences, 1,090 (+1) skill and 1,174 knowledge spans, after train and dev", () => {
      const dir = mkdtempSync(join(tmpdir(), "jobdistill-skillspan-splits-"));
      const workspace = openWorkspace(join(dir, "ws"));
      try {
        const folder = join(path, "..");
        // Train first: test sentences identical to a train sentence become train's documents, and
        // must still count in test.
        importSkillSpanGold(
          workspace,
          ["train", "dev", "test"].map((split) => join(folder, `${split}.json`)),
        );
        const splits = readSkillSpanSplits(workspace);
        const spans = (sentences: SkillSpanSentence[]) =>
          sentences.reduce<Record<string, number>>((counts, sentence) => {
            for (const span of sentence.spans) counts[span.label] = (counts[span.label] ?? 0) + 1;
            return counts;
          }, {});
        expect(splits.test).toHaveLength(3569);
        // SkillSpan's 1,090 test skill spans are its B tags; one more skill span opens with an I after
        // an O ("… software testing and development"), which conlleval (and so this scorer) counts.
        expect(spans(splits.test)).toEqual({ skill: 1091, knowledge: 1174 });
        expect(splits.dev).toHaveLength(3174);
        expect(spans(splits.dev)).toEqual({ skill: 1070, knowledge: 1093 });
        expect(splits.train).toHaveLength(4800);
        expect(splits.test[0]?.sentenceId).toBe("skillspan-test-1");
        expect(splits.test.at(-1)?.sentenceId).toBe("skillspan-test-3569");
        const trainDocuments = new Set(splits.train.map((sentence) => sentence.documentId));
        const shared = splits.test.filter((sentence) => trainDocuments.has(sentence.documentId));
        expect(shared.length).toBeGreaterThan(0);
      } finally {
        workspace.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
