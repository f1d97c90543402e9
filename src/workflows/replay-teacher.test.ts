import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Span } from "../core/types.ts";
import {
  corpusGoldSpans,
  defaultRequirementsCorpusPath,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
} from "../dataset/gold/requirements-corpus.ts";
import { openWorkspace } from "../store/index.ts";
import { mergeChunkPayloads } from "../tasks/requirements/index.ts";
import { requirementsReplayAnswers } from "../tasks/requirements/replay-answers.ts";
import { ReplayLanguageModel } from "../teacher/providers/replay-provider.ts";
import { planLabelling, runLabelling } from "./label.ts";

/** A slice of the shipped corpus: short postings and long ones the task cuts into several chunks. */
function corpusSlice(): string {
  const lines = readFileSync(defaultRequirementsCorpusPath, "utf8").split("\n").filter(Boolean);
  const postings = lines.map((line) => ({
    line,
    length: (JSON.parse(line) as { text: string }).text.length,
  }));
  const long = postings.filter((posting) => posting.length > 6000).slice(0, 3);
  const short = postings.filter((posting) => posting.length <= 6000).slice(0, 5);
  const path = join(mkdtempSync(join(tmpdir(), "jobdistill-replay-")), "slice.jsonl");
  writeFileSync(path, `${[...long, ...short].map((posting) => posting.line).join("\n")}\n`);
  return path;
}

const key = (span: Span): string => `${span.label}:${span.start}-${span.end}`;

describe("the replay teacher (the demo's teacher without an LLM)", () => {
  it("gives through the real engine the same annotations as importing the gold, and hits the cache on a rerun", async () => {
    const path = corpusSlice();
    const postings = loadRequirementsCorpus(path);
    const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-replay-ws-")));
    try {
      importRequirementsCorpusGold(workspace, path);
      const model = new ReplayLanguageModel({
        modelId: "requirements-corpus-gold",
        answerFor: requirementsReplayAnswers(
          postings.map((posting) => ({
            id: posting.id,
            text: posting.text,
            spans: corpusGoldSpans(posting),
          })),
        ),
      });
      const plan = planLabelling(workspace, { task: "requirements", source: "requirements-corpus" });
      // The long postings are cut into chunks, so the engine's chunk merging runs too.
      expect(plan.items.length).toBeGreaterThan(postings.length);

      const first = await runLabelling(workspace, plan, { model });
      expect(first.summary.failed).toBe(0);
      expect(first.summary.done).toBe(plan.items.length);

      for (const document of workspace.documents.iterate({ source: "requirements-corpus" })) {
        const gold = workspace.annotations.list({
          task: "requirements",
          documentId: document.id,
          sourceKind: "gold",
        });
        const taught = workspace.annotations.list({
          task: "requirements",
          documentId: document.id,
          sourceKind: "teacher",
        });
        const goldSpans = (gold[0]?.payload.spans ?? []).map(key).sort();
        const taughtSpans = mergeChunkPayloads(taught.map((annotation) => annotation.payload))
          .spans.map(key)
          .sort();
        expect(taughtSpans, document.id).toEqual(goldSpans);
      }

      const again = await runLabelling(workspace, plan, { model });
      expect(again.summary.done).toBe(0);
      expect(again.summary.skipped).toBe(plan.items.length);
    } finally {
      workspace.close();
    }
  }, 60_000);
});
