/** A word of normalised text, by offsets into that text. */
export interface MatchToken {
  text: string;
  start: number;
  end: number;
}

/** Source words as small integers, so the alignment's inner loop compares numbers. */
export interface InternedWords {
  ids: Int32Array;
  words: string[];
  idOf: Map<string, number>;
}

export function internWords(words: readonly string[]): InternedWords {
  const idOf = new Map<string, number>();
  const list: string[] = [];
  const ids = new Int32Array(words.length);
  words.forEach((word, index) => {
    let id = idOf.get(word);
    if (id === undefined) {
      id = list.length;
      idOf.set(word, id);
      list.push(word);
    }
    ids[index] = id;
  });
  return { ids, words: list, idOf };
}

/** A run of source tokens `[firstToken, endToken)` that resembles the quote. */
export interface FuzzyWindow {
  firstToken: number;
  endToken: number;
  similarity: number;
}

const matchTokenPattern = /[\p{L}\p{N}]+(?:['&./][\p{L}\p{N}]+)*[+#]*/gu;

/**
 * Words only ("don't", "m&a", "node.js", "ci/cd" and "c++" stay whole): punctuation is too noisy in
 * paraphrases to count as an edit.
 */
export function matchTokens(normalisedText: string): MatchToken[] {
  const tokens: MatchToken[] = [];
  matchTokenPattern.lastIndex = 0;
  for (
    let match = matchTokenPattern.exec(normalisedText);
    match;
    match = matchTokenPattern.exec(normalisedText)
  ) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/**
 * The cost of reading quote word `a` where the source has `b`: 0 when equal, 0.35 for a typo or
 * inflection (one character edit in a word of five or more, two from nine on: "skill"/"skills",
 * "experiance"), 0.5 when one word of four or more starts the other ("manage"/"management"),
 * else 1. Short words differ by meaning, not by typos ("rust"/"must").
 */
export function substitutionCost(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return 1;
  const longer = Math.max(a.length, b.length);
  const allowedEdits = shorter >= 9 ? 2 : shorter >= 5 ? 1 : 0;
  // Typos rarely change both ends of a word; checking that first spares most edit distances.
  const sharesAnEnd =
    a.charCodeAt(0) === b.charCodeAt(0) || a.charCodeAt(a.length - 1) === b.charCodeAt(b.length - 1);
  if (
    allowedEdits > 0 &&
    sharesAnEnd &&
    longer - shorter <= allowedEdits &&
    editDistanceWithin(a, b, allowedEdits)
  ) {
    return 0.35;
  }
  if (a.startsWith(b) || b.startsWith(a)) return 0.5;
  return 1;
}

/** A quote word with no counterpart: the teacher wrote words the text does not have. */
const missingWordCost = 1;
/**
 * A source word the quote skipped costs less: teachers shorten more often than they invent
 * ("such as" → "like" is one substitution plus one cheap skip).
 */
const skippedWordCost = 0.5;

/** Optimal-string-alignment distance (adjacent swaps count once) is at most `limit`. */
function editDistanceWithin(a: string, b: string, limit: number): boolean {
  const width = b.length + 1;
  let beforePrevious = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i * missingWordCost;
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return false;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return (previous[b.length] ?? limit + 1) <= limit;
}

/**
 * Windows of `source` words that match `quote` words with few edits: approximate substring
 * matching (Sellers' algorithm) over words, O(quote × source). A window's similarity is
 * `1 - cost / max(quote words, window words)`; windows below `threshold` are dropped, and of
 * overlapping windows only the most similar is kept.
 */
export function findFuzzyWindows(
  quote: readonly string[],
  source: readonly string[] | InternedWords,
  threshold: number,
): { windows: FuzzyWindow[]; bestSimilarity: number } {
  const interned = Array.isArray(source) ? internWords(source) : (source as InternedWords);
  const rows = quote.length;
  const columns = interned.ids.length;
  if (rows === 0 || columns === 0) return { windows: [], bestSimilarity: 0 };

  // Quote words the source lacks get ids past the source's own.
  const extraIds = new Map<string, number>();
  const quoteIds = quote.map((word) => {
    const known = interned.idOf.get(word) ?? extraIds.get(word);
    if (known !== undefined) return known;
    const id = interned.words.length + extraIds.size;
    extraIds.set(word, id);
    return id;
  });
  // Costs per (quote word, distinct source word), filled on first need.
  const costRows = quote.map(() => new Float64Array(interned.words.length).fill(-1));
  const sourceIds = interned.ids;

  let previous = new Float64Array(columns + 1);
  let current = new Float64Array(columns + 1);
  let previousStart = new Int32Array(columns + 1);
  let currentStart = new Int32Array(columns + 1);
  for (let j = 0; j <= columns; j++) previousStart[j] = j;
  for (let i = 1; i <= rows; i++) {
    const quoteId = quoteIds[i - 1] ?? -1;
    const quoteWord = quote[i - 1] ?? "";
    const costRow = costRows[i - 1] ?? new Float64Array(interned.words.length).fill(-1);
    current[0] = i * missingWordCost;
    currentStart[0] = 0;
    for (let j = 1; j <= columns; j++) {
      const sourceId = sourceIds[j - 1] ?? 0;
      let substitution = costRow[sourceId] ?? 1;
      if (substitution < 0) {
        substitution = quoteId === sourceId ? 0 : substitutionCost(quoteWord, interned.words[sourceId] ?? "");
        costRow[sourceId] = substitution;
      }
      let best = (previous[j - 1] ?? 0) + substitution;
      let start = previousStart[j - 1] ?? 0;
      const skipQuoteWord = (previous[j] ?? 0) + missingWordCost;
      if (skipQuoteWord < best) {
        best = skipQuoteWord;
        start = previousStart[j] ?? 0;
      }
      const extraSourceWord = (current[j - 1] ?? 0) + skippedWordCost;
      if (extraSourceWord < best) {
        best = extraSourceWord;
        start = currentStart[j - 1] ?? 0;
      }
      current[j] = best;
      currentStart[j] = start;
    }
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
  }

  let bestSimilarity = 0;
  const candidates: FuzzyWindow[] = [];
  for (let j = 1; j <= columns; j++) {
    const firstToken = previousStart[j] ?? 0;
    if (firstToken >= j) continue;
    const similarity = 1 - (previous[j] ?? rows) / Math.max(rows, j - firstToken);
    if (similarity > bestSimilarity) bestSimilarity = similarity;
    if (similarity >= threshold) candidates.push({ firstToken, endToken: j, similarity });
  }
  // Equal similarity: the window closest to the quote's length (a changed last word is a
  // substitution, not a missing word), then the earliest.
  const lengthGap = (window: FuzzyWindow): number => Math.abs(window.endToken - window.firstToken - rows);
  candidates.sort(
    (a, b) =>
      b.similarity - a.similarity ||
      lengthGap(a) - lengthGap(b) ||
      a.firstToken - b.firstToken ||
      a.endToken - b.endToken,
  );
  const windows: FuzzyWindow[] = [];
  for (const candidate of candidates) {
    const overlaps = windows.some(
      (w) => candidate.firstToken < w.endToken && w.firstToken < candidate.endToken,
    );
    if (!overlaps) windows.push(candidate);
  }
  return { windows, bestSimilarity };
}
