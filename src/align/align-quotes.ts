import type { Span, UnalignedQuote } from "../core/types.ts";
import {
  findFuzzyWindows,
  type InternedWords,
  internWords,
  type MatchToken,
  matchTokens,
} from "./fuzzy-match.ts";
import { isWordChar, type NormalisedText, normaliseForMatching } from "./normalise.ts";

export type AlignmentKind = "exact" | "normalised" | "fuzzy";

/** How many quotes aligned at each level; `total` counts every quote, unaligned ones included. */
export interface AlignmentStats {
  exact: number;
  normalised: number;
  fuzzy: number;
  unaligned: number;
  total: number;
}

export interface AlignOptions {
  /** Lowest word-level similarity a paraphrased quote may have (default 0.8). */
  fuzzyThreshold?: number;
  /** Try the fuzzy word-window match after exact and normalised ones (default true). */
  fuzzy?: boolean;
}

export interface AlignQuoteOptions extends AlignOptions {
  /** Text the quote is expected to follow or precede, to pick among repeated occurrences. */
  contextBefore?: string | undefined;
  contextAfter?: string | undefined;
  /** Prefer occurrences starting at or after this source offset (the previous quote's start). */
  after?: number | undefined;
  /** A weaker preference of the same kind, deciding only when `after` does not. */
  weakAfter?: number;
  /** Ranges already claimed: occurrences overlapping them are chosen only when nothing else fits. */
  taken?: readonly { start: number; end: number }[];
}

export interface QuoteToAlign {
  label: string;
  quote: string;
  attrs?: Record<string, unknown>;
  contextBefore?: string;
  contextAfter?: string;
}

export interface QuoteMatch {
  start: number;
  end: number;
  /** Always `source.slice(start, end)`. */
  text: string;
  alignment: AlignmentKind;
  /** 1 for exact and normalised matches; word-level similarity for fuzzy ones. */
  similarity: number;
}

export type QuoteAlignment = ({ ok: true } & QuoteMatch) | { ok: false; reason: string };

export interface AlignedQuotes {
  /** Sorted by start, then end, then label; one span per distinct (label, start, end). */
  spans: Span[];
  unaligned: UnalignedQuote[];
  stats: AlignmentStats;
}

const defaultFuzzyThreshold = 0.8;

/**
 * A source prepared once for many quotes: its folded form and words are computed on first need.
 */
export class AlignmentSource {
  readonly text: string;
  #normalised: NormalisedText | undefined;
  #tokens: MatchToken[] | undefined;
  #words: InternedWords | undefined;

  constructor(text: string) {
    this.text = text;
  }

  get normalised(): NormalisedText {
    this.#normalised ??= normaliseForMatching(this.text);
    return this.#normalised;
  }

  get tokens(): MatchToken[] {
    this.#tokens ??= matchTokens(this.normalised.text);
    return this.#tokens;
  }

  get words(): InternedWords {
    this.#words ??= internWords(this.tokens.map((token) => token.text));
    return this.#words;
  }

  /** The first normalised index whose char comes from at or after `offset` in the source. */
  normalisedIndexAt(offset: number): number {
    const starts = this.normalised.starts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((starts[middle] ?? 0) < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

export function prepareAlignmentSource(text: string): AlignmentSource {
  return new AlignmentSource(text);
}

interface Candidate {
  start: number;
  end: number;
  similarity: number;
  /** The match does not cut a word of the source in two. */
  onWordBoundary: boolean;
}

/**
 * Finds where `quote` sits in `source`: exactly; else after folding case, whitespace, quotes,
 * dashes, bullets, entities and hyphenation (offsets mapped back to the original); else, as a
 * "fuzzy" match, piece by piece around an ellipsis or as the most similar window of words (for
 * slightly paraphrased quotes). Among several occurrences it
 * prefers whole words, then ones not `taken`, then (for fuzzy matches) the most similar, then
 * ones matching the context hints, then the first at or after `after`, then at or after
 * `weakAfter`, then the first.
 */
export function alignQuote(
  source: string | AlignmentSource,
  quote: string,
  options: AlignQuoteOptions = {},
): QuoteAlignment {
  const prepared = typeof source === "string" ? new AlignmentSource(source) : source;
  const text = prepared.text;
  const trimmed = quote.trim();
  if (trimmed === "") return { ok: false, reason: "empty quote" };

  const exact = exactCandidates(text, trimmed);
  if (exact.some((candidate) => candidate.onWordBoundary)) {
    return accept(prepared, choose(prepared, exact, options), "exact");
  }

  // Exact matches inside longer words ("excel" in "excellent") give way to whole words found
  // after folding ("Excel"), but beat finding nothing.
  const normalisedQuote = normaliseForMatching(trimmed).text;
  const normalised = /[\p{L}\p{N}]/u.test(normalisedQuote)
    ? normalisedCandidates(prepared, normalisedQuote)
    : [];
  if (
    normalised.some((candidate) => candidate.onWordBoundary) ||
    (exact.length === 0 && normalised.length > 0)
  ) {
    return accept(prepared, choose(prepared, normalised, options), "normalised");
  }
  if (exact.length > 0) return accept(prepared, choose(prepared, exact, options), "exact");
  if (!/[\p{L}\p{N}]/u.test(normalisedQuote)) return { ok: false, reason: "quote has no letters or digits" };

  if (options.fuzzy === false) return { ok: false, reason: "not found in the text" };
  const elided = elidedCandidates(prepared, trimmed);
  if (elided.length > 0) return accept(prepared, choose(prepared, elided, options), "fuzzy");
  const threshold = options.fuzzyThreshold ?? defaultFuzzyThreshold;
  const { candidates, bestSimilarity } = fuzzyCandidates(prepared, normalisedQuote, threshold);
  if (candidates.length > 0) return accept(prepared, choose(prepared, candidates, options), "fuzzy");
  return {
    ok: false,
    reason:
      bestSimilarity > 0
        ? `not found in the text (closest words are ${bestSimilarity.toFixed(2)} similar, below ${threshold})`
        : "not found in the text",
  };
}

/**
 * Aligns a teacher's quotes, in the order given (LLMs quote in document order): each quote
 * prefers an occurrence its label has not claimed yet, at or after the previous quote of that
 * label, then at or after the previous quote of any label. Quotes that cannot be aligned are
 * returned with a reason, never dropped; a quote that lands exactly on a span already made for
 * its label adds no second span.
 */
export function alignQuotes(
  source: string | AlignmentSource,
  quotes: readonly QuoteToAlign[],
  options: AlignOptions = {},
): AlignedQuotes {
  const prepared = typeof source === "string" ? new AlignmentSource(source) : source;
  const stats = emptyAlignmentStats();
  const spans: Span[] = [];
  const unaligned: UnalignedQuote[] = [];
  const takenByLabel = new Map<string, { start: number; end: number }[]>();
  const previousStartByLabel = new Map<string, number>();
  let previousStart = 0;

  for (const item of quotes) {
    stats.total++;
    const taken = takenByLabel.get(item.label) ?? [];
    const after = previousStartByLabel.get(item.label);
    const result = alignQuote(prepared, item.quote, {
      ...options,
      taken,
      after,
      weakAfter: previousStart,
      contextBefore: item.contextBefore,
      contextAfter: item.contextAfter,
    });
    if (!result.ok) {
      stats.unaligned++;
      unaligned.push({
        label: item.label,
        quote: item.quote,
        reason: result.reason,
        ...(item.attrs ? { attrs: item.attrs } : {}),
      });
      continue;
    }
    stats[result.alignment]++;
    previousStartByLabel.set(item.label, result.start);
    previousStart = result.start;
    if (taken.some((range) => range.start === result.start && range.end === result.end)) continue;
    taken.push({ start: result.start, end: result.end });
    takenByLabel.set(item.label, taken);
    spans.push({
      start: result.start,
      end: result.end,
      label: item.label,
      text: result.text,
      alignment: result.alignment,
      ...(item.attrs ? { attrs: item.attrs } : {}),
    });
  }
  spans.sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  return { spans, unaligned, stats };
}

export function emptyAlignmentStats(): AlignmentStats {
  return { exact: 0, normalised: 0, fuzzy: 0, unaligned: 0, total: 0 };
}

export function mergeAlignmentStats(...stats: readonly AlignmentStats[]): AlignmentStats {
  const merged = emptyAlignmentStats();
  for (const item of stats) {
    merged.exact += item.exact;
    merged.normalised += item.normalised;
    merged.fuzzy += item.fuzzy;
    merged.unaligned += item.unaligned;
    merged.total += item.total;
  }
  return merged;
}

function exactCandidates(text: string, quote: string): Candidate[] {
  const candidates: Candidate[] = [];
  const firstIsWord = isWordChar(quote.charAt(0));
  const lastIsWord = isWordChar(quote.charAt(quote.length - 1));
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    const end = at + quote.length;
    const onWordBoundary =
      !(firstIsWord && isWordChar(text.charAt(at - 1))) && !(lastIsWord && isWordChar(text.charAt(end)));
    candidates.push({ start: at, end, similarity: 1, onWordBoundary });
  }
  return candidates;
}

/** Exact matches in the normalised text, mapped back to offsets in the source. */
function normalisedCandidates(source: AlignmentSource, quote: string): Candidate[] {
  const { text, starts, ends } = source.normalised;
  return exactCandidates(text, quote).map((candidate) => ({
    ...candidate,
    start: starts[candidate.start] ?? 0,
    end: ends[candidate.end - 1] ?? 0,
  }));
}

/** An ellipsis a teacher put where it left words out: "...", "…", "[...]", "(...)". */
const ellipsisPattern = /\s*(?:\[\s*(?:\.{3}|…)\s*\]|\(\s*(?:\.{3}|…)\s*\)|\.{3,}|…)\s*/u;
/** How far apart the pieces of an elided quote may lie. */
const maxElidedGap = 300;

/** Exact and folded occurrences of a piece of a quote, by start. */
function literalCandidates(source: AlignmentSource, piece: string): Candidate[] {
  const folded = normaliseForMatching(piece).text;
  return [...exactCandidates(source.text, piece), ...normalisedCandidates(source, folded)].sort(
    (a, b) => a.start - b.start || b.end - a.end,
  );
}

/**
 * A quote with an ellipsis ("experience with ... databases") matches when its pieces occur in
 * order, each within `maxElidedGap` characters of the one before; the span runs from the first
 * piece to the last. Similarity is the share of the span the pieces cover.
 */
function elidedCandidates(source: AlignmentSource, quote: string): Candidate[] {
  // The pattern takes the spaces around an ellipsis and the quote comes trimmed: no piece needs trimming.
  const pieces = quote.split(ellipsisPattern).filter((piece) => /[\p{L}\p{N}]/u.test(piece));
  if (pieces.length < 2) return [];
  const occurrences = pieces.map((piece) => literalCandidates(source, piece));
  const follows = (earlier: Candidate, later: Candidate): boolean =>
    later.start >= earlier.end && later.start <= earlier.end + maxElidedGap;
  // Which occurrences of the middle pieces lead on to the last piece, worked out from the end: an
  // early occurrence that leads nowhere ("beta" too far before "gamma") gives way to a later one.
  const leadsOn = occurrences.map((list) => list.map(() => true));
  for (let index = occurrences.length - 2; index >= 1; index--) {
    const next = occurrences[index + 1] ?? [];
    const nextLeadsOn = leadsOn[index + 1] ?? [];
    leadsOn[index] = (occurrences[index] ?? []).map((occurrence) =>
      next.some((later, at) => nextLeadsOn[at] === true && follows(occurrence, later)),
    );
  }
  const candidates: Candidate[] = [];
  for (const first of occurrences[0] ?? []) {
    let last = first;
    let covered = first.end - first.start;
    for (let index = 1; index < occurrences.length; index++) {
      const usable = leadsOn[index] ?? [];
      const next = occurrences[index]?.find(
        (candidate, at) => usable[at] === true && follows(last, candidate),
      );
      if (!next) {
        covered = -1;
        break;
      }
      covered += next.end - next.start;
      last = next;
    }
    if (covered < 0) continue;
    candidates.push({
      start: first.start,
      end: last.end,
      similarity: covered / (last.end - first.start),
      onWordBoundary: first.onWordBoundary && last.onWordBoundary,
    });
  }
  return candidates;
}

function fuzzyCandidates(
  source: AlignmentSource,
  normalisedQuote: string,
  threshold: number,
): { candidates: Candidate[]; bestSimilarity: number } {
  const quoteWords = matchTokens(normalisedQuote).map((token) => token.text);
  const sourceTokens = source.tokens;
  const { windows, bestSimilarity } = findFuzzyWindows(quoteWords, source.words, threshold);
  const { text, starts, ends } = source.normalised;
  // Windows hold words only; take along the punctuation the quote opens or closes with when the
  // source has it there too ("(Kafka, NATS)", "…the United States.").
  const leading = /^[^\p{L}\p{N}\s]+/u.exec(normalisedQuote)?.[0] ?? "";
  const trailing = /[^\p{L}\p{N}\s+#]+$/u.exec(normalisedQuote)?.[0] ?? "";
  const candidates = windows.map((window): Candidate => {
    let from = sourceTokens[window.firstToken]?.start ?? 0;
    let to = sourceTokens[window.endToken - 1]?.end ?? 1;
    if (leading && text.slice(from - leading.length, from) === leading) from -= leading.length;
    if (trailing && text.startsWith(trailing, to)) to += trailing.length;
    return {
      start: starts[from] ?? 0,
      end: ends[to - 1] ?? 0,
      similarity: window.similarity,
      onWordBoundary: true,
    };
  });
  return { candidates, bestSimilarity };
}

function choose(
  source: AlignmentSource,
  candidates: readonly Candidate[],
  options: AlignQuoteOptions,
): Candidate {
  const taken = options.taken ?? [];
  const after = options.after ?? 0;
  const weakAfter = options.weakAfter ?? 0;
  const hasContext = Boolean(options.contextBefore?.trim() || options.contextAfter?.trim());
  let best: Candidate | undefined;
  let bestKey: number[] = [];
  for (const candidate of candidates) {
    const free = taken.every((range) => candidate.end <= range.start || range.end <= candidate.start);
    const key = [
      candidate.onWordBoundary ? 1 : 0,
      free ? 1 : 0,
      candidate.similarity,
      hasContext ? contextScore(source, candidate, options) : 0,
      candidate.start >= after ? 1 : 0,
      candidate.start >= weakAfter ? 1 : 0,
      -candidate.start,
    ];
    if (!best || isGreater(key, bestKey)) {
      best = candidate;
      bestKey = key;
    }
  }
  // Callers pass at least one candidate.
  return best as Candidate;
}

function isGreater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return false;
}

/** Share of the context hints' characters that agree with the text around the candidate. */
function contextScore(source: AlignmentSource, candidate: Candidate, options: AlignQuoteOptions): number {
  const text = source.normalised.text;
  const before = normaliseForMatching(options.contextBefore ?? "").text;
  const after = normaliseForMatching(options.contextAfter ?? "").text;
  if (before.length + after.length === 0) return 0;
  let agreeing = 0;
  let position = source.normalisedIndexAt(candidate.start) - 1;
  if (text.charAt(position) === " ") position--;
  for (
    let i = before.length - 1;
    i >= 0 && position >= 0 && text.charAt(position) === before.charAt(i);
    i--
  ) {
    agreeing++;
    position--;
  }
  position = source.normalisedIndexAt(candidate.end);
  if (text.charAt(position) === " ") position++;
  for (
    let i = 0;
    i < after.length && position < text.length && text.charAt(position) === after.charAt(i);
    i++
  ) {
    agreeing++;
    position++;
  }
  return agreeing / (before.length + after.length);
}

function accept(source: AlignmentSource, candidate: Candidate, alignment: AlignmentKind): QuoteAlignment {
  const text = source.text.slice(candidate.start, candidate.end);
  return {
    ok: true,
    start: candidate.start,
    end: candidate.end,
    text,
    alignment,
    similarity: candidate.similarity,
  };
}
