import { htmlToText } from "../align/index.ts";
import type { Workspace } from "../store/index.ts";
import { demoGoldSpans, loadDemoCorpus } from "../tasks/requirements/demo-corpus.ts";
import { SKILL_TYPE_TASK } from "../tasks/skill-type/index.ts";
import { uniqueSkillPhrases } from "../tasks/skill-type/skill-list.ts";

export const DEMO_SKILL_TYPE_SOURCE = { kind: "gold", name: "demo" } as const;

/**
 * The demo corpus's hand-marked "Hard skills" and "Soft skills" quotes, as skill-type gold: each
 * unique phrase a document of the skill list, labelled Hard or Soft. Gives the demo a skill-type
 * student with no lexicon or LLM. A phrase marked both ways keeps its first label.
 */
export function importDemoSkillTypes(workspace: Workspace): { phrases: number; hard: number; soft: number } {
  const labelled: { phrase: string; label: "Hard" | "Soft" }[] = [];
  for (const advert of loadDemoCorpus()) {
    const spans =
      advert.format === "html"
        ? demoGoldSpans(advert, (html) => htmlToText(html).text)
        : demoGoldSpans(advert);
    for (const span of spans) {
      if (span.label === "hard_skills") labelled.push({ phrase: span.text, label: "Hard" });
      if (span.label === "soft_skills") labelled.push({ phrase: span.text, label: "Soft" });
    }
  }
  const { documents, documentIdOf } = uniqueSkillPhrases(
    labelled.map((item) => item.phrase),
    "demo",
  );
  const counts = { phrases: documents.length, hard: 0, soft: 0 };
  workspace.db.transaction(() => {
    workspace.documents.insertMany(documents);
    const seen = new Set<string>();
    labelled.forEach((item, index) => {
      const documentId = documentIdOf[index];
      if (documentId === undefined || seen.has(documentId) || !workspace.documents.has(documentId)) return;
      seen.add(documentId);
      workspace.annotations.insert({
        documentId,
        task: SKILL_TYPE_TASK,
        taskVersion: "demo",
        source: DEMO_SKILL_TYPE_SOURCE,
        payload: { labels: [item.label] },
      });
      if (item.label === "Hard") counts.hard++;
      else counts.soft++;
    });
  })();
  return counts;
}
