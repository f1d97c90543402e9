import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readableText } from "../../align/html-to-text.ts";
import { createRandom, type Random } from "../../core/random.ts";
import { chunkDocument } from "./chunk.ts";
import { demoGoldSpans, loadDemoCorpus } from "./demo-corpus.ts";
import { REQUIREMENT_LABELS_VERSION, requirementCategories, requirementCategoryIds } from "./labels.ts";
import { mergeChunkPayloads } from "./merge-chunk-spans.ts";
import { buildRequirementsSystemPrompt } from "./prompt.ts";
import {
  type RequirementsAnnotationData,
  type RequirementsInput,
  type RequirementsOutput,
  requirementsOutputSchema,
} from "./schema.ts";
import {
  computeRequirementsTaskVersion,
  createRequirementsTask,
  requirementsTask,
  requirementsTaskVersion,
} from "./task.ts";

const advert = [
  "Senior Data Engineer",
  "What you bring:",
  "• 5+ years of experience in data engineering",
  "• Strong SQL and Python skills",
  "• Knowledge of “dbt” – a plus",
  "• Excellent communication skills",
  "We offer 30 days of holiday and a yearly learning budget.",
].join("\n");

const input = (text: string, offset = 0): RequirementsInput => ({
  documentId: "doc-1",
  text,
  chunkIndex: 0,
  chunkCount: 1,
  offset,
});

describe("requirements prompt and version", () => {
  it("names every category with its definition and examples, and asks for verbatim JSON", () => {
    const [system, user] = requirementsTask.buildMessages(input(advert));
    expect(system?.role).toBe("system");
    for (const category of requirementCategories) {
      expect(system?.content).toContain(category.id);
      expect(system?.content).toContain(category.definition);
      for (const example of category.guide.yes)
        expect(system?.content).toContain(typeof example === "string" ? example : example.quote);
    }
    expect(system?.content).toMatch(/VERBATIM/);
    expect(system?.content).toMatch(/JSON object only/);
    expect(user?.role).toBe("user");
    expect(user?.content).toContain(advert);
    expect(user?.content).not.toMatch(/part 1 of/);
  });

  it("tells the model when it sees one part of a long advert", () => {
    const [, user] = requirementsTask.buildMessages({ ...input("Part text"), chunkIndex: 1, chunkCount: 3 });
    expect(user?.content).toMatch(/part 2 of 3/);
  });

  it("has a stable version that changes with prompt, labels version or schema", () => {
    const parts = {
      prompts: [buildRequirementsSystemPrompt()],
      labelsVersion: REQUIREMENT_LABELS_VERSION,
      outputSchema: requirementsOutputSchema,
    };
    const version = computeRequirementsTaskVersion(parts);
    expect(version).toMatch(/^v1-[0-9a-f]{12}$/);
    expect(computeRequirementsTaskVersion(parts)).toBe(version);
    expect(requirementsTaskVersion).toMatch(/^v1-[0-9a-f]{12}$/);
    expect(createRequirementsTask({ reaskUnalignedShare: 0.5 }).version).toBe(requirementsTask.version);
    expect(computeRequirementsTaskVersion({ ...parts, prompts: [`${parts.prompts[0]} `] })).not.toBe(version);
    expect(computeRequirementsTaskVersion({ ...parts, labelsVersion: "other" })).not.toBe(version);
    expect(
      computeRequirementsTaskVersion({ ...parts, outputSchema: z.object({ spans: z.array(z.string()) }) }),
    ).not.toBe(version);
  });

  it("identifies items by document and chunk, and fingerprints what changes the answer", () => {
    expect(requirementsTask.itemId(input("x"))).toBe("doc-1");
    expect(requirementsTask.itemId({ ...input("x"), chunkIndex: 2, chunkCount: 3 })).toBe("doc-1#chunk2");
    const fingerprint = requirementsTask.itemFingerprint(input("x"));
    expect(requirementsTask.itemFingerprint(input("x", 100))).toBe(fingerprint);
    expect(requirementsTask.itemFingerprint(input("y"))).not.toBe(fingerprint);
    expect(requirementsTask.estimateOutputTokens?.(input(advert))).toBeGreaterThan(20);
  });
});

describe("requirements output schema", () => {
  it("accepts nulls and extra fields, keeps empty quotes, rejects unknown categories", () => {
    const parsed = requirementsOutputSchema.parse({
      spans: [
        { category: "hard_skills", quote: "SQL", requirement: null, years: null, confidence: 0.9 },
        { category: "education", quote: "" },
      ],
      note: "extra",
    });
    expect(parsed.spans).toHaveLength(2);
    expect(parsed.spans[0]).not.toHaveProperty("confidence");
    expect(
      requirementsOutputSchema.safeParse({ spans: [{ category: "skills", quote: "SQL" }] }).success,
    ).toBe(false);
    expect(requirementsOutputSchema.safeParse({ spans: [{ category: "hard_skills" }] }).success).toBe(false);
  });

  it("converts to a JSON schema listing the ten categories", () => {
    const json = JSON.stringify(z.toJSONSchema(requirementsOutputSchema, { io: "output" }));
    for (const id of requirementCategoryIds) expect(json).toContain(`"${id}"`);
  });
});

describe("requirements check", () => {
  const answer = (...quotes: string[]): RequirementsOutput => ({
    spans: quotes.map((quote) => ({ category: "hard_skills" as const, quote })),
  });

  it("accepts answers whose quotes are all in the text, even loosely copied", () => {
    expect(
      requirementsTask.check?.(input(advert), answer("SQL", 'knowledge of "dbt" - a plus', "PYTHON")),
    ).toEqual([]);
  });

  it("tolerates a few missing quotes rather than paying for a re-ask", () => {
    expect(
      requirementsTask.check?.(input(advert), answer("SQL", "Python", "Rust", "dbt", "communication")),
    ).toEqual([]);
  });

  it("re-asks when more than a third of the quotes are missing, naming them", () => {
    const issues =
      requirementsTask.check?.(input(advert), answer("SQL", "Rust", "Haskell programming", "")) ?? [];
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/not in the text.*"Rust"/);
    expect(issues[1]).toMatch(/"Haskell programming"/);
    expect(issues[2]).toMatch(/empty quote/);
  });

  it("honours the re-ask share and caps the issues listed", () => {
    const strict = createRequirementsTask({ reaskUnalignedShare: 0, maxIssues: 2 });
    expect(strict.check?.(input(advert), answer("SQL", "Rust"))).toHaveLength(1);
    const many = answer("Rust1", "Rust2", "Rust3", "Rust4");
    const issues = strict.check?.(input(advert), many) ?? [];
    expect(issues).toHaveLength(3);
    expect(issues[2]).toMatch(/2 more/);
  });
});

describe("requirements toAnnotations", () => {
  it("aligns loosely copied quotes, shifts offsets into the document and keeps attributes", () => {
    const prefix = "Intro text that came before this chunk.\n";
    const document = prefix + advert;
    const output: RequirementsOutput = {
      spans: [
        {
          category: "work_experience",
          quote: "5+ years of experience in data engineering",
          requirement: "must",
          years: 5,
        },
        { category: "hard_skills", quote: "strong sql and python skills", requirement: "must" },
        { category: "hard_skills", quote: 'Knowledge of "dbt"', requirement: "nice", years: null },
        { category: "soft_skills", quote: "Excellent  communication\nskills" },
        { category: "benefits", quote: "30 days of holidays" },
        { category: "benefits", quote: "free lunch every day" },
      ],
    };
    const [draft, ...rest] = requirementsTask.toAnnotations(input(advert, prefix.length), output);
    expect(rest).toEqual([]);
    expect(draft?.documentId).toBe("doc-1");
    const spans = draft?.payload.spans ?? [];
    for (const span of spans) expect(document.slice(span.start, span.end)).toBe(span.text);
    expect(spans.map((span) => [span.label, span.text, span.alignment, span.attrs])).toEqual([
      [
        "work_experience",
        "5+ years of experience in data engineering",
        "exact",
        { requirement: "must", years: 5 },
      ],
      ["hard_skills", "Strong SQL and Python skills", "normalised", { requirement: "must" }],
      ["hard_skills", "Knowledge of “dbt”", "normalised", { requirement: "nice" }],
      ["soft_skills", "Excellent communication skills", "normalised", undefined],
      ["benefits", "30 days of holiday", "fuzzy", undefined],
    ]);
    expect(draft?.payload.unaligned).toEqual([
      { label: "benefits", quote: "free lunch every day", reason: expect.stringMatching(/not found/) },
    ]);
    const data = draft?.payload.data as RequirementsAnnotationData;
    expect(data).toEqual({
      chunkIndex: 0,
      chunkCount: 1,
      stats: { exact: 1, normalised: 3, fuzzy: 1, unaligned: 1, total: 6 },
    });
  });
});

/** A teacher's imperfect copy of a gold quote. */
function copyLoosely(quote: string, random: Random): string {
  switch (random.int(5)) {
    case 0:
      return quote.toLowerCase();
    case 1:
      return quote.replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, "-");
    case 2:
      return ` ${quote.replace(/ /g, "  ")} `;
    default:
      return quote;
  }
}

describe("requirements task on the demo corpus", () => {
  it("turns loosely copied gold quotes of every advert, chunked, back into the gold spans", () => {
    const random = createRandom(8);
    let goldCount = 0;
    let recovered = 0;
    for (const advertRow of loadDemoCorpus()) {
      const text = readableText({ text: advertRow.text, format: advertRow.format });
      const gold =
        advertRow.format === "html"
          ? demoGoldSpans(advertRow, (html) => readableText({ text: html, format: "html" }))
          : demoGoldSpans(advertRow);
      const chunks = chunkDocument(advertRow.id, text, { maxChars: 1200, overlapChars: 200 });
      const payloads = chunks.map((chunk) => {
        const inChunk = gold.filter(
          (span) => span.start >= chunk.offset && span.end <= chunk.offset + chunk.text.length,
        );
        const output: RequirementsOutput = {
          spans: inChunk.map((span) => ({
            category: span.label as "hard_skills",
            quote: copyLoosely(span.text, random),
          })),
        };
        const [draft] = requirementsTask.toAnnotations(chunk, output);
        return draft?.payload ?? {};
      });
      // Stored annotations come back in any order.
      const joined = mergeChunkPayloads(payloads.reverse());
      expect(joined.data.chunksSeen).toHaveLength(chunks.length);
      expect(joined.data.stats.unaligned).toBe(0);
      const merged = joined.spans;
      for (const span of merged) expect(text.slice(span.start, span.end)).toBe(span.text);
      const found = new Set(merged.map((span) => `${span.label}:${span.start}:${span.end}`));
      goldCount += gold.length;
      recovered += gold.filter((span) => found.has(`${span.label}:${span.start}:${span.end}`)).length;
    }
    // Every quote of the corpus, loosely copied and chunked, comes back to its exact gold span.
    expect(goldCount).toBe(loadDemoCorpus().reduce((sum, advert) => sum + advert.annotations.length, 0));
    expect(goldCount).toBeGreaterThan(800);
    expect(recovered).toBe(goldCount);
  });
});
