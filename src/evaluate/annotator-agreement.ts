import { tokenize } from "../align/tokenize.ts";
import { cohensKappa } from "./agreement.ts";
import { type ScoredSpan, scoreSpans } from "./span-scorer.ts";

/** One document annotated twice, independently. */
export interface DoublyAnnotated {
  text: string;
  first: readonly ScoredSpan[];
  second: readonly ScoredSpan[];
}

export interface CategoryAgreement {
  /** Spans in each annotation. */
  first: number;
  second: number;
  /** Span F1 between the two, the first taken as reference (strict F1 is symmetric). */
  strictF1: number;
  looseF1: number;
  /** Cohen's kappa over word tokens: inside a span of this category or not, per annotator. */
  tokenKappa: number;
  /** Tokens either annotator put in this category. */
  tokens: number;
}

export interface AnnotatorAgreement {
  documents: number;
  tokens: number;
  perCategory: Record<string, CategoryAgreement>;
  micro: { strictF1: number; looseF1: number };
  macro: { strictF1: number; looseF1: number; tokenKappa: number };
}

function insideTokens(
  tokens: readonly { start: number; end: number }[],
  spans: readonly ScoredSpan[],
  label: string,
): boolean[] {
  const ofLabel = spans.filter((span) => span.label === label);
  return tokens.map((token) => ofLabel.some((span) => token.start < span.end && span.start < token.end));
}

/**
 * How far two independent annotations of the same documents agree, per category: span F1 (strict:
 * same start, end and category; loose: any overlap, as in the SkillSpan literature) and token-level
 * Cohen's kappa, where each word token is in or out of the category for each annotator (categories
 * may nest, so each is its own binary decision). Kappa pools the tokens of every document.
 */
export function annotatorAgreement(
  documents: readonly DoublyAnnotated[],
  labels: readonly string[],
): AnnotatorAgreement {
  const scores = scoreSpans(
    documents.map((document) => document.first),
    documents.map((document) => document.second),
    { labels },
  );
  const tokenLists = documents.map((document) => tokenize(document.text));
  const perCategory: Record<string, CategoryAgreement> = {};
  for (const label of labels) {
    const pairs: [string, string][] = [];
    let tokens = 0;
    documents.forEach((document, index) => {
      const documentTokens = tokenLists[index] ?? [];
      const first = insideTokens(documentTokens, document.first, label);
      const second = insideTokens(documentTokens, document.second, label);
      first.forEach((inFirst, position) => {
        const inSecond = second[position] ?? false;
        if (inFirst || inSecond) tokens++;
        pairs.push([inFirst ? "in" : "out", inSecond ? "in" : "out"]);
      });
    });
    const strict = scores.strict.perLabel[label];
    const loose = scores.loose.perLabel[label];
    perCategory[label] = {
      first: strict?.gold ?? 0,
      second: strict?.predicted ?? 0,
      strictF1: strict?.f1 ?? 0,
      looseF1: loose?.f1 ?? 0,
      tokenKappa: cohensKappa(pairs),
      tokens,
    };
  }
  const categories = Object.values(perCategory);
  const mean = (values: number[]): number =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    documents: documents.length,
    tokens: tokenLists.reduce((sum, list) => sum + list.length, 0),
    perCategory,
    micro: { strictF1: scores.strict.micro.f1, looseF1: scores.loose.micro.f1 },
    macro: {
      strictF1: mean(categories.map((entry) => entry.strictF1)),
      looseF1: mean(categories.map((entry) => entry.looseF1)),
      tokenKappa: mean(categories.map((entry) => entry.tokenKappa)),
    },
  };
}
