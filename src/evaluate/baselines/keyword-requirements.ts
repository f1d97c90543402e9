/**
 * A rules-and-keywords baseline for the requirements task: what a careful engineer writes in an
 * afternoon without a model, so the students' figures have a floor to stand on.
 *
 * - Skills (hard_skills, soft_skills): a gazetteer of the skill phrases of the training gold,
 *   matched case-insensitively at word boundaries, longest first, and nested inside the line spans
 *   as the annotation guide nests them.
 * - The other eight categories: each body line (bullets and framing trimmed, headings skipped) gets
 *   the first category whose cue pattern it matches, in a fixed order, as one whole-line span.
 *
 * Nothing here is tuned on the test split: the cue lists are written from the guide's definitions
 * and the gazetteer comes from the training postings only.
 */
import { segmentText } from "../../align/segment-text.ts";
import type { LabelledSpan } from "../../student/requirements/training-examples.ts";

/** Categories whose spans are whole lines or clauses, tried in this order: the first cue wins. */
const lineCues: readonly { label: string; cue: RegExp }[] = [
  {
    label: "education",
    cue: /\b(bachelor'?s?|master'?s?|ph\.?\s?d|degree|diploma|b\.?sc|m\.?sc|university|graduated?|vocational training|apprenticeship)\b/i,
  },
  { label: "certification", cue: /\b(certifi(ed|cation|cate)s?|licensed|registered nurse|registration)\b/i },
  {
    label: "work_experience",
    cue: /(\b\d+\s*\+?\s*(years?|yrs)\b|\byears of (professional |relevant |industry )?experience\b|\bexperience (in|as|from|within) (a|an|the)\b|\btrack record\b)/i,
  },
  {
    label: "qualifications",
    cue: /\b(driv(ing|er'?s) licen[cs]e|right to work|eligible to work|work permit|security clearance|background check|fluent|fluency|english|german|french|dutch|danish|spanish|willing(ness)? to travel|relocat(e|ion)|shifts?|weekends?)\b/i,
  },
  {
    label: "benefits",
    cue: /\b(salary|bonus|pension|holidays?|vacation|insurance|remote|flexible|hybrid|visa|equity|stock options?|gym|perks?|benefits|we offer|competitive pay)\b/i,
  },
  {
    label: "breadtext",
    cue: /\b(apply|application|equal opportunit\w*|look forward|contact|cv|resume|recruit\w*|privacy|candidates? will)\b/i,
  },
  {
    label: "job_duties",
    cue: /^(you will |you'll |your tasks?:? )?(develop|design|build|maintain|work|support|manage|lead|create|implement|ensure|collaborate|drive|own|help|participate|write|test|deliver|analy[sz]e|coordinate|prepare|define|improve|monitor|review|take|provide|contribute|be responsible|communicate|identify|plan|run|set up|operate|handle|assist|perform|conduct|mentor|partner|shape|translate|optimi[sz]e|automate|deploy|integrate|document|research|evaluate|report)\w*\b/i,
  },
  {
    label: "company_culture",
    cue: /\b(we are|we're|our (team|mission|company|culture|values|clients|customers|people)|<ORGANIZATION> is|founded|start-?up|leading|global|we believe|we value)\b/i,
  },
];

const skillLabels = ["hard_skills", "soft_skills"] as const;

/** Leading bullets, numbers and framing a span leaves out (guide: "Span boundaries"). */
const leadingNoise = /^(\s|[*•·\-–—]|\d+[.)]\s)+/;

function isHeading(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.length < 4) return true;
  if (trimmed.endsWith(":")) return true;
  // Short lines with no verb-like word and every word capitalised read as headings ("Your Profile").
  const words = trimmed.split(/\s+/);
  return words.length <= 4 && words.every((word) => /^[A-Z<(&]/.test(word));
}

export interface KeywordBaselineModel {
  /** Lower-cased skill phrase → its label (the majority label in the training gold). */
  gazetteer: Map<string, string>;
  /** Longest phrase in words, to bound the matching. */
  maxWords: number;
}

/**
 * Builds the gazetteer from training documents: every hard/soft skill phrase of the gold, of up to
 * six words, under the label most of its occurrences carry.
 */
export function fitKeywordBaseline(
  documents: readonly { text: string; spans: readonly LabelledSpan[] }[],
): KeywordBaselineModel {
  const counts = new Map<string, Map<string, number>>();
  for (const document of documents) {
    for (const span of document.spans) {
      if (!(skillLabels as readonly string[]).includes(span.label)) continue;
      const phrase = document.text.slice(span.start, span.end).trim().toLowerCase();
      if (phrase.length < 2 || phrase.split(/\s+/).length > 6) continue;
      const byLabel = counts.get(phrase) ?? new Map<string, number>();
      byLabel.set(span.label, (byLabel.get(span.label) ?? 0) + 1);
      counts.set(phrase, byLabel);
    }
  }
  const gazetteer = new Map<string, string>();
  let maxWords = 1;
  for (const [phrase, byLabel] of counts) {
    const [label] = [...byLabel].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
    if (label === undefined) continue;
    gazetteer.set(phrase, label);
    maxWords = Math.max(maxWords, phrase.split(/\s+/).length);
  }
  return { gazetteer, maxWords };
}

interface Word {
  start: number;
  end: number;
}

function wordsOf(text: string, from: number, to: number): Word[] {
  const words: Word[] = [];
  for (const match of text
    .slice(from, to)
    .matchAll(/[\p{L}\p{N}][\p{L}\p{N}+#./&'-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu)) {
    const start = from + (match.index ?? 0);
    words.push({ start, end: start + match[0].length });
  }
  return words;
}

/** Gazetteer matches in one line: longest first, left to right, never overlapping each other. */
function skillSpans(model: KeywordBaselineModel, text: string, from: number, to: number): LabelledSpan[] {
  const words = wordsOf(text, from, to);
  const spans: LabelledSpan[] = [];
  let index = 0;
  while (index < words.length) {
    let matched = 0;
    for (let length = Math.min(model.maxWords, words.length - index); length >= 1; length--) {
      const first = words[index] as Word;
      const last = words[index + length - 1] as Word;
      const label = model.gazetteer.get(text.slice(first.start, last.end).toLowerCase());
      if (label === undefined) continue;
      spans.push({ start: first.start, end: last.end, label });
      matched = length;
      break;
    }
    index += Math.max(matched, 1);
  }
  return spans;
}

/** The baseline's spans for one document, in text order. */
export function keywordBaselineSpans(model: KeywordBaselineModel, text: string): LabelledSpan[] {
  const spans: LabelledSpan[] = [];
  for (const segment of segmentText(text)) {
    const line = text.slice(segment.start, segment.end);
    const lead = line.match(leadingNoise)?.[0].length ?? 0;
    let start = segment.start + lead;
    let end = segment.end;
    while (end > start && /[\s.]/.test(text.charAt(end - 1))) end--;
    if (end <= start) continue;
    const body = text.slice(start, end);
    spans.push(...skillSpans(model, text, start, end));
    if (isHeading(body)) continue;
    const rule = lineCues.find(({ cue }) => cue.test(body));
    if (!rule) continue;
    // A "Label: content" line is marked from its content (guide: clarifications).
    const colon = body.indexOf(": ");
    if (colon > 0 && colon < 30) start += colon + 2;
    if (end > start) spans.push({ start, end, label: rule.label });
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}
