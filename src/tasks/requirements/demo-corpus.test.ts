import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeHTML } from "entities";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../core/shared-data.ts";
import { type DemoAdvert, demoDocument, demoGoldSpans, loadDemoCorpus } from "./demo-corpus.ts";
import { requirementCategoryIds } from "./labels.ts";

/** A crude reduction of HTML to visible text, so this test does not depend on the aligner. */
function crudeVisibleText(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, "\n"));
}

function visibleText(advert: DemoAdvert): string {
  return advert.format === "html" ? crudeVisibleText(advert.text) : advert.text;
}

function writeTemporaryCorpus(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "jobdistill-demo-")), "adverts.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const sampleAdvert: DemoAdvert = {
  id: "sample-1",
  title: "Data Engineer",
  industry: "software",
  seniority: "mid",
  format: "text",
  text: "We use Python daily.\n- Python\n- 3+ years in data engineering\nApply now.",
  annotations: [
    { category: "hard_skills", quote: "Python", occurrence: 1, requirement: "must" },
    { category: "work_experience", quote: "3+ years in data engineering", years: 3 },
    { category: "breadtext", quote: "Apply now." },
  ],
};

describe("the demo corpus", () => {
  const adverts = loadDemoCorpus();

  it("has about forty adverts with unique ids", () => {
    expect(adverts.length).toBeGreaterThanOrEqual(40);
    expect(new Set(adverts.map((advert) => advert.id)).size).toBe(adverts.length);
  });

  it("has quotes that all occur in the text a reader sees", () => {
    for (const advert of adverts) {
      const textOf = advert.format === "html" ? crudeVisibleText : undefined;
      const spans = demoGoldSpans(advert, textOf);
      const text = visibleText(advert);
      expect(spans).toHaveLength(advert.annotations.length);
      for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text);
    }
  });

  it("never overlaps two annotations", () => {
    for (const advert of adverts) {
      const spans = demoGoldSpans(advert, advert.format === "html" ? crudeVisibleText : undefined);
      spans.slice(1).forEach((span, index) => {
        const previous = spans[index];
        expect(previous && previous.end <= span.start, `${advert.id}: "${span.text}"`).toBe(true);
      });
    }
  });

  it("covers every category widely and every advert with at least four categories", () => {
    const advertsPerCategory = new Map<string, number>();
    const quotesPerCategory = new Map<string, number>();
    for (const advert of adverts) {
      const categories = new Set(advert.annotations.map((annotation) => annotation.category));
      expect(categories.size, advert.id).toBeGreaterThanOrEqual(4);
      for (const category of categories) {
        advertsPerCategory.set(category, (advertsPerCategory.get(category) ?? 0) + 1);
      }
      for (const annotation of advert.annotations) {
        quotesPerCategory.set(annotation.category, (quotesPerCategory.get(annotation.category) ?? 0) + 1);
      }
    }
    const summary = requirementCategoryIds.map(
      (id) =>
        `${id.padEnd(16)} ${String(quotesPerCategory.get(id) ?? 0).padStart(4)} quotes in ${advertsPerCategory.get(id) ?? 0} adverts`,
    );
    const quoteCount = adverts.reduce((sum, advert) => sum + advert.annotations.length, 0);
    const htmlCount = adverts.filter((advert) => advert.format === "html").length;
    console.log(
      `demo corpus: ${adverts.length} adverts (${htmlCount} HTML), ${quoteCount} quotes\n${summary.join("\n")}`,
    );
    for (const id of requirementCategoryIds)
      expect(advertsPerCategory.get(id) ?? 0, id).toBeGreaterThanOrEqual(8);
  });

  it("keeps years on work experience only", () => {
    const withYears = adverts.flatMap((advert) =>
      advert.annotations.filter((annotation) => annotation.years !== undefined),
    );
    // 32 of the 58 work-experience quotes name a number of years; none of another category does.
    expect(withYears).toHaveLength(32);
    expect(new Set(withYears.map((annotation) => annotation.category))).toEqual(new Set(["work_experience"]));
  });

  it("turns an advert into a pipeline document", () => {
    const [first] = adverts;
    expect(first && demoDocument(first)).toMatchObject({
      id: first?.id,
      source: "demo",
      format: first?.format,
    });
  });
});

describe("demoGoldSpans", () => {
  it("picks the requested occurrence and keeps requirement and years", () => {
    const spans = demoGoldSpans(sampleAdvert);
    expect(spans.map((span) => [span.label, span.start, span.text])).toEqual([
      ["hard_skills", 23, "Python"],
      ["work_experience", 32, "3+ years in data engineering"],
      ["breadtext", 61, "Apply now."],
    ]);
    expect(spans[0]?.attrs).toEqual({ requirement: "must" });
    expect(spans[1]?.attrs).toEqual({ years: 3 });
    expect(spans[0]?.alignment).toBe("given");
  });

  it("names the advert and the quote when a quote is missing", () => {
    const broken: DemoAdvert = {
      ...sampleAdvert,
      annotations: [{ category: "soft_skills", quote: "team player" }],
    };
    expect(() => demoGoldSpans(broken)).toThrow(/sample-1.*"team player"/);
    const tooFew: DemoAdvert = {
      ...sampleAdvert,
      annotations: [{ category: "hard_skills", quote: "Python", occurrence: 2 }],
    };
    expect(() => demoGoldSpans(tooFew)).toThrow(/occurrence 2/);
  });

  it("maps HTML adverts through the given reduction and refuses to guess without one", () => {
    const html: DemoAdvert = {
      ...sampleAdvert,
      id: "sample-html",
      format: "html",
      text: "<p>R&amp;D team</p><ul><li>Python &amp; SQL</li></ul>",
      annotations: [{ category: "hard_skills", quote: "Python & SQL" }],
    };
    expect(() => demoGoldSpans(html)).toThrow(/sample-html is HTML/);
    const [span] = demoGoldSpans(html, crudeVisibleText);
    expect(span && crudeVisibleText(html.text).slice(span.start, span.end)).toBe("Python & SQL");
  });
});

describe("loadDemoCorpus", () => {
  it("names the file and line of a bad row", () => {
    const good = JSON.stringify(sampleAdvert);
    const badCategory = JSON.stringify({
      ...sampleAdvert,
      annotations: [{ category: "hobbies", quote: "Python" }],
    });
    const path = writeTemporaryCorpus([good, badCategory]);
    expect(() => loadDemoCorpus(path)).toThrow(`${path}:2: not a demo advert`);
    const notJson = writeTemporaryCorpus([good, "", "{oops"]);
    expect(() => loadDemoCorpus(notJson)).toThrow(`${notJson}:3: not valid JSON`);
  });

  it("says which file it could not read", () => {
    expect(() => loadDemoCorpus("/nonexistent/adverts.jsonl")).toThrow("/nonexistent/adverts.jsonl");
  });
});

describe("demo/adverts.jsonl", () => {
  it("is the build of demo/source", () => {
    const result = spawnSync(
      process.execPath,
      [join(projectRoot, "bin", "run-ts.js"), join(projectRoot, "demo", "build-adverts.ts"), "--check"],
      { encoding: "utf8" },
    );
    expect(result.stderr + result.stdout).toContain("matches demo/source");
    expect(result.status).toBe(0);
  });
});
