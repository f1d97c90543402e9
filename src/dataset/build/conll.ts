import { bioToChunks, spansToBio, type Token, tokenize } from "../../align/index.ts";
import type { SourceDocument, Span } from "../../core/types.ts";

/** SkillSpan-style token offsets kept in a document's meta, when they fit its text. */
export function givenTokens(document: SourceDocument, text: string): Token[] | undefined {
  const offsets = document.meta?.tokenOffsets;
  if (!Array.isArray(offsets) || document.format === "html") return undefined;
  const tokens: Token[] = [];
  for (const pair of offsets) {
    if (!Array.isArray(pair) || typeof pair[0] !== "number" || typeof pair[1] !== "number") return undefined;
    const [start, end] = pair as [number, number];
    if (start < 0 || end > text.length || end <= start) return undefined;
    tokens.push({ start, end, text: text.slice(start, end) });
  }
  return tokens;
}

/** The document's tokens: its own (SkillSpan) when stored, else `tokenize`. */
export function documentTokens(document: SourceDocument, text: string): Token[] {
  return givenTokens(document, text) ?? tokenize(text);
}

export interface ConllBlock {
  lines: string[];
  /** Chunks written per layer, for the report. */
  chunks: Record<string, number>;
}

/**
 * CoNLL lines for the kept segments of one document: `-DOCSTART-` and a blank line, then per
 * segment one `token<TAB>tag…` line per token (one typed BIO column per layer, in `layers`
 * order) and a blank line. A layer's tags come from `spansToBio` over the whole document, so a
 * span crossing segments continues as I- in the next one.
 */
export function conllBlock(
  tokens: readonly Token[],
  spans: readonly Span[],
  segments: readonly { start: number; end: number }[],
  layers: readonly string[],
): ConllBlock {
  const tagsByLayer = layers.map((layer) =>
    spansToBio(
      tokens,
      spans.filter((span) => span.label === layer),
    ),
  );
  const lines = [["-DOCSTART-", ...layers.map(() => "O")].join("\t"), ""];
  const chunks: Record<string, number> = Object.fromEntries(layers.map((layer) => [layer, 0]));
  // Segments and tokens are both in text order: one pass over the tokens serves every segment.
  let cursor = 0;
  for (const segment of segments) {
    while (cursor < tokens.length && (tokens[cursor]?.start ?? 0) < segment.start) cursor++;
    const indexes: number[] = [];
    for (let index = cursor; index < tokens.length && (tokens[index]?.start ?? 0) < segment.end; index++) {
      if ((tokens[index]?.end ?? 0) <= segment.end) indexes.push(index);
    }
    if (indexes.length === 0) continue;
    layers.forEach((layer, layerIndex) => {
      const tags = indexes.map((index) => tagsByLayer[layerIndex]?.[index] ?? "O");
      chunks[layer] = (chunks[layer] ?? 0) + bioToChunks(tags).length;
    });
    for (const index of indexes) {
      lines.push([tokens[index]?.text ?? "", ...tagsByLayer.map((tags) => tags[index] ?? "O")].join("\t"));
    }
    lines.push("");
  }
  return { lines, chunks };
}
