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
 * One sticky pass over the text. Alternatives, in order:
 *  - anonymisation placeholders as in SkillSpan: <ORGANIZATION>
 *  - URLs and e-mail addresses, whole
 *  - a leading-dot name such as ".NET" (only where no word precedes the dot)
 *  - a word: letters/digits joined by inner - ' ’ . / & and commas between digits (so "Node.js", "e-mail", "24/7", "R&D",
 *    "5,800", "3.5"), then + or # suffixes ("C++", "C#", "3+"), or % after a number
 *  - runs of dots or dashes ("...", "--"), else any single non-space character
 */
const tokenPattern =
  /<[A-Z][A-Z_]*>|(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]}'’”]|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+|(?<![\p{L}\p{N}])\.[A-Za-z][\p{L}\p{N}]*|[\p{L}\p{N}\p{M}]+(?:(?:[-'’./&]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{N}\p{M}]+)*(?:[+#]+(?![\p{L}\p{N}])|(?<=\p{N})%)?|\.{2,}|-{2,}|\S/gu;

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
    if (text.charCodeAt(end) === 46 /* . */ && text.charCodeAt(end + 1) !== 46 && isAbbreviation(value)) {
      end += 1;
      value += ".";
      tokenPattern.lastIndex = end;
    }
    tokens.push({ text: value, start, end });
  }
  return tokens;
}

function isAbbreviation(word: string): boolean {
  return abbreviations.has(word.toLowerCase()) || letterDotSequence.test(word);
}
