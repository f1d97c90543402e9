import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Span } from "../core/types.ts";
import { openWorkspace } from "../store/index.ts";
import { goldSkillsAnswer, skillsReplayAnswers } from "../tasks/skills/index.ts";
import { ReplayLanguageModel } from "../teacher/providers/replay-provider.ts";
import { activeLearningRuns, runActiveLearning } from "./active-learning.ts";

const tools = ["Python", "SQL", "Excel", "Docker", "Java", "German", "Kubernetes", "Figma", "Rust", "Scrum"];
const duties = ["lead a team", "write reports", "talk to customers", "plan projects", "test software"];

/** Sentences with their skill and knowledge spans, some in the test split. */
function fixture(): { id: string; text: string; split: string; spans: Span[] }[] {
  return Array.from({ length: 24 }, (_, index) => {
    const tool = tools[index % tools.length] as string;
    const duty = duties[index % duties.length] as string;
    const text = `You know ${tool} and you can ${duty} in posting ${index}.`;
    const at = (phrase: string, label: string): Span => {
      const start = text.indexOf(phrase);
      return { start, end: start + phrase.length, label, text: phrase };
    };
    return {
      id: `s-${index}`,
      text,
      split: index % 4 === 3 ? "test" : "train",
      spans: [at(tool, "knowledge"), at(duty, "skill")],
    };
  });
}

describe("active learning on the skills task (the tagger's uncertainty)", () => {
  it("replays gold mentions in text order", () => {
    const [sentence] = fixture();
    expect(goldSkillsAnswer(sentence?.spans ?? [])).toEqual({
      mentions: [
        { layer: "knowledge", quote: "Python" },
        { layer: "skill", quote: "lead a team" },
      ],
    });
  });

  it("buys train sentences round by round, scored by tagger uncertainty, and scores held-out gold", async () => {
    const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-active-skills-")));
    try {
      const sentences = fixture();
      workspace.documents.insertMany(
        sentences.map((sentence) => ({
          id: sentence.id,
          text: sentence.text,
          meta: { split: sentence.split },
        })),
      );
      for (const sentence of sentences) {
        workspace.annotations.insert({
          documentId: sentence.id,
          task: "skills",
          taskVersion: "gold",
          source: { kind: "gold", name: "fixture" },
          payload: { spans: sentence.spans },
        });
      }
      const model = new ReplayLanguageModel({
        modelId: "fixture-gold",
        answerFor: skillsReplayAnswers(sentences),
      });
      const result = await runActiveLearning(workspace, {
        task: "skills",
        strategy: "uncertain",
        budget: 9,
        rounds: 3,
        seed: 2,
        splits: ["train"],
        model,
        training: { epochs: 2, patience: 2 },
      });
      const picks = result.rounds.flatMap((round) => round.picks.map((pick) => pick.documentId));
      expect(picks).toHaveLength(9);
      expect(new Set(picks).size).toBe(9);
      expect(picks.every((id) => workspace.documents.get(id)?.meta?.split === "train")).toBe(true);
      const later = result.rounds.slice(1).flatMap((round) => round.picks);
      expect(later.every((pick) => typeof pick.uncertainty === "number" && pick.uncertainty >= 0)).toBe(true);
      expect(result.rounds.map((round) => round.evaluation?.documents)).toEqual([6, 6, 6]);
      expect(result.rounds.at(-1)?.evaluation?.metric).toBe("tagger strict micro F1");
      expect(activeLearningRuns(workspace.runs.list(), result.job)).toHaveLength(3);
    } finally {
      workspace.close();
    }
  }, 60_000);
});
