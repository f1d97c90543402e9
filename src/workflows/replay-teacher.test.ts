import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpusSlice } from "../../test/corpus-slice.ts";
import type { Span } from "../core/types.ts";
import {
  corpusGoldSpans,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
} from "../dataset/gold/requirements-corpus.ts";
import { openWorkspace } from "../store/index.ts";
import { mergeChunkPayloads } from "../tasks/requirements/index.ts";
import { requirementsReplayAnswers } from "../tasks/requirements/replay-answers.ts";
import { ReplayLanguageModel } from "../teacher/providers/replay-provider.ts";
import { planLabelling, runLabelling } from "./label.ts";

const key = (span: Span): string => `${span.label}:${span.start}-${span.end}`;

describe("the replay teacher (the demo's teacher without an LLM)", () => {
  it("gives through the real engine the same annotations as importing the gold, and hits the cache on a rerun", async () => {
    // Short postings and long ones the task cuts into several chunks.
    const path = writeCorpusSlice({ long: 3, perSplit: { train: 3, dev: 1, test: 1 } });
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
