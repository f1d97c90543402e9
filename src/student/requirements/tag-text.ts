import { htmlToText } from "../../align/html-to-text.ts";
import type { TextFormat } from "../predictors.ts";
import type { TaggerModel } from "../tagger/index.ts";
import { type TokenisedSegment, tokenisedSegments } from "./training-examples.ts";

/** A span the tagger found, by character offsets into the (reduced) text; `label` is the layer. */
export interface TaggedSpan {
  start: number;
  end: number;
  label: string;
  text: string;
}

export interface TaggedSegment {
  segment: TokenisedSegment;
  spans: TaggedSpan[];
}

/** The text offsets refer to: the input, or the visible text of HTML (the pipeline's one reduction). */
export function visibleText(text: string, format: TextFormat = "text"): string {
  return format === "html" ? htmlToText(text).text : text;
}

/**
 * Runs the tagger over every segment of `text` (the unit it was trained on) and turns each layer's
 * chunks into character spans of `text`, segment by segment, in reading order.
 */
export function tagSegments(tagger: TaggerModel, text: string): TaggedSegment[] {
  return tokenisedSegments(text).map((segment) => {
    const spans: TaggedSpan[] = [];
    if (segment.tokens.length === 0) return { segment, spans };
    const chunksByLayer = tagger.predictChunks(segment.tokens.map((token) => token.text));
    for (const [layer, chunks] of Object.entries(chunksByLayer)) {
      for (const chunk of chunks) {
        const first = segment.tokens[chunk.startToken];
        const last = segment.tokens[chunk.endToken - 1];
        if (!first || !last) continue;
        spans.push({
          start: first.start,
          end: last.end,
          label: layer,
          text: text.slice(first.start, last.end),
        });
      }
    }
    spans.sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : 1));
    return { segment, spans };
  });
}

/**
 * The tagger's BIO tags as CoNLL lines: `-DOCSTART-`, then per segment one `token<TAB>tag…` line per
 * token (one typed column per layer, in the tagger's layer order) and a blank line.
 */
export function taggedConll(tagger: TaggerModel, text: string): string[] {
  const layers = tagger.layerNames;
  const lines = [["-DOCSTART-", ...layers.map(() => "O")].join("\t"), ""];
  for (const segment of tokenisedSegments(text)) {
    if (segment.tokens.length === 0) continue;
    const tokens = segment.tokens.map((token) => token.text);
    const tags = tagger.predict(tokens);
    tokens.forEach((token, index) => {
      const columns = layers.map((layer) => typedTag(tags[layer]?.[index] ?? "O", layer));
      lines.push([token, ...columns].join("\t"));
    });
    lines.push("");
  }
  return lines;
}

/** "B"/"I" of a one-category layer written as "B-layer"/"I-layer"; typed tags and "O" as they are. */
function typedTag(tag: string, layer: string): string {
  return tag === "B" || tag === "I" ? `${tag}-${layer}` : tag;
}
