import { isWordChar } from "./normalise.ts";

export type SegmentKind = "sentence" | "bullet" | "line" | "heading";

/** A trimmed, non-empty piece of text: `text === source.slice(start, end)`. */
export interface Segment {
  start: number;
  end: number;
  text: string;
  kind: SegmentKind;
}

/** Words after which a period does not end a sentence (lower-cased, without the period). */
const nonFinalAbbreviations = new Set([
  "e.g",
  "i.e",
  "eg",
  "ie",
  "vs",
  "approx",
  "incl",
  "excl",
  "ca",
  "cf",
  "dr",
  "mr",
  "mrs",
  "ms",
  "prof",
  "jr",
  "sr",
  "st",
  "dept",
  "resp",
  "esp",
  "z.b",
  "u.a",
  "bzw",
  "ggf",
  "evtl",
  "inkl",
  "zzgl",
  "ref",
  "fig",
]);
/** Abbreviations that do not end a sentence when a number follows ("No. 5"). */
const beforeNumberAbbreviations = new Set(["no", "nr", "nos", "vol", "p", "pp", "art", "sec", "ch"]);

/**
 * A list marker at the start of a line: a bullet glyph, or "-", "*", "+", "1.", "1)", "a)", "(iv)"
 * followed by a space (so "-5 °C", "*bold*" and "1.5 years" are not markers).
 */
const lineMarkerPattern =
  /^[ \t]*(?:[•·▪▫●◦‣∙■□►▸➢✓✔\u0095]|(?:[-*+–—]|\(?(?:\d{1,3}[.)]|[a-zA-Z]\)|[ivxIVX]{1,5}[.)]))(?=[ \t]))[ \t]*/u;
/** Bullet glyphs that also split a line in the middle ("Skills: • Python • SQL"). */
const inlineBulletPattern = /[ \t]*(?:[•▪▫●◦‣∙■►▸➢\u0095]|(?<=[ \t])·(?=[ \t]))[ \t]*/gu;

/**
 * Splits text into sentences, bullet items, lines and headings. Line breaks and list markers
 * always split; within a line, sentences end at . ! ? (or "…") followed by a space and a capital,
 * digit, quote or bracket, unless the period closes an abbreviation ("e.g.", "Dr.", "No. 5") or an
 * initial. Periods inside tokens ("Node.js", "3.5", URLs, e-mails) never split: they have no space
 * after them. List markers are left out of the segment.
 */
export function segmentText(text: string): Segment[] {
  const segments: Segment[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    segmentLine(text, lineStart, lineEnd, segments);
    lineStart = lineEnd + 1;
  }
  // A short line that introduces a list ("What we offer", "You have") is its heading.
  segments.forEach((segment, index) => {
    if (
      segment.kind === "line" &&
      segments[index + 1]?.kind === "bullet" &&
      segment.text.split(/\s+/).length <= 6
    ) {
      segment.kind = "heading";
    }
  });
  return segments;
}

function segmentLine(text: string, lineStart: number, lineEnd: number, out: Segment[]): void {
  const line = text.slice(lineStart, lineEnd);
  const marker = lineMarkerPattern.exec(line);
  const isBullet = marker !== null;
  let pieceStart = lineStart + (marker ? marker[0].length : 0);

  const pieces: { start: number; end: number; bullet: boolean }[] = [];
  inlineBulletPattern.lastIndex = pieceStart - lineStart;
  let firstIsBullet = isBullet;
  for (let match = inlineBulletPattern.exec(line); match !== null; match = inlineBulletPattern.exec(line)) {
    pieces.push({ start: pieceStart, end: lineStart + match.index, bullet: firstIsBullet });
    pieceStart = lineStart + match.index + match[0].length;
    firstIsBullet = true;
  }
  pieces.push({ start: pieceStart, end: lineEnd, bullet: firstIsBullet });

  for (const piece of pieces) {
    const sentences = splitSentences(text, piece.start, piece.end);
    const headingLike = !piece.bullet && sentences.length === 1 && looksLikeHeading(sentences[0], text);
    for (const range of sentences) {
      const kind: SegmentKind = piece.bullet
        ? "bullet"
        : headingLike
          ? "heading"
          : sentences.length === 1 && !endsSentence(text, range.end)
            ? "line"
            : "sentence";
      out.push({ start: range.start, end: range.end, text: text.slice(range.start, range.end), kind });
    }
  }
}

interface Range {
  start: number;
  end: number;
}

/** Sentence ranges inside [start, end), trimmed, keeping only those with a letter or digit. */
function splitSentences(text: string, start: number, end: number): Range[] {
  const ranges: Range[] = [];
  let sentenceStart = start;
  for (let i = start; i < end; i++) {
    const char = text.charCodeAt(i);
    if (char !== 46 /* . */ && char !== 33 /* ! */ && char !== 63 /* ? */ && char !== 0x2026 /* … */)
      continue;
    let after = i + 1;
    while (after < end && isTerminalPunctuation(text.charCodeAt(after))) after++;
    while (after < end && isClosingMark(text.charCodeAt(after))) after++;
    if (after >= end || !isSpace(text.charCodeAt(after))) {
      i = after - 1;
      continue;
    }
    let next = after;
    while (next < end && isSpace(text.charCodeAt(next))) next++;
    if (next >= end) break;
    if (!startsSentence(text.charAt(next))) {
      i = next - 1;
      continue;
    }
    if (char === 46 && text.charCodeAt(i + 1) !== 46 && isAbbreviationBefore(text, sentenceStart, i, next)) {
      i = next - 1;
      continue;
    }
    pushTrimmed(text, sentenceStart, after, ranges);
    sentenceStart = next;
    i = next - 1;
  }
  pushTrimmed(text, sentenceStart, end, ranges);
  return ranges;
}

function pushTrimmed(text: string, start: number, end: number, out: Range[]): void {
  let from = start;
  let to = end;
  while (from < to && isTrimmable(text.charCodeAt(from))) from++;
  while (to > from && isTrimmable(text.charCodeAt(to - 1))) to--;
  if (from >= to) return;
  for (let i = from; i < to; i++) {
    if (isWordChar(text.charAt(i))) {
      out.push({ start: from, end: to });
      return;
    }
  }
}

function isAbbreviationBefore(
  text: string,
  sentenceStart: number,
  periodIndex: number,
  nextIndex: number,
): boolean {
  let wordStart = periodIndex;
  while (
    wordStart > sentenceStart &&
    !isSpace(text.charCodeAt(wordStart - 1)) &&
    text.charAt(wordStart - 1) !== "("
  ) {
    wordStart--;
  }
  const word = text.slice(wordStart, periodIndex).toLowerCase();
  if (nonFinalAbbreviations.has(word)) return true;
  // An initial ("J. Smith") or an initialism ("U.S.") is followed by more of the same sentence.
  if (/^\p{Lu}$/u.test(text.slice(wordStart, periodIndex))) return true;
  if (beforeNumberAbbreviations.has(word) && /\p{N}/u.test(text.charAt(nextIndex))) return true;
  return false;
}

function startsSentence(char: string): boolean {
  return /[\p{Lu}\p{Lt}\p{N}"'“‘([¿¡<•*-]/u.test(char);
}

function endsSentence(text: string, end: number): boolean {
  let i = end - 1;
  while (i >= 0 && isClosingMark(text.charCodeAt(i))) i--;
  const char = text.charCodeAt(i);
  return isTerminalPunctuation(char);
}

function looksLikeHeading(range: Range | undefined, text: string): boolean {
  if (!range) return false;
  const value = text.slice(range.start, range.end);
  const words = value.split(/\s+/).length;
  if (value.endsWith(":") && words <= 8) return true;
  const letters = value.replace(/[^\p{L}]/gu, "");
  return (
    letters.length >= 3 &&
    words <= 8 &&
    letters === letters.toUpperCase() &&
    letters !== letters.toLowerCase()
  );
}

function isTerminalPunctuation(code: number): boolean {
  return code === 46 || code === 33 || code === 63 || code === 0x2026;
}

function isClosingMark(code: number): boolean {
  // ) ] " ' ” ’ »
  return (
    code === 41 ||
    code === 93 ||
    code === 34 ||
    code === 39 ||
    code === 0x201d ||
    code === 0x2019 ||
    code === 0xbb
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 0xa0 || code === 13;
}

function isTrimmable(code: number): boolean {
  return (
    code === 32 ||
    code === 9 ||
    code === 0xa0 ||
    code === 13 ||
    code === 10 ||
    code === 0x200b ||
    code === 0xfeff
  );
}
