import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCorpusSlice } from "../../test/corpus-slice.ts";
import {
  corpusGoldSpans,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
} from "../dataset/gold/requirements-corpus.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { requirementsReplayAnswers } from "../tasks/requirements/replay-answers.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../teacher/language-model.ts";
import { ReplayLanguageModel } from "../teacher/providers/replay-provider.ts";
import {
  type ActiveLearningOptions,
  activeLearningRuns,
  learningCurves,
  roundSizes,
  runActiveLearning,
} from "./active-learning.ts";

/** The gold replayed through the real engine, counting the calls (and able to stop a round midway). */
class CountingTeacher implements LanguageModel {
  readonly provider = "replay";
  readonly modelId = "requirements-corpus-gold-test";
  readonly prompts: string[] = [];
  onCall: ((calls: number) => void) | undefined;
  private readonly replay: ReplayLanguageModel;
  constructor(answerFor: ConstructorParameters<typeof ReplayLanguageModel>[0]["answerFor"]) {
    this.replay = new ReplayLanguageModel({ modelId: this.modelId, answerFor });
  }
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.prompts.push(request.messages.at(-1)?.content ?? "");
    this.onCall?.(this.prompts.length);
    return this.replay.generate(request);
  }
}

const corpusPath = writeCorpusSlice({ perSplit: { train: 14, dev: 0, test: 3 }, long: 0 });

function workspaceWithCorpus(): { workspace: Workspace; teacher: CountingTeacher } {
  const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-active-")));
  importRequirementsCorpusGold(workspace, corpusPath);
  const teacher = new CountingTeacher(
    requirementsReplayAnswers(
      loadRequirementsCorpus(corpusPath).map((posting) => ({
        id: posting.id,
        text: posting.text,
        spans: corpusGoldSpans(posting),
      })),
    ),
  );
  return { workspace, teacher };
}

const settings = (teacher: LanguageModel, strategy: "uncertain" | "random"): ActiveLearningOptions => ({
  task: "requirements",
  strategy,
  budget: 7,
  rounds: 3,
  seed: 3,
  source: "requirements-corpus",
  splits: ["train"],
  model: teacher,
  // One pass and no word clusters: the loop, not the student's quality, is under test.
  training: { epochs: 1, patience: 1, clusterDocuments: 0 },
});

const picksOf = (result: Awaited<ReturnType<typeof runActiveLearning>>): string[][] =>
  result.rounds.map((round) => round.picks.map((pick) => pick.documentId));

describe("roundSizes", () => {
  it("splits the budget over the rounds, the earlier ones taking the remainder", () => {
    expect(roundSizes(7, 3)).toEqual([3, 2, 2]);
    expect(roundSizes(6, 3)).toEqual([2, 2, 2]);
    expect(roundSizes(1, 1)).toEqual([1]);
    expect(() => roundSizes(2, 3)).toThrow(/more than --budget/);
    expect(() => roundSizes(0, 1)).toThrow(/--budget/);
  });
});

describe("active learning over the requirements corpus, gold standing in for the teacher", () => {
  it("buys the budget once, round by round, one ledger run per round; uncertain picks differ from random after round 1", async () => {
    const uncertain = workspaceWithCorpus();
    const random = workspaceWithCorpus();
    try {
      const byUncertainty = await runActiveLearning(
        uncertain.workspace,
        settings(uncertain.teacher, "uncertain"),
      );
      const atRandom = await runActiveLearning(random.workspace, settings(random.teacher, "random"));
      for (const [result, { workspace }] of [
        [byUncertainty, uncertain],
        [atRandom, random],
      ] as const) {
        const picks = picksOf(result);
        expect(picks.map((round) => round.length)).toEqual([3, 2, 2]);
        expect(new Set(picks.flat()).size).toBe(7);
        const runs = activeLearningRuns(workspace.runs.list(), result.job);
        expect(runs.map((run) => (run.params.activeLearning as { round: number }).round)).toEqual([1, 2, 3]);
        expect(runs.every((run) => run.status === "done")).toBe(true);
        // Every pick is a train posting; the test postings are only scored.
        for (const id of picks.flat()) expect(workspace.documents.get(id)?.meta?.split).toBe("train");
        const [curve] = learningCurves(workspace.runs.list());
        expect(curve?.points.map((point) => point.documentsLabelled)).toEqual([3, 5, 7]);
        expect(curve?.points.every((point) => typeof point.f1 === "number")).toBe(true);
      }
      // Each chunk went to the teacher once: 7 documents, no chunk asked twice.
      expect(new Set(uncertain.teacher.prompts).size).toBe(uncertain.teacher.prompts.length);
      // Round 1 is the same seeded sample; after it the student's doubts choose.
      expect(picksOf(byUncertainty)[0]).toEqual(picksOf(atRandom)[0]);
      expect(picksOf(byUncertainty).slice(1)).not.toEqual(picksOf(atRandom).slice(1));
      const second = byUncertainty.rounds[1]?.picks ?? [];
      expect(second.every((pick) => typeof pick.uncertainty === "number")).toBe(true);
      // Most uncertain first: the recorded scores never rise down the round's unfilled picks.
      const scores = second.filter((pick) => !pick.filled).map((pick) => pick.uncertainty as number);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    } finally {
      uncertain.workspace.close();
      random.workspace.close();
    }
  }, 120_000);

  it("resumes a round cut short with the same picks, never redoes a completed round, and buys nothing twice", async () => {
    const { workspace, teacher } = workspaceWithCorpus();
    try {
      const stop = new AbortController();
      const cutShort = { ...settings(teacher, "uncertain"), signal: stop.signal };
      let roundsSeen = 0;
      cutShort.onRound = () => {
        roundsSeen++;
        // Stop as round 2's teacher gets its first item.
        if (roundsSeen === 1) teacher.onCall = () => stop.abort();
      };
      await expect(runActiveLearning(workspace, cutShort)).rejects.toMatchObject({ code: "interrupted" });
      teacher.onCall = undefined;
      const interruptedRuns = workspace.runs.list({ kind: "label" });
      expect(interruptedRuns.map((run) => run.status).sort()).toEqual(["done", "interrupted"]);
      const cutRun = interruptedRuns.find((run) => run.status === "interrupted");
      const cutPlan = cutRun?.params.activeLearning as { picks: { documentId: string }[] } | undefined;
      const cutPicks = (cutPlan?.picks ?? []).map((pick) => pick.documentId);
      expect(cutPicks.length).toBe(2);

      const resumed = await runActiveLearning(workspace, settings(teacher, "uncertain"));
      expect(resumed.rounds.map((round) => round.resumed)).toEqual([true, false, false]);
      expect(resumed.rounds[1]?.picks.map((pick) => pick.documentId)).toEqual(cutPicks);
      const runs = activeLearningRuns(workspace.runs.list(), resumed.job);
      // Round 1 once; round 2 interrupted then finished; round 3 once.
      expect(
        runs.map((run) => `${(run.params.activeLearning as { round: number }).round}:${run.status}`),
      ).toEqual(["1:done", "2:interrupted", "2:done", "3:done"]);
      expect(new Set(teacher.prompts).size).toBe(teacher.prompts.length);

      const again = await runActiveLearning(workspace, settings(teacher, "uncertain"));
      expect(again.rounds.every((round) => round.resumed)).toBe(true);
      expect(new Set(teacher.prompts).size).toBe(teacher.prompts.length);
    } finally {
      workspace.close();
    }
  }, 120_000);

  it("trains on every label without a hold-out, aggregates by the least sure segments, and names the job by them", async () => {
    const plain = workspaceWithCorpus();
    const changed = workspaceWithCorpus();
    try {
      const before = await runActiveLearning(plain.workspace, {
        ...settings(plain.teacher, "uncertain"),
        budget: 4,
        rounds: 2,
      });
      const after = await runActiveLearning(changed.workspace, {
        ...settings(changed.teacher, "uncertain"),
        budget: 4,
        rounds: 2,
        holdOut: 0,
        aggregation: "least-sure",
      });
      expect(after.job).not.toBe(before.job);
      expect(after.rounds.map((round) => round.documentsLabelled)).toEqual([2, 4]);
      expect(after.rounds.every((round) => typeof round.evaluation?.f1 === "number")).toBe(true);
      const plan = activeLearningRuns(changed.workspace.runs.list(), after.job)[1]?.params.activeLearning as
        | { reason: string }
        | undefined;
      expect(plan?.reason).toMatch(/three least sure segments/);
      await expect(
        runActiveLearning(changed.workspace, { ...settings(changed.teacher, "uncertain"), holdOut: 1 }),
      ).rejects.toThrow(/hold-out share/);
    } finally {
      plain.workspace.close();
      changed.workspace.close();
    }
  }, 120_000);
});
