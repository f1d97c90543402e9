/** A word, number or punctuation mark: `text === source.slice(start, end)`. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/**
 * Abbreviations that keep their final period as part of the token (as CoNLL/PTB tokenisers do),
 * lower-cased and without that period. Words that often end a sentence ("no", "max", "Inc") are
 * left out: their period stays a token of its own.
 */
export const abbreviations: ReadonlySet<string> = new Set([
  "e.g",
  "i.e",
  "etc",
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
  "dept",
  "resp",
  "esp",
  "z.b",
  "u.a",
  "bzw",
  "ggf",
  "usw",
  "evtl",
  "inkl",
  "zzgl",
]);

/*
 * One pass over the text. Alternatives, in order:
 *  - anonymisation placeholders as in SkillSpan: <ORGANIZATION>
 *  - a leading-dot name such as ".NET" (only where no word precedes the dot)
 *  - a word: letters/digits joined by inner - – ' ’ . / & and commas between digits (so "Node.js",
 *    "e-mail", "24/7", "R&D", "5,800", "3.5", "51–200"), then + or # suffixes ("C++", "C#", "3+"), or % after
 *    a number
 *  - runs of dots or dashes ("...", "--"), else any single non-space character
 * URLs and e-mail addresses are tried only where a word is followed by "://", "@" or the like:
 * trying them at every word would double the work.
 */
const tokenPattern =
  /<[A-Z][A-Z_]*>|(?<![\p{L}\p{N}])\.[A-Za-z][\p{L}\p{N}]*|[\p{L}\p{N}\p{M}]+(?:(?:[-–'’./&]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{N}\p{M}]+)*(?:[+#]+(?![\p{L}\p{N}])|(?<=\p{N})%)?|\.{2,}|-{2,}|\S/gu;
const urlPattern = /(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]}'’”]/uy;
const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;

/** Initialisms such as "e.g" or "U.S", which take their final period too. */
const letterDotSequence = /^(?:\p{L}\.)+\p{L}$/u;

/**
 * Splits text into words, numbers and punctuation, CoNLL/SkillSpan style, with exact offsets.
 * Tech names keep together ("C++", "C#", ".NET", "Node.js", "e-mail", "3+", "24/7");
 * abbreviations keep their period ("e.g.", "etc."). Whitespace is never part of a token.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  for (let match = tokenPattern.exec(text); match !== null; match = tokenPattern.exec(text)) {
    let value = match[0];
    const start = match.index;
    let end = start + value.length;
    const next = text.charCodeAt(end);
    // "@", "_", "+", "%" after a word may continue an e-mail address; "://" or "www." start a URL.
    if (next === 64 || next === 95 || next === 43 || next === 37 || next === 58 || value.startsWith("www.")) {
      const longer = stickyMatch(
        next === 58 || value.startsWith("www.") ? urlPattern : emailPattern,
        text,
        start,
      );
      if (longer && longer.length > value.length) {
        value = longer;
        end = start + value.length;
        tokenPattern.lastIndex = end;
        tokens.push({ text: value, start, end });
        continue;
      }
    }
    if (text.charCodeAt(end) === 46 /* . */ && text.charCodeAt(end + 1) !== 46 && isAbbreviation(value)) {
      end += 1;
      value += ".";
      tokenPattern.lastIndex = end;
    }
    tokens.push({ text: value, start, end });
  }
  return tokens;
}

function stickyMatch(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function isAbbreviation(word: string): boolean {
  return abbreviations.has(word.toLowerCase()) || letterDotSequence.test(word);
}
