import { InputError } from "../core/errors.ts";

/** A sentence with one or more independent BIO layers over the same tokens (SkillSpan has "skill" and "knowledge"). */
export interface BioSentence {
  tokens: string[];
  /** Layer name → one tag per token ("B", "I", "O", or typed "B-x", "I-x"). */
  layers: Record<string, string[]>;
  source?: string | undefined;
  /** Index of the document (posting) the sentence belongs to, within its source. */
  docIdx?: number | undefined;
}

/** A run of tokens, `endToken` exclusive. Bare "B"/"I" tags give label "". */
export interface BioChunk {
  label: string;
  startToken: number;
  endToken: number;
}

export interface TokenOffsets {
  start: number;
  end: number;
}

export interface LabelledOffsets {
  start: number;
  end: number;
  label: string;
}

interface ParsedTag {
  prefix: "B" | "I" | "O";
  label: string;
}

function parseTag(tag: string, position: number): ParsedTag {
  if (tag === "O") return { prefix: "O", label: "" };
  const head = tag[0];
  if ((head === "B" || head === "I") && (tag.length === 1 || tag[1] === "-")) {
    return { prefix: head, label: tag.slice(2) };
  }
  throw new InputError(`not a BIO tag at token ${position}: ${JSON.stringify(tag)}`, {
    data: { tag, position },
  });
}

/**
 * Chunks of a BIO tag sequence with conlleval's semantics: a chunk starts at B, and also at an I
 * that follows O or a chunk of another type; it ends before O, B, or a change of type.
 */
export function bioToChunks(tags: readonly string[]): BioChunk[] {
  const chunks: BioChunk[] = [];
  let open: BioChunk | undefined;
  for (let position = 0; position < tags.length; position++) {
    const { prefix, label } = parseTag(tags[position] as string, position);
    const continues = prefix === "I" && open !== undefined && open.label === label;
    if (continues) continue;
    if (open) {
      open.endToken = position;
      chunks.push(open);
      open = undefined;
    }
    if (prefix !== "O") open = { label, startToken: position, endToken: position + 1 };
  }
  if (open) {
    open.endToken = tags.length;
    chunks.push(open);
  }
  return chunks;
}

export interface SpansToBioOptions {
  /** Emit bare "B"/"I" (SkillSpan style) instead of "B-label"/"I-label". Default false. */
  bare?: boolean;
}

/**
 * One BIO layer from character-offset spans. A token belongs to a span when their character ranges
 * overlap. Spans that would share a token cannot all be encoded in one layer: the longer span wins
 * (by token count), then the earlier one; the losers are dropped whole rather than cut.
 */
export function spansToBio(
  tokens: readonly TokenOffsets[],
  spans: readonly LabelledOffsets[],
  options: SpansToBioOptions = {},
): string[] {
  const tags = tokens.map(() => "O");
  const candidates = spans
    .map((span, order) => {
      let first = -1;
      let last = -1;
      tokens.forEach((token, index) => {
        if (token.start < span.end && span.start < token.end) {
          if (first < 0) first = index;
          last = index;
        }
      });
      return { span, order, first, last };
    })
    .filter((candidate) => candidate.first >= 0)
    .sort((a, b) => b.last - b.first - (a.last - a.first) || a.first - b.first || a.order - b.order);
  const taken = new Uint8Array(tokens.length);
  for (const { span, first, last } of candidates) {
    let free = true;
    for (let index = first; index <= last; index++) if (taken[index]) free = false;
    if (!free) continue;
    const suffix = options.bare ? "" : `-${span.label}`;
    for (let index = first; index <= last; index++) {
      taken[index] = 1;
      tags[index] = (index === first ? "B" : "I") + suffix;
    }
  }
  return tags;
}

export interface CharSpan {
  start: number;
  end: number;
  label: string;
  text: string;
}

/** Character spans of token chunks: from the first token's start to the last token's end. */
export function chunksToCharSpans(
  tokens: readonly TokenOffsets[],
  chunks: readonly BioChunk[],
  text: string,
): CharSpan[] {
  return chunks.map((chunk) => {
    const first = tokens[chunk.startToken];
    const last = tokens[chunk.endToken - 1];
    if (!first || !last || chunk.endToken <= chunk.startToken) {
      throw new InputError(
        `chunk ${chunk.startToken}..${chunk.endToken} is outside the ${tokens.length} tokens`,
      );
    }
    return { start: first.start, end: last.end, label: chunk.label, text: text.slice(first.start, last.end) };
  });
}
