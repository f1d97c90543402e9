import { type BioSentence, bioToChunks } from "../../align/bio.ts";

/**
 * SkillSpan's postings rebuilt as whole adverts. SkillSpan ships sentences; consecutive sentences
 * with the same `source` and `idx` belong to one posting (263 in all: 140 train, 58 dev, 65 test).
 *
 * Detokenisation, deterministic and reversible through `tokenOffsets`:
 * - a posting's sentences are its lines, joined by "\n", in file order;
 * - within a sentence, tokens are joined by one space, except that no space goes before a closing
 *   mark (`. , ; : ! ? ) ] } %` and closing quotes `” ’`) and none after an opening one (`( [ { “`);
 * - empty tokens (SkillSpan has a few) add nothing; every other token is kept exactly as it is,
 *   anonymisation tags such as `<ORGANIZATION>` included.
 */
export interface SkillSpanPosting {
  /** `skillspan-<split>-<source>-<idx>`, e.g. `skillspan-test-tech-12`. */
  id: string;
  split: string;
  source: string;
  idx: number;
  text: string;
  /** Per sentence (line), the [start, end) of each of its tokens in `text`. */
  tokenOffsets: [number, number][][];
  /** SkillSpan's own spans, as character offsets into `text`. */
  spans: { layer: string; start: number; end: number }[];
}

const noSpaceBefore = new Set([".", ",", ";", ":", "!", "?", ")", "]", "}", "%", "”", "’"]);
const noSpaceAfter = new Set(["(", "[", "{", "“"]);

/** One sentence's text and token offsets, relative to the sentence's start. */
export function detokenize(tokens: readonly string[]): { text: string; offsets: [number, number][] } {
  let text = "";
  const offsets: [number, number][] = [];
  let previous: string | undefined;
  for (const token of tokens) {
    if (token !== "" && previous !== undefined && !noSpaceBefore.has(token) && !noSpaceAfter.has(previous)) {
      text += " ";
    }
    offsets.push([text.length, text.length + token.length]);
    text += token;
    if (token !== "") previous = token;
  }
  return { text, offsets };
}

/** Groups a split's sentences into postings (consecutive sentences with the same source and idx). */
export function skillSpanPostings(sentences: readonly BioSentence[], split: string): SkillSpanPosting[] {
  const postings: SkillSpanPosting[] = [];
  let current: SkillSpanPosting | undefined;
  for (const sentence of sentences) {
    const source = sentence.source ?? "unknown";
    const idx = sentence.docIdx ?? -1;
    if (current === undefined || current.source !== source || current.idx !== idx) {
      current = {
        id: `skillspan-${split}-${source}-${idx}`,
        split,
        source,
        idx,
        text: "",
        tokenOffsets: [],
        spans: [],
      };
      postings.push(current);
    } else {
      current.text += "\n";
    }
    const base = current.text.length;
    const { text, offsets } = detokenize(sentence.tokens);
    const absolute = offsets.map(([start, end]): [number, number] => [base + start, base + end]);
    current.text += text;
    current.tokenOffsets.push(absolute);
    for (const [layer, tags] of Object.entries(sentence.layers)) {
      for (const chunk of bioToChunks(tags)) {
        const first = absolute[chunk.startToken];
        const last = absolute[chunk.endToken - 1];
        if (first && last) current.spans.push({ layer, start: first[0], end: last[1] });
      }
    }
  }
  return postings;
}
