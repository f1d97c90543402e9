import type { Workspace } from "../../store/index.ts";
import type { SkillTypeLabel } from "../../tasks/skill-type/labels.ts";
import { SKILL_LIST_SOURCE } from "../../tasks/skill-type/skill-list.ts";
import { SKILL_TYPE_TASK } from "../../tasks/skill-type/task.ts";
import type { LexiconKind } from "./lexicon-entry.ts";
import type { LexiconLookup } from "./lexicon-lookup.ts";

/** Hard and language → Hard (languages are learned, testable knowledge), soft → Soft, else Unknown. */
export function skillTypeOfLexiconKind(kind: LexiconKind): SkillTypeLabel {
  if (kind === "hard" || kind === "language") return "Hard";
  if (kind === "soft") return "Soft";
  return "Unknown";
}

export interface LexiconLabelSummary {
  documents: number;
  exact: number;
  normalised: number;
  unmatched: number;
}

/**
 * The lexicon as a labelling source beside the LLM: every skill-list document it matches gets a
 * skill-type annotation with source { kind: "lexicon", name }. Re-running replaces them.
 */
export function labelSkillsWithLexicon(
  workspace: Workspace,
  lookup: LexiconLookup,
  name: string,
): LexiconLabelSummary {
  const summary: LexiconLabelSummary = { documents: 0, exact: 0, normalised: 0, unmatched: 0 };
  const annotations = [];
  for (const document of workspace.documents.iterate({ source: SKILL_LIST_SOURCE })) {
    summary.documents++;
    const match = lookup.find(document.text);
    if (!match) {
      summary.unmatched++;
      continue;
    }
    summary[match.match]++;
    const label = skillTypeOfLexiconKind(match.entry.kind);
    annotations.push({
      documentId: document.id,
      task: SKILL_TYPE_TASK,
      taskVersion: `lexicon-${name}`,
      source: { kind: "lexicon" as const, name },
      payload: {
        labels: [label],
        data: { label, match: match.match, entry: match.entry.label, kind: match.entry.kind },
      },
    });
  }
  workspace.annotations.insertMany(annotations);
  return summary;
}
