/**
 * Builds demo/adverts.jsonl from the hand-written sources in demo/source/*.txt.
 *
 * The sources keep each annotation inline, `[[code attrs|quote]]`, so a quote can never drift
 * from the text it marks. `code` is a short category name (see `categoryCodes`); `attrs` are
 * optional and space-separated: `must` or `nice`, and a number of years. An advert starts with
 * `=== id | title | industry | seniority | format`.
 *
 * Run: node bin/run-ts.js demo/build-adverts.ts          rewrites demo/adverts.jsonl
 *      node bin/run-ts.js demo/build-adverts.ts --check  fails when that file is stale
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeHTML } from "entities";

const demoFolder = dirname(fileURLToPath(import.meta.url));

const categoryCodes: Record<string, string> = {
  edu: "education",
  cert: "certification",
  qual: "qualifications",
  exp: "work_experience",
  hard: "hard_skills",
  soft: "soft_skills",
  ben: "benefits",
  bread: "breadtext",
  cult: "company_culture",
  duty: "job_duties",
};

const seniorities = new Set(["intern", "junior", "mid", "senior", "lead"]);
const markerPattern = /\[\[([a-z]+)((?: [a-z0-9.]+)*)\|([^[\]]+)\]\]/g;

interface BuiltAnnotation {
  category: string;
  quote: string;
  occurrence?: number;
  requirement?: "must" | "nice";
  years?: number;
}

interface BuiltAdvert {
  id: string;
  title: string;
  industry: string;
  seniority: string;
  format: "text" | "html";
  text: string;
  annotations: BuiltAnnotation[];
}

/** What a browser shows, roughly: tags become line breaks, entities are decoded. */
function visibleText(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, "\n"));
}

/** Start offsets of every match, overlapping ones included (the loader counts the same way). */
function matchOffsets(haystack: string, needle: string): number[] {
  const offsets: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) offsets.push(at);
  return offsets;
}

function buildAdvert(header: string, rawBody: string, where: string): BuiltAdvert {
  const body = rawBody.replace(/^\n+/, "").replace(/\s+$/, "");
  const [id, title, industry, seniority, format] = header.split("|").map((part) => part.trim());
  if (!id || !title || !industry || !seniority || (format !== "text" && format !== "html")) {
    throw new Error(`${where}: bad header "${header}"`);
  }
  if (!seniorities.has(seniority)) throw new Error(`${where}: bad seniority "${seniority}"`);

  let text = "";
  let consumed = 0;
  const markers: { category: string; attrs: string[]; content: string; textOffset: number }[] = [];
  for (const match of body.matchAll(markerPattern)) {
    const [whole, code, attrs = "", content = ""] = match;
    const category = code ? categoryCodes[code] : undefined;
    if (!category) throw new Error(`${where} ${id}: unknown category code "${code}" in ${whole}`);
    text += body.slice(consumed, match.index);
    markers.push({
      category,
      attrs: attrs.trim().split(" ").filter(Boolean),
      content,
      textOffset: text.length,
    });
    text += content;
    consumed = match.index + whole.length;
  }
  text += body.slice(consumed);
  if (text.includes("[[") || text.includes("]]")) throw new Error(`${where} ${id}: unbalanced marker`);

  const visible = format === "html" ? visibleText(text) : text;
  const annotations = markers.map(({ category, attrs, content, textOffset }) => {
    if (format === "html" && /[<>]/.test(content)) {
      throw new Error(`${where} ${id}: quote crosses a tag: ${content}`);
    }
    const quote = format === "html" ? decodeHTML(content) : content;
    if (quote !== quote.trim() || /\s\s|\n/.test(quote)) {
      throw new Error(`${where} ${id}: quote has stray whitespace: "${quote}"`);
    }
    const visibleOffset = format === "html" ? visibleText(text.slice(0, textOffset)).length : textOffset;
    const offsets = matchOffsets(visible, quote);
    const occurrence = offsets.indexOf(visibleOffset);
    if (occurrence === -1) throw new Error(`${where} ${id}: lost quote "${quote}"`);
    const annotation: BuiltAnnotation = { category, quote };
    if (offsets.length > 1) annotation.occurrence = occurrence;
    for (const attr of attrs) {
      if (attr === "must" || attr === "nice") annotation.requirement = attr;
      else if (/^\d+(\.\d+)?$/.test(attr)) annotation.years = Number(attr);
      else throw new Error(`${where} ${id}: unknown attribute "${attr}" on "${quote}"`);
    }
    if (annotation.years !== undefined && category !== "work_experience") {
      throw new Error(`${where} ${id}: years on a ${category} quote "${quote}"`);
    }
    return annotation;
  });
  return {
    id,
    title,
    industry,
    seniority,
    format,
    text,
    annotations,
  };
}

function buildCorpus(): BuiltAdvert[] {
  const sourceFolder = join(demoFolder, "source");
  const adverts: BuiltAdvert[] = [];
  for (const file of readdirSync(sourceFolder)
    .filter((name) => name.endsWith(".txt"))
    .sort()) {
    const chunks = readFileSync(join(sourceFolder, file), "utf8").split(/^=== /m).slice(1);
    for (const chunk of chunks) {
      const newline = chunk.indexOf("\n");
      adverts.push(buildAdvert(chunk.slice(0, newline), chunk.slice(newline + 1), file));
    }
  }
  const ids = new Set<string>();
  for (const advert of adverts) {
    if (ids.has(advert.id)) throw new Error(`duplicate id ${advert.id}`);
    ids.add(advert.id);
  }
  return adverts;
}

function printSummary(adverts: BuiltAdvert[]): void {
  const totals = new Map<string, number>();
  const advertsPerCategory = new Map<string, number>();
  for (const advert of adverts) {
    const visible = advert.format === "html" ? visibleText(advert.text) : advert.text;
    const words = visible.split(/\s+/).filter(Boolean).length;
    const categories = new Set(advert.annotations.map((annotation) => annotation.category));
    for (const annotation of advert.annotations) {
      totals.set(annotation.category, (totals.get(annotation.category) ?? 0) + 1);
    }
    for (const category of categories) {
      advertsPerCategory.set(category, (advertsPerCategory.get(category) ?? 0) + 1);
    }
    const warning = words < 150 || words > 450 || categories.size < 4 ? "  <-- check" : "";
    console.log(
      `${advert.id} ${advert.format.padEnd(4)} ${String(words).padStart(3)} words, ${String(advert.annotations.length).padStart(2)} annotations, ${categories.size} categories  ${advert.title}${warning}`,
    );
  }
  console.log(`\n${adverts.length} adverts`);
  for (const category of Object.values(categoryCodes)) {
    console.log(
      `${category.padEnd(16)} ${String(totals.get(category) ?? 0).padStart(4)} quotes in ${advertsPerCategory.get(category) ?? 0} adverts`,
    );
  }
}

const adverts = buildCorpus();
const corpusPath = join(demoFolder, "adverts.jsonl");
const serialised = adverts.map((advert) => JSON.stringify(advert)).join("\n") + "\n";
if (process.argv.includes("--check")) {
  const current = existsSync(corpusPath) ? readFileSync(corpusPath, "utf8") : "";
  if (current !== serialised) {
    console.error(`${corpusPath} is stale: run node bin/run-ts.js demo/build-adverts.ts`);
    process.exit(1);
  }
  console.log(`${corpusPath} matches demo/source (${adverts.length} adverts)`);
} else {
  writeFileSync(corpusPath, serialised);
  printSummary(adverts);
}
