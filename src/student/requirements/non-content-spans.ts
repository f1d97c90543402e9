import { htmlparser2 } from "../../align/html-to-text.ts";

/**
 * What the annotation guide (corpus/GUIDE.md, "What is never marked") says is never highlighted:
 * headings and field labels, spans made only of anonymisation tags, and contact lines. The tagger
 * reads one segment at a time and sometimes marks them anyway; this filter drops such spans after
 * the fact, by looking at the line each span lies on.
 */
export type NonContentReason = "heading" | "placeholder" | "contact";

/** Character ranges `[start, end)` of the text that came from an HTML heading (`<h1>`…`<h6>`). */
export type TextRange = readonly [start: number, end: number];

/** SkillSpan's anonymisation tags (`<ORGANIZATION>`, `<LOCATION>`, `<CONTACT>`, …). */
const placeholderTag = /<[A-Z][A-Z_]*>/g;
const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const url = /\b(?:https?:\/\/|www\.)\S+/gi;
const phone = /\+?\d[\d ()/.-]{6,}\d/g;
const contactTag = /<(?:CONTACT|EMAIL|URL|PHONE|PHONE_NUMBER)>/;
const contactWords =
  /\b(?:contact|contacts|e-?mail|mail|phone|telephone|tel|mobile|fax|web|website|kontakt|at|or|via|on|and)\b/gi;
/** A line that points somewhere ("Read more at <CONTACT>", "Apply via …") is a call to apply, not contact data. */
const callWords = /\b(?:read|learn|see|send|apply|visit|find|more|here)\b/i;
/** Nouns that name an advert's sections ("Your Profile", "Key Responsibilities", "What We Offer"). */
const sectionNouns = new Set([
  "about",
  "description",
  "duties",
  "offer",
  "opportunity",
  "overview",
  "position",
  "profile",
  "qualifications",
  "requirements",
  "responsibilities",
  "role",
  "summary",
  "tasks",
  "technologies",
]);
/** Other words of heading lines made only of section words ("What you will do", "Who we are"). */
const headingWords = new Set([
  ...sectionNouns,
  "benefits",
  "perks",
  "and",
  "do",
  "essential",
  "desirable",
  "have",
  "how",
  "job",
  "key",
  "main",
  "nice",
  "our",
  "the",
  "this",
  "to",
  "us",
  "we",
  "what",
  "who",
  "why",
  "will",
  "you",
  "your",
  "are",
  "skills",
  "apply",
  "expect",
  "can",
]);
/** Words that may stay lower case in a Title Case heading. */
const minorWords = new Set([
  "a",
  "an",
  "and",
  "as",
  "at",
  "by",
  "for",
  "in",
  "of",
  "on",
  "or",
  "the",
  "to",
  "with",
  "&",
]);
/** Verbs whose presence makes a capitalised line a sentence rather than a heading. */
const verbs =
  /\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|must|should|shall|may|might|do|does|did|join|apply|offer|offers|work|works|build|builds|develop|develops|design|designs|manage|manages|lead|leads|support|supports|need|needs|seek|seeks|look|looks|make|makes|provide|provides|help|helps|bring|create|ensure|maintain|deliver|drive)\b/i;

/** Why the guide says `span` is not highlighted, or undefined when it may be. */
export function nonContentReason(
  text: string,
  span: { start: number; end: number },
  htmlHeadings: readonly TextRange[] = [],
): NonContentReason | undefined {
  const spanText = text.slice(span.start, span.end);
  if (!/[\p{L}\p{N}]/u.test(spanText.replace(placeholderTag, ""))) return "placeholder";
  if (htmlHeadings.some(([start, end]) => span.start >= start && span.end <= end)) return "heading";
  const lineStart = text.lastIndexOf("\n", span.start - 1) + 1;
  const newline = text.indexOf("\n", span.end);
  const line = text.slice(lineStart, newline === -1 ? text.length : newline);
  if (isHeadingLine(line)) return "heading";
  if (isContactLine(line)) return "contact";
  return undefined;
}

/** The spans the guide allows: headings, placeholder-only spans and contact lines left out. */
export function dropNonContentSpans<Kind extends { start: number; end: number }>(
  text: string,
  spans: readonly Kind[],
  htmlHeadings: readonly TextRange[] = [],
): Kind[] {
  return spans.filter((span) => nonContentReason(text, span, htmlHeadings) === undefined);
}

/**
 * A heading or field label: a markdown `#` heading, a short line ending with ':', a line of only
 * section words ("What we offer", "Your profile"), or a short Title Case line with no verb that
 * names a section ("Key Responsibilities").
 */
export function isHeadingLine(line: string): boolean {
  const content = line.trim().replace(/^[-*•·]\s*/, "");
  if (content === "") return false;
  if (/^#{1,6}\s/.test(content)) return true;
  if (/[.!?;,]$/.test(content) && !/:$/.test(content)) return false;
  const words = content.split(/[^\p{L}\p{N}&'’<>_-]+/u).filter((word) => word !== "");
  if (words.length === 0 || words.length > 8) return false;
  if (/:$/.test(content)) return true;
  if (words.length > 6 || new RegExp(placeholderTag).test(content)) return false;
  const lower = words.map((word) => word.toLowerCase());
  if (lower.every((word) => headingWords.has(word))) return true;
  // Title Case alone is not enough: benefit and skill lists are Title Case too ("Paid Time Off").
  if (verbs.test(content) || !lower.some((word) => sectionNouns.has(word))) return false;
  return words.every((word) => minorWords.has(word) || /^[\p{Lu}\p{N}]/u.test(word));
}

/** A line that is an email address, URL or phone number with at most a label and a two-word name around it. */
export function isContactLine(line: string): boolean {
  const hasContact =
    contactTag.test(line) ||
    new RegExp(email).test(line) ||
    new RegExp(url).test(line) ||
    new RegExp(phone).test(line);
  if (!hasContact || callWords.test(line)) return false;
  const rest = line
    .replace(email, " ")
    .replace(url, " ")
    .replace(phone, " ")
    .replace(placeholderTag, " ")
    .replace(contactWords, " ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "");
  return rest.length <= 2;
}

const headingElements = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);

/**
 * The ranges of `text` (the visible text of `html`, with `sourceOffsets` from `htmlToText`) that
 * came from inside an HTML heading element.
 */
export function htmlHeadingRanges(html: string, text: string, sourceOffsets: readonly number[]): TextRange[] {
  const sourceRanges: [number, number][] = [];
  let openedAt: number | undefined;
  let depth = 0;
  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name) {
        if (!headingElements.has(name)) return;
        if (depth === 0) openedAt = parser.endIndex + 1;
        depth++;
      },
      onclosetag(name) {
        if (!headingElements.has(name) || depth === 0) return;
        depth--;
        if (depth === 0 && openedAt !== undefined) sourceRanges.push([openedAt, parser.startIndex]);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const ranges: TextRange[] = [];
  for (const [from, to] of sourceRanges) {
    let start = -1;
    let end = -1;
    for (let index = 0; index < text.length; index++) {
      const offset = sourceOffsets[index] ?? Number.POSITIVE_INFINITY;
      if (offset >= from && offset < to) {
        if (start === -1) start = index;
        end = index + 1;
      }
    }
    if (start !== -1) ranges.push([start, end]);
  }
  return ranges;
}
