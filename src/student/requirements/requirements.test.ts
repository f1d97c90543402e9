import { describe, expect, it } from "vitest";
import { bioToChunks } from "../../align/bio.ts";
import { htmlToText } from "../../align/html-to-text.ts";
import { demoGoldSpans, loadDemoCorpus } from "../../tasks/requirements/demo-corpus.ts";
import { requirementCategoryIds } from "../../tasks/requirements/labels.ts";
import { type SegmentClassifier, trainSegmentClassifier } from "../segment-classifier/index.ts";
import { overrideSpanStudentSettings } from "../span-student-settings.ts";
import { trainTagger } from "../tagger/index.ts";
import { requirementsStudentDefaults } from "./definition.ts";
import { extractSkillMentions } from "./extract-skill-mentions.ts";
import { highlightRequirements } from "./highlight-requirements.ts";
import { parseDatasetConll } from "./read-student-dataset.ts";
import { trainingDataFromDocuments } from "./student-data.ts";
import { taggedConll } from "./tag-text.ts";
import { trainRequirementStudents } from "./train-students.ts";
import {
  documentSegmentExamples,
  documentSentences,
  type LabelledDocument,
  tokenisedSegments,
} from "./training-examples.ts";

const advert: LabelledDocument = {
  id: "a1",
  text: "About us\nWe need 3 years of Python experience. Team player wanted.\n• 30 days of holiday",
  spans: [
    { start: 17, end: 45, label: "work_experience" },
    { start: 47, end: 58, label: "soft_skills" },
    { start: 69, end: 88, label: "benefits" },
  ],
};

describe("training examples", () => {
  it("gives one BIO sentence per segment with a bare-tag layer per category", () => {
    const sentences = documentSentences(advert, ["work_experience", "benefits"]);
    expect(sentences.map((sentence) => sentence.tokens.join(" "))).toEqual([
      "About us",
      "We need 3 years of Python experience .",
      "Team player wanted .",
      "30 days of holiday",
    ]);
    expect(sentences[1]?.layers.work_experience).toEqual(["O", "O", "B", "I", "I", "I", "I", "O"]);
    expect(sentences[3]?.layers.benefits).toEqual(["B", "I", "I", "I"]);
    expect(Object.keys(sentences[0]?.layers ?? {})).toEqual(["work_experience", "benefits"]);
  });

  it("labels segments by the dataset's half-overlap rule, within the label set", () => {
    const examples = documentSegmentExamples(advert, ["benefits", "soft_skills", "work_experience"]);
    expect(examples.map((example) => example.labels)).toEqual([
      [],
      ["work_experience"],
      ["soft_skills"],
      ["benefits"],
    ]);
    expect(documentSegmentExamples(advert, ["benefits"]).map((example) => example.labels)).toEqual([
      [],
      [],
      [],
      ["benefits"],
    ]);
  });

  it("reads the dataset's CoNLL: documents and sentences apart, one column per layer", () => {
    const conll =
      "-DOCSTART-\tO\tO\n\nWe\tO\tO\nPython\tB-hard_skills\tO\n\n30\tO\tB-benefits\ndays\tO\tI-benefits\n\n";
    const sentences = parseDatasetConll(conll, ["hard_skills", "benefits"], "test.conll");
    expect(sentences).toEqual([
      { tokens: ["We", "Python"], layers: { hard_skills: ["O", "B-hard_skills"], benefits: ["O", "O"] } },
      { tokens: ["30", "days"], layers: { hard_skills: ["O", "O"], benefits: ["B-benefits", "I-benefits"] } },
    ]);
    expect(() => parseDatasetConll("We\tO\n", ["a", "b"], "bad.conll")).toThrow(/bad.conll:1/);
  });
});

describe("highlightRequirements", () => {
  // A tagger that never marks anything and a classifier that knows benefits: only segment-level highlights remain.
  const silentTagger = trainTagger(
    [{ tokens: ["We", "offer", "a", "pension"], layers: { benefits: ["O", "O", "O", "O"] } }],
    { epochs: 1, hashBits: 10 },
  );
  const benefitsClassifier = trainSegmentClassifier(
    [
      { text: "We offer a pension and 30 days of holiday", labels: ["benefits"] },
      { text: "Free gym membership and a pension", labels: ["benefits"] },
      { text: "You know Python and SQL", labels: [] },
      { text: "Apply by sending your CV", labels: [] },
    ],
    { labelSet: ["benefits"], epochs: 30, hashBits: 12 },
  );

  it("highlights a whole segment when the classifier assigns a category the tagger did not find", async () => {
    const result = await highlightRequirements(
      { tagger: silentTagger, segmentClassifier: benefitsClassifier },
      { text: "You know Python.\nWe offer a pension and free gym membership." },
    );
    expect(result.spans).toHaveLength(1);
    const [span] = result.spans;
    expect(span).toMatchObject({
      category: "benefits",
      start: 17,
      text: "We offer a pension and free gym membership.",
    });
    expect(span?.score).toBeGreaterThan(0.5);
    const without = await highlightRequirements(
      { tagger: silentTagger, segmentClassifier: benefitsClassifier },
      { text: "We offer a pension." },
      { segmentSpans: false },
    );
    expect(without.spans).toEqual([]);
  });

  it("reduces HTML and points offsets into the visible text", async () => {
    const html = "<p>Intro</p><ul><li>We offer a pension and free gym membership</li></ul>";
    const result = await highlightRequirements(
      { tagger: silentTagger, segmentClassifier: benefitsClassifier },
      { text: html, format: "html" },
    );
    expect(result.text).toBe(htmlToText(html).text);
    for (const span of result.spans) expect(result.text.slice(span.start, span.end)).toBe(span.text);
    expect(result.spans.map((span) => span.category)).toEqual(["benefits"]);
  });
});

describe("trainRequirementStudents on the demo corpus", () => {
  const reduce = (html: string): string => htmlToText(html).text;
  const documents = loadDemoCorpus().map((advert) => ({
    id: advert.id,
    text: advert.format === "html" ? reduce(advert.text) : advert.text,
    spans: demoGoldSpans(advert, advert.format === "html" ? reduce : undefined),
  }));
  const data = trainingDataFromDocuments(
    { train: documents.slice(0, 24), dev: documents.slice(24, 30), test: documents.slice(30) },
    { task: "requirements", layers: requirementCategoryIds, labels: requirementCategoryIds },
  );
  const options = {
    settings: overrideSpanStudentSettings(requirementsStudentDefaults, { seed: 3, epochs: 4 }),
  };
  const first = trainRequirementStudents(data, options);

  it("reports what it learnt from, per split and layer", () => {
    const { report } = first;
    expect(report.splits.train.documents).toBe(24);
    expect(report.splits.test.documents).toBe(documents.length - 30);
    // Counted here from the gold spans of the 24 training adverts: a span is one BIO chunk per
    // segment it touches (five breadtext spans run over a sentence end and so count twice).
    const chunks: Record<string, number> = {};
    for (const document of documents.slice(0, 24)) {
      const segments = tokenisedSegments(document.text);
      for (const span of document.spans) {
        const touched = segments.filter((segment) => segment.start < span.end && span.start < segment.end);
        chunks[span.label] = (chunks[span.label] ?? 0) + touched.length;
      }
    }
    expect(Object.keys(chunks).sort()).toEqual([...requirementCategoryIds].sort());
    expect(report.splits.train.spans).toEqual(chunks);
    expect(report.tagger.layers.map((layer) => layer.name)).toEqual([...requirementCategoryIds]);
    // Dev loss still falls at the last of the 4 epochs (seed 3), so the last is the best.
    expect(report.segmentClassifier?.bestEpoch).toBe(4);
    expect(Object.keys(report.segmentClassifier?.thresholds ?? {})).toEqual([...requirementCategoryIds]);
  });

  it("is deterministic for a seed", async () => {
    const again = trainRequirementStudents(data, options);
    const text = documents[31]?.text ?? "";
    expect(await highlightRequirements(again, { text })).toEqual(
      await highlightRequirements(first, { text }),
    );
    expect(again.report.tagger.layers).toEqual(first.report.tagger.layers);
  });

  it("highlights held-out adverts with valid offsets, scores in [0, 1], in reading order", async () => {
    let found = 0;
    const heldOut = documents.slice(30);
    expect(heldOut).toHaveLength(10);
    for (const document of heldOut) {
      const { text, spans } = await highlightRequirements(first, { text: document.text });
      expect(spans.length, document.id).toBeGreaterThan(0);
      found += spans.length;
      spans.forEach((span, index) => {
        expect(text.slice(span.start, span.end)).toBe(span.text);
        expect(span.score).toBeGreaterThanOrEqual(0);
        expect(span.score).toBeLessThanOrEqual(1);
        expect(requirementCategoryIds).toContain(span.category);
        if (index > 0) expect(span.start).toBeGreaterThanOrEqual(spans[index - 1]?.start ?? 0);
      });
    }
    // What these students (seed 3, 4 epochs) highlight in the ten held-out adverts (205 before the
    // non-content filter, which drops the heading "Your role" of demo-034 marked as benefits).
    expect(found).toBe(204);
  });

  it("lets the classifier veto tagger spans it finds unlikely, keeping its own segment highlights", async () => {
    const text = documents[32]?.text ?? "";
    const all = (await highlightRequirements(first, { text }, { vetoRatio: 0 })).spans;
    const kept = (await highlightRequirements(first, { text })).spans;
    const vetoAll = (await highlightRequirements(first, { text }, { vetoRatio: Number.POSITIVE_INFINITY }))
      .spans;
    const key = (span: { start: number; end: number; category: string }) =>
      `${span.category}:${span.start}:${span.end}`;
    // Figures of these students (seed 3) on this advert: the default veto drops 18 of 33 highlights.
    expect([all.length, kept.length, vetoAll.length]).toEqual([33, 15, 13]);
    const allKeys = new Set(all.map(key));
    expect(kept.every((span) => allKeys.has(key(span)))).toBe(true);
    // Every tagger span vetoed, what is left is the classifier's own: each category it assigns to a
    // segment, as that whole segment.
    const segmentHighlights = tokenisedSegments(text).flatMap((segment) =>
      ((first.segmentClassifier as SegmentClassifier | undefined)?.predict(segment.text).labels ?? []).map(
        (category) => key({ category, start: segment.start, end: segment.end }),
      ),
    );
    expect(vetoAll.map(key).sort()).toEqual(segmentHighlights.sort());
  });

  it("writes CoNLL with one typed column per layer, and extracts mentions as spans", () => {
    const lines = taggedConll(first.tagger, "We offer 30 days of holiday.");
    const tokens = ["We", "offer", "30", "days", "of", "holiday", "."];
    // -DOCSTART-, a blank line, one line per token, and the blank line that ends the sentence.
    expect(lines).toHaveLength(2 + tokens.length + 1);
    expect(lines[0]).toBe(["-DOCSTART-", ...requirementCategoryIds.map(() => "O")].join("\t"));
    expect([lines[1], lines.at(-1)]).toEqual(["", ""]);
    const rows = lines.slice(2, -1).map((line) => line.split("\t"));
    expect(rows.map((row) => row[0])).toEqual(tokens);
    // Each column, read back as BIO, gives the chunks the tagger predicts for its layer.
    const predicted = first.tagger.predictChunks(tokens);
    expect(first.tagger.layerNames).toEqual([...requirementCategoryIds]);
    first.tagger.layerNames.forEach((layer, index) => {
      const column = rows.map((row) => row[index + 1] ?? "");
      for (const tag of column) expect(tag).toMatch(new RegExp(`^(O|[BI]-${layer})$`));
      const bounds = (chunks: { startToken: number; endToken: number }[]) =>
        chunks.map((chunk) => [chunk.startToken, chunk.endToken]);
      expect(bounds(bioToChunks(column)), layer).toEqual(bounds(predicted[layer] ?? []));
    });
    expect(Object.values(predicted).flat().length).toBeGreaterThan(0);
    const mentions = extractSkillMentions(first.tagger, { text: documents[30]?.text ?? "" });
    expect(mentions.mentions).toHaveLength(24);
    for (const mention of mentions.mentions) {
      expect(mentions.text.slice(mention.start, mention.end)).toBe(mention.text);
      expect(requirementCategoryIds).toContain(mention.layer);
    }
  });
});
