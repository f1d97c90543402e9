import type * as Entities from "entities";
import { lazyModule } from "../core/lazy-module.ts";

/** Loaded on the first character reference met (most text has none). */
const entities = lazyModule<typeof Entities>("entities");

/**
 * Text folded for matching, with a map back to the original: normalised char `i` came from
 * `original.slice(starts[i], ends[i])`. A normalised range `[a, b)` is the original range
 * `[starts[a], ends[b - 1])`.
 */
export interface NormalisedText {
  text: string;
  starts: number[];
  ends: number[];
}

const lowerAscii = Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i));

const entityPattern = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/y;

const singleQuotes = new Set(["‘", "’", "‚", "‛", "′", "`", "´"]);
const doubleQuotes = new Set(["“", "”", "„", "‟", "″", "«", "»"]);
const dashes = new Set(["‐", "‑", "‒", "–", "—", "―", "−", "﹘", "﹣", "－"]);
/** Bullet glyphs (and "*", below) are layout, not words: they match like whitespace. */
const bullets = new Set([
  "•",
  "·",
  "▪",
  "▫",
  "●",
  "◦",
  "‣",
  "∙",
  "■",
  "□",
  "►",
  "▸",
  "➢",
  "✓",
  "✔",
  "",
  "\u0095",
]);
const invisible = new Set(["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]);

const unicodeWhitespace = /\s/u;
const unicodeWordChar = /[\p{L}\p{N}]/u;

function isWhitespace(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return unicodeWhitespace.test(char);
}

/** A letter or digit, in any script. */
export function isWordChar(char: string | undefined): boolean {
  if (char === undefined || char === "") return false;
  const code = char.charCodeAt(0);
  if (code < 128)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return unicodeWordChar.test(char);
}

/** The folded form of one decoded character: "" drops it, " " is whitespace. */
function foldChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 128) {
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    // "*" is a bullet or markdown emphasis ("**Python**"), never a word.
    if (code === 32 || code === 42 || (code >= 9 && code <= 13)) return " ";
    if (code === 96) return "'";
    return char;
  }
  if (invisible.has(char)) return "";
  if (singleQuotes.has(char)) return "'";
  if (doubleQuotes.has(char)) return '"';
  if (dashes.has(char)) return "-";
  if (bullets.has(char) || isWhitespace(char)) return " ";
  if (char === "…") return "...";
  // Accents and other combining marks go too ("café" meets "cafe", "İ" meets "i").
  return char.toLowerCase().normalize("NFD").replace(combiningMarks, "");
}

const combiningMarks = /\p{M}/gu;

/**
 * Folds case, accents, whitespace runs (newlines included), curly quotes, dashes, bullets, HTML
 * entities, soft hyphens and hyphens inside words (so "manage-\nment", "e-mail" and "email" meet), keeping a
 * map back to `original`. Quote and source are folded the same way, so a match between folded
 * forms is a match between the originals up to these cosmetic differences.
 */
export function normaliseForMatching(original: string): NormalisedText {
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  // A hyphen is held back until we know whether it sits inside a word (then it is dropped).
  let pendingHyphen: { start: number; end: number } | undefined;
  let pendingSpace: { start: number; end: number; hadNewline: boolean } | undefined;

  const push = (char: string, start: number, end: number): void => {
    chars.push(char);
    starts.push(start);
    ends.push(end);
  };
  const lastChar = (): string | undefined => chars[chars.length - 1];

  let index = 0;
  while (index < original.length) {
    let decoded: string;
    let next: number;
    const code = original.charCodeAt(index);
    // Fast path: a plain ASCII letter, digit or mark with nothing pending (most of any advert).
    if (
      code > 32 &&
      code < 127 &&
      code !== 38 &&
      code !== 42 &&
      code !== 45 &&
      code !== 96 &&
      !pendingHyphen &&
      !pendingSpace
    ) {
      chars.push(code >= 65 && code <= 90 ? (lowerAscii[code - 65] ?? "") : original.charAt(index));
      starts.push(index);
      ends.push(index + 1);
      index++;
      continue;
    }
    if (code === 38 /* & */) {
      entityPattern.lastIndex = index;
      const entity = entityPattern.exec(original);
      if (entity) {
        decoded = entities().decodeHTML(entity[0]);
        next = index + entity[0].length;
      } else {
        decoded = "&";
        next = index + 1;
      }
    } else {
      const isHighSurrogate = code >= 0xd800 && code <= 0xdbff && index + 1 < original.length;
      next = index + (isHighSurrogate ? 2 : 1);
      decoded = original.slice(index, next);
    }

    for (const decodedChar of decoded) {
      const folded = foldChar(decodedChar);
      if (folded === "") continue;
      if (folded === " ") {
        if (pendingSpace) {
          pendingSpace.end = next;
          pendingSpace.hadNewline ||= decodedChar === "\n" || decodedChar === "\r";
        } else {
          pendingSpace = {
            start: index,
            end: next,
            hadNewline: decodedChar === "\n" || decodedChar === "\r",
          };
        }
        continue;
      }
      if (folded === "-") {
        if (pendingHyphen) {
          // A run of hyphens is punctuation, not a word joint.
          push("-", pendingHyphen.start, pendingHyphen.end);
          pendingHyphen = undefined;
        }
        if (pendingSpace) {
          if (chars.length > 0) push(" ", pendingSpace.start, pendingSpace.end);
          pendingSpace = undefined;
        }
        if (isWordChar(lastChar())) {
          pendingHyphen = { start: index, end: next };
        } else {
          push("-", index, next);
        }
        continue;
      }
      const wordChar = isWordChar(folded[0]);
      if (pendingHyphen) {
        // "e-mail" → "email"; "manage-\nment" → "management"; "full- time" keeps its space.
        const joinsWord = wordChar && (!pendingSpace || pendingSpace.hadNewline);
        if (!joinsWord) {
          push("-", pendingHyphen.start, pendingHyphen.end);
          if (pendingSpace) push(" ", pendingSpace.start, pendingSpace.end);
        }
        pendingHyphen = undefined;
        pendingSpace = undefined;
      } else if (pendingSpace) {
        if (chars.length > 0) push(" ", pendingSpace.start, pendingSpace.end);
        pendingSpace = undefined;
      }
      for (let unit = 0; unit < folded.length; unit++) push(folded.charAt(unit), index, next);
    }
    index = next;
  }
  if (pendingHyphen) push("-", pendingHyphen.start, pendingHyphen.end);
  return { text: chars.join(""), starts, ends };
}
