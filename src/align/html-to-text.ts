import type * as Htmlparser2 from "htmlparser2";
import { lazyModule } from "../core/lazy-module.ts";
import type { SourceDocument } from "../core/types.ts";

/** Loaded on the first HTML document (plain-text runs never need it). */
export const htmlparser2 = lazyModule<typeof Htmlparser2>("htmlparser2");

/**
 * Readable text from HTML, with a map back: text char `i` came from
 * `html.slice(sourceOffsets[i], sourceEnds[i])`; `sourceOffsets[text.length] === html.length`.
 * Characters the conversion adds (line breaks, "• ") point at the tag that caused them.
 */
export interface HtmlText {
  text: string;
  sourceOffsets: number[];
  sourceEnds: number[];
}

/** Elements whose content is never text a reader sees. */
const hiddenElements = new Set(["script", "style", "noscript", "template", "head", "title", "svg", "iframe"]);
/** Blocks that stand apart by a blank line. */
const paragraphElements = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "dl",
  "table",
  "blockquote",
  "pre",
  "section",
  "article",
  "header",
  "footer",
  "aside",
  "nav",
  "main",
  "figure",
  "form",
  "fieldset",
  "hr",
]);
/** Blocks that start on a line of their own. */
const lineElements = new Set([
  "div",
  "li",
  "tr",
  "dt",
  "dd",
  "address",
  "center",
  "details",
  "summary",
  "caption",
  "figcaption",
  "legend",
  "option",
]);
const cellElements = new Set(["td", "th"]);

/**
 * Reduces HTML to text: block elements and `<br>` become line breaks, list items their own lines
 * prefixed by "• ", entities are decoded, script/style dropped, whitespace runs folded (kept as is
 * inside `<pre>`). Uses htmlparser2, whose token indices give the offsets.
 */
export function htmlToText(html: string): HtmlText {
  const chars: string[] = [];
  const sourceOffsets: number[] = [];
  const sourceEnds: number[] = [];
  let hiddenDepth = 0;
  let preDepth = 0;
  let listDepth = 0;
  /** Line breaks owed before the next visible character (0, 1 or 2), and the tag that owes them. */
  let pendingBreaks = 0;
  let breakAt = 0;
  let pendingSpace: { start: number; end: number } | undefined;
  let pendingBullet: number | undefined;

  const push = (char: string, start: number, end: number): void => {
    // Added characters point at the tag that caused them, which may precede text already out
    // ("<li><p>": the bullet's <li> before the <p>'s line break): keep offsets in order.
    const from = Math.max(start, sourceOffsets[sourceOffsets.length - 1] ?? 0);
    chars.push(char);
    sourceOffsets.push(from);
    sourceEnds.push(Math.max(end, from));
  };
  const owe = (breaks: number, at: number): void => {
    if (breaks > pendingBreaks) {
      pendingBreaks = breaks;
      breakAt = at;
    }
    pendingSpace = undefined;
  };
  /** Emits whatever layout is owed, just before visible text. */
  const settle = (): void => {
    if (chars.length > 0) {
      if (pendingBreaks > 0) {
        let trailing = 0;
        for (let i = chars.length - 1; i >= 0 && chars[i] === "\n" && trailing < 2; i--) trailing++;
        for (let i = trailing; i < pendingBreaks; i++) push("\n", breakAt, breakAt);
      } else if (pendingSpace && chars[chars.length - 1] !== "\n") {
        push(" ", pendingSpace.start, pendingSpace.end);
      }
    }
    if (pendingBullet !== undefined) {
      push("•", pendingBullet, pendingBullet);
      push(" ", pendingBullet, pendingBullet);
      pendingBullet = undefined;
    }
    pendingBreaks = 0;
    pendingSpace = undefined;
  };

  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name) {
        if (hiddenElements.has(name)) hiddenDepth++;
        if (hiddenDepth > 0) return;
        const at = parser.startIndex;
        if (name === "br") {
          // Each <br> is a line break of its own; two in a row leave a blank line.
          if (chars.length > 0) {
            settleBreaksOnly();
            push("\n", at, parser.endIndex + 1);
          }
          pendingSpace = undefined;
          return;
        }
        if (name === "pre") preDepth++;
        // Inside a list, paragraphs and nested lists keep to their lines: no blank lines.
        if (paragraphElements.has(name)) owe(listDepth > 0 ? 1 : 2, at);
        else if (lineElements.has(name)) owe(1, at);
        else if (cellElements.has(name) && chars.length > 0) pendingSpace ??= { start: at, end: at };
        if (name === "ul" || name === "ol") listDepth++;
        if (name === "li") pendingBullet = at;
      },
      onclosetag(name) {
        if (hiddenElements.has(name)) {
          hiddenDepth = Math.max(0, hiddenDepth - 1);
          return;
        }
        if (hiddenDepth > 0) return;
        const at = parser.startIndex;
        if (name === "pre") preDepth = Math.max(0, preDepth - 1);
        if (name === "ul" || name === "ol") listDepth = Math.max(0, listDepth - 1);
        if (paragraphElements.has(name)) owe(listDepth > 0 ? 1 : 2, at);
        else if (lineElements.has(name)) owe(1, at);
        else if (cellElements.has(name)) pendingSpace ??= { start: at, end: at };
        if (name === "li") pendingBullet = undefined;
      },
      ontext(data) {
        if (hiddenDepth > 0) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        // Plain text maps char by char; a decoded entity maps every char to the whole entity.
        const oneToOne = data.length === end - start;
        for (let i = 0; i < data.length; i++) {
          const char = data.charAt(i);
          const charStart = oneToOne ? start + i : start;
          const charEnd = oneToOne ? charStart + 1 : end;
          if (preDepth > 0 && (char === "\n" || char === " " || char === "\t")) {
            settle();
            push(char, charStart, charEnd);
            continue;
          }
          if (isFoldableSpace(char)) {
            if (pendingSpace) pendingSpace.end = charEnd;
            else pendingSpace = { start: charStart, end: charEnd };
            continue;
          }
          settle();
          push(char, charStart, charEnd);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );

  /** Before a <br>: honour owed block breaks, drop owed spaces (trailing spaces on a line). */
  function settleBreaksOnly(): void {
    if (pendingBreaks > 0) {
      let trailing = 0;
      for (let i = chars.length - 1; i >= 0 && chars[i] === "\n" && trailing < 2; i--) trailing++;
      for (let i = trailing; i < pendingBreaks; i++) push("\n", breakAt, breakAt);
      pendingBreaks = 0;
    }
    pendingSpace = undefined;
  }

  parser.write(html);
  parser.end();

  // Line breaks from <br> at the very end are layout, not text.
  while (chars.length > 0 && chars[chars.length - 1] === "\n") {
    chars.pop();
    sourceOffsets.pop();
    sourceEnds.pop();
  }
  sourceOffsets.push(html.length);
  return { text: chars.join(""), sourceOffsets, sourceEnds };
}

function isFoldableSpace(char: string): boolean {
  return (
    char === " " || char === "\n" || char === "\t" || char === "\r" || char === "\f" || char === "\u00a0"
  );
}

/** The HTML range a text range came from (for example a span found in the text). */
export function textRangeToHtml(
  converted: HtmlText,
  start: number,
  end: number,
): { start: number; end: number } {
  if (end <= start) {
    const at =
      converted.sourceOffsets[start] ?? converted.sourceOffsets[converted.sourceOffsets.length - 1] ?? 0;
    return { start: at, end: at };
  }
  return {
    start: converted.sourceOffsets[start] ?? 0,
    end: converted.sourceEnds[end - 1] ?? converted.sourceOffsets[converted.sourceOffsets.length - 1] ?? 0,
  };
}

/** The text a reader sees: HTML documents reduced by `htmlToText`, others as they are. */
export function readableText(document: Pick<SourceDocument, "text" | "format">): string {
  return document.format === "html" ? htmlToText(document.text).text : document.text;
}
