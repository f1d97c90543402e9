import { htmlToText } from "../../align/html-to-text.ts";
import type { HighlightResult, HighlightSpan, TextFormat } from "../predictors.ts";
import type { SegmentScorer } from "../segment-classifier/index.ts";
import type { TaggerModel } from "../tagger/index.ts";
import { dropNonContentSpans, htmlHeadingRanges, type TextRange } from "./non-content-spans.ts";
import { tagSegments } from "./tag-text.ts";

export interface RequirementStudents {
  tagger: TaggerModel;
  /** The lexical segment classifier or an encoder-backed one (src/student/encoder-segments/). */
  segmentClassifier?: SegmentScorer;
}

export interface HighlightOptions {
  /**
   * Highlight whole segments for categories the classifier assigns but the tagger found no span
   * of. Default true; evaluation turns it off to score the tagger alone.
   */
  segmentSpans?: boolean;
  /**
   * The classifier vetoes a tagger span of category c when its probability for c in the segment is
   * below this fraction of c's decision threshold. Default 0.5 (on the demo corpus, 5-fold: loose F1
   * 0.53 → 0.70, strict 0.31 → 0.42); 0 keeps every tagger span.
   */
  vetoRatio?: number;
  /**
   * Drop spans the annotation guide never highlights: those inside a heading line (or an HTML
   * heading), those made only of anonymisation tags, and those on a contact line
   * (`nonContentReason`). Default true.
   */
  dropNonContent?: boolean;
}

/**
 * Highlights an advert's requirement categories. The rule:
 *
 * 1. HTML is reduced to its visible text (`htmlToText`); offsets point into that text.
 * 2. The text is cut into segments (sentences, bullets, lines) and the tagger marks spans in each.
 * 3. A tagger span of category c in segment s scores the classifier's calibrated probability that
 *    s is an example of c (1 when there is no classifier or it does not know c): the tagger says
 *    where, the classifier how sure. Spans scoring below half of c's decision threshold (tuned on
 *    dev) are dropped: the classifier, which reads the whole segment, vetoes them.
 * 4. For every category the classifier assigns to s (probability at or above its threshold tuned
 *    on dev) and of which the tagger found no span in s, the whole segment is highlighted with that
 *    probability. Sentence-level categories (duties, benefits, breadtext, culture) thus show even
 *    where the tagger misses them.
 *
 * 5. Spans inside a heading, made only of placeholders, or on a contact line are dropped
 *    (`dropNonContent`).
 *
 * Spans come back sorted by start, then end, then category; spans of different categories may overlap.
 * Asynchronous because an encoder-backed classifier embeds the segments first (all of a text's
 * segments in one batch); the lexical classifier answers at once.
 */
export async function highlightRequirements(
  students: RequirementStudents,
  input: { text: string; format?: TextFormat },
  options: HighlightOptions = {},
): Promise<HighlightResult> {
  const { text, headings } = readableInput(input);
  const classifier = students.segmentClassifier;
  const known = new Set(classifier?.labels ?? []);
  const segmentSpans = options.segmentSpans ?? true;
  const vetoRatio = options.vetoRatio ?? 0.5;
  const vetoBelow = new Map(
    (classifier?.labels ?? []).map((label, index) => [
      label,
      vetoRatio * (classifier?.thresholds[index] ?? 0.5),
    ]),
  );
  const tagged = tagSegments(students.tagger, text);
  const predictions = classifier
    ? await classifier.predictBatch(tagged.map(({ segment }) => segment.text))
    : undefined;
  const spans: HighlightSpan[] = [];
  tagged.forEach(({ segment, spans: taggedSpans }, index) => {
    const prediction = predictions?.[index];
    const scoreOf = (category: string): number =>
      prediction && known.has(category) ? (prediction.scores[category] ?? 0) : 1;
    const found = new Set<string>();
    for (const span of taggedSpans) {
      const score = scoreOf(span.label);
      if (score < (vetoBelow.get(span.label) ?? 0)) continue;
      found.add(span.label);
      spans.push({ start: span.start, end: span.end, category: span.label, text: span.text, score });
    }
    if (!prediction || !segmentSpans) return;
    for (const category of prediction.labels) {
      if (found.has(category)) continue;
      spans.push({
        start: segment.start,
        end: segment.end,
        category,
        text: segment.text,
        score: prediction.scores[category] ?? 0,
      });
    }
  });
  const kept = (options.dropNonContent ?? true) ? dropNonContentSpans(text, spans, headings) : spans;
  kept.sort(
    (a, b) =>
      a.start - b.start || a.end - b.end || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
  return { text, spans: kept };
}

/** The text offsets refer to (HTML reduced to its visible text) and where its HTML headings lie. */
function readableInput(input: { text: string; format?: TextFormat }): {
  text: string;
  headings: TextRange[];
} {
  if (input.format !== "html") return { text: input.text, headings: [] };
  const reduced = htmlToText(input.text);
  return { text: reduced.text, headings: htmlHeadingRanges(input.text, reduced.text, reduced.sourceOffsets) };
}
