/**
 * The corpus's agreement figures, from requirements.jsonl alone (and SkillSpan for the consistency check):
 *
 *   node bin/run-ts.js corpus/agreement.ts [--write]
 *
 * Prints, per category, the span F1 (strict and loose) and token-level Cohen's kappa between the
 * two independent annotations of the doubly annotated postings, each annotation against the
 * adjudicated gold, and how the gold relates to SkillSpan's own skill/knowledge layers. `--write`
 * stores them in agreement.json beside this file (the README's figures come from there).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { skillSpanPostings } from "../src/dataset/formats/skill-span-postings.ts";
import { type CorpusSpan, loadRequirementsCorpus } from "../src/dataset/gold/requirements-corpus.ts";
import { type AnnotatorAgreement, annotatorAgreement } from "../src/evaluate/annotator-agreement.ts";
import { requirementCategoryIds } from "../src/tasks/requirements/labels.ts";

const scored = (spans: readonly (CorpusSpan | [string, number, number, string])[]) =>
  spans.map(([label, start, end]) => ({ label, start, end }));

function table(title: string, agreement: AnnotatorAgreement): string {
  const percent = (value: number): string => (100 * value).toFixed(1);
  const rows = requirementCategoryIds.map((label) => {
    const entry = agreement.perCategory[label];
    if (!entry) return `| ${label} | | | | |`;
    return `| ${label} | ${entry.first} / ${entry.second} | ${percent(entry.strictF1)} | ${percent(entry.looseF1)} | ${entry.tokenKappa.toFixed(3)} |`;
  });
  return [
    `${title} (${agreement.documents} postings, ${agreement.tokens} tokens)`,
    "| category | spans (first / second) | strict F1 | loose F1 | token kappa |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    `| micro | | ${percent(agreement.micro.strictF1)} | ${percent(agreement.micro.looseF1)} | |`,
    `| macro | | ${percent(agreement.macro.strictF1)} | ${percent(agreement.macro.looseF1)} | ${agreement.macro.tokenKappa.toFixed(3)} |`,
  ].join("\n");
}

function skillSpanConsistency() {
  const corpus = new Map(loadRequirementsCorpus().map((posting) => [posting.id, posting]));
  let hard = 0;
  let hardOverlapping = 0;
  let knowledge = 0;
  let knowledgeInside = 0;
  for (const split of ["train", "dev", "test"]) {
    const path = sharedPath("data", "skillspan", "json", `${split}.json`);
    if (!path) return undefined;
    for (const posting of skillSpanPostings(readSkillSpanJson(path), split)) {
      const gold = corpus.get(posting.id)?.spans ?? [];
      for (const [label, start, end] of gold) {
        if (label !== "hard_skills") continue;
        hard++;
        if (posting.spans.some((span) => span.start < end && start < span.end)) hardOverlapping++;
      }
      for (const span of posting.spans) {
        if (span.layer !== "knowledge") continue;
        knowledge++;
        if (gold.some(([, start, end]) => start <= span.start && span.end <= end)) knowledgeInside++;
      }
    }
  }
  return {
    hardSkillSpans: hard,
    hardSkillsOverlappingSkillSpan: hardOverlapping / hard,
    skillSpanKnowledgeSpans: knowledge,
    knowledgeInsideSomeRequirementSpan: knowledgeInside / knowledge,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { write: { type: "boolean", default: false } } });
  const doubled = loadRequirementsCorpus().filter((posting) => posting.annotations !== undefined);
  const between = annotatorAgreement(
    doubled.map((posting) => ({
      text: posting.text,
      first: scored(posting.annotations?.first ?? []),
      second: scored(posting.annotations?.second ?? []),
    })),
    requirementCategoryIds,
  );
  const versusGold = (which: "first" | "second") =>
    annotatorAgreement(
      doubled.map((posting) => ({
        text: posting.text,
        first: scored(posting.spans),
        second: scored(posting.annotations?.[which] ?? []),
      })),
      requirementCategoryIds,
    );
  const firstVsGold = versusGold("first");
  const secondVsGold = versusGold("second");
  const consistency = skillSpanConsistency();
  console.log(table("Between the two annotators", between));
  console.log("");
  console.log(
    `First annotator vs adjudicated gold: micro strict / loose F1 ${(100 * firstVsGold.micro.strictF1).toFixed(1)} / ${(100 * firstVsGold.micro.looseF1).toFixed(1)}`,
  );
  console.log(
    `Second annotator vs adjudicated gold: micro strict / loose F1 ${(100 * secondVsGold.micro.strictF1).toFixed(1)} / ${(100 * secondVsGold.micro.looseF1).toFixed(1)}`,
  );
  if (consistency) console.log("SkillSpan consistency:", JSON.stringify(consistency));
  else console.log("skipped: SkillSpan consistency (needs ../shared/data/skillspan)");
  if (values.write) {
    const path = join(import.meta.dirname, "agreement.json");
    writeFileSync(
      path,
      `${JSON.stringify(
        {
          command: "node bin/run-ts.js corpus/agreement.ts --write",
          betweenAnnotators: between,
          firstVsGold: { micro: firstVsGold.micro, macro: firstVsGold.macro },
          secondVsGold: { micro: secondVsGold.micro, macro: secondVsGold.macro },
          skillSpanConsistency: consistency ?? null,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${path}`);
  }
}

main();
