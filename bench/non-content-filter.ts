/**
 * What the non-content filter (headings, placeholder-only spans, contact lines) does on the real-advert
 * requirements corpus: students trained on its train split, scored on its dev split (the test split
 * is never read), highlights with and without the filter, loose and strict micro F1, and how many
 * predicted and gold spans the filter would remove. Run: `node bin/run-ts.js bench/non-content-filter.ts
 * [--epochs N]`; prints only.
 */

import { loadRequirementsCorpus } from "../src/dataset/gold/requirements-corpus.ts";
import { scoreSpans } from "../src/evaluate/span-scorer.ts";
import {
  highlightRequirements,
  type LabelledDocument,
  requirementsStudentDefaults,
  tokenisedSegments,
  trainingDataFromDocuments,
  trainRequirementStudents,
} from "../src/student/requirements/index.ts";
import { nonContentReason } from "../src/student/requirements/non-content-spans.ts";
import { overrideSpanStudentSettings } from "../src/student/span-student-settings.ts";
import { requirementCategoryIds } from "../src/tasks/requirements/labels.ts";

const epochsFlag = process.argv.indexOf("--epochs");
const epochs = epochsFlag === -1 ? undefined : Number(process.argv[epochsFlag + 1]);
const postings = loadRequirementsCorpus();
const documentsOf = (split: string): LabelledDocument[] =>
  postings
    .filter((posting) => posting.split === split)
    .map((posting) => ({
      id: posting.id,
      text: posting.text,
      spans: posting.spans.map(([label, start, end]) => ({ label, start, end })),
    }));
const train = documentsOf("train");
const dev = documentsOf("dev");

const goldDropped = new Map<string, number>();
for (const document of [...train, ...dev]) {
  for (const span of document.spans) {
    const reason = nonContentReason(document.text, span);
    if (reason) goldDropped.set(reason, (goldDropped.get(reason) ?? 0) + 1);
  }
}
const goldTotal = [...train, ...dev].reduce((sum, document) => sum + document.spans.length, 0);
console.log(
  `gold spans (train+dev) the filter would drop: ${[...goldDropped].map(([reason, count]) => `${reason} ${count}`).join(", ") || "none"} of ${goldTotal}`,
);

const layers = [...requirementCategoryIds];
const data = trainingDataFromDocuments(
  { train, dev, test: [] },
  { task: "requirements", layers, labels: layers },
);
const unlabelledSentences = [...train, ...dev].flatMap((document) =>
  tokenisedSegments(document.text).map((segment) => segment.tokens.map((token) => token.text)),
);
const started = process.cpuUsage();
const students = trainRequirementStudents(data, {
  settings: overrideSpanStudentSettings(requirementsStudentDefaults, epochs ? { epochs } : {}),
  unlabelledSentences,
});
const cpu = process.cpuUsage(started);
console.log(
  `trained on ${train.length} train postings in ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`,
);

const gold = dev.map((document) => document.spans);
const highlighted = async (dropNonContent: boolean) => {
  const sets: { start: number; end: number; label: string }[][] = [];
  for (const document of dev) {
    const { spans } = await highlightRequirements(students, { text: document.text }, { dropNonContent });
    sets.push(spans.map(({ start, end, category }) => ({ start, end, label: category })));
  }
  return sets;
};
const unfiltered = await highlighted(false);
const filtered = await highlighted(true);
const removedByReason = new Map<string, number>();
dev.forEach((document, index) => {
  for (const span of unfiltered[index] ?? []) {
    const reason = nonContentReason(document.text, span);
    if (reason) removedByReason.set(reason, (removedByReason.get(reason) ?? 0) + 1);
  }
});
const count = (sets: readonly (readonly unknown[])[]): number =>
  sets.reduce((sum, set) => sum + set.length, 0);
const before = scoreSpans(gold, unfiltered, { labels: layers });
const after = scoreSpans(gold, filtered, { labels: layers });
const percent = (value: number): string => (100 * value).toFixed(2);
console.log(
  `dev (${dev.length} postings): predicted spans ${count(unfiltered)} → ${count(filtered)} (removed ${count(unfiltered) - count(filtered)}: ${[...removedByReason].map(([reason, n]) => `${reason} ${n}`).join(", ")})`,
);
for (const kind of ["loose", "strict"] as const) {
  const b = before[kind].micro;
  const a = after[kind].micro;
  console.log(
    `  ${kind} micro  P ${percent(b.precision)} → ${percent(a.precision)}  R ${percent(b.recall)} → ${percent(a.recall)}  F1 ${percent(b.f1)} → ${percent(a.f1)}`,
  );
}
