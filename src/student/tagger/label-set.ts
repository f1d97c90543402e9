import { bioToChunks } from "../../align/bio.ts";

/**
 * How a layer's spans are spelled as tags. "bio": B begins, I continues. "bilou": B begins a span
 * of two or more tokens, I is inside, L is its last token and U a one-token span, so the weights see
 * span ends as well as starts (Ratinov & Roth 2009). Inputs and outputs stay BIO either way.
 */
export type TagEncoding = "bio" | "bilou";

/**
 * The tags of one layer, "O" first, and which tag may follow which. Index `size` stands for the
 * sentence start in transition tables.
 */
export class LabelSet {
  readonly size: number;
  readonly start: number;
  readonly encoding: TagEncoding;
  /** allowed[previous * size + current], previous in 0..size (size = sentence start). */
  readonly allowed: Uint8Array;
  /** allowedEnd[tag]: whether a sentence may end on tag (BILOU: not inside an open span). */
  readonly allowedEnd: Uint8Array;
  private readonly index: Map<string, number>;
  /** Each tag as BIO (L → I, U → B), spelled once so decoding builds no strings. */
  private readonly bioTags: readonly string[];

  constructor(readonly tags: readonly string[]) {
    this.size = tags.length;
    this.start = tags.length;
    this.encoding = tags.some((tag) => tag[0] === "L" || tag[0] === "U") ? "bilou" : "bio";
    this.index = new Map(tags.map((tag, position) => [tag, position]));
    this.bioTags = tags.map((tag) => {
      if (tag[0] === "L") return `I${tag.slice(1)}`;
      if (tag[0] === "U") return `B${tag.slice(1)}`;
      return tag;
    });
    this.allowed = new Uint8Array((this.size + 1) * this.size);
    const follows = this.encoding === "bilou" ? canFollowBilou : canFollowBio;
    for (let previous = 0; previous <= this.size; previous++) {
      for (let current = 0; current < this.size; current++) {
        this.allowed[previous * this.size + current] = follows(tags[previous], tags[current] as string)
          ? 1
          : 0;
      }
    }
    this.allowedEnd = Uint8Array.from(tags, (tag) =>
      this.encoding === "bilou" && (tag[0] === "B" || tag[0] === "I") ? 0 : 1,
    );
  }

  /**
   * "O", then per type x in sorted order B-x, I-x (and L-x, U-x for BILOU); bare SkillSpan tags give
   * "B", "I" (, "L", "U").
   */
  static fromTags(tagSequences: Iterable<readonly string[]>, encoding: TagEncoding = "bio"): LabelSet {
    const types = new Set<string>();
    for (const tags of tagSequences) {
      for (const tag of tags) if (tag !== "O") types.add(tag.length > 1 ? tag.slice(2) : "");
    }
    const prefixes = encoding === "bilou" ? ["B", "I", "L", "U"] : ["B", "I"];
    const tags = ["O"];
    for (const type of [...types].sort()) {
      const suffix = type === "" ? "" : `-${type}`;
      for (const prefix of prefixes) tags.push(`${prefix}${suffix}`);
    }
    return new LabelSet(tags);
  }

  /** Tag ids; a tag the set does not know (e.g. an unseen type) becomes "O". */
  encode(tags: readonly string[]): Int32Array {
    return Int32Array.from(tags, (tag) => this.index.get(tag) ?? 0);
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.tags[id] as string);
  }

  /** Tag ids of a BIO sequence, respelled in this set's encoding (chunks as conlleval reads them). */
  encodeBio(tags: readonly string[]): Int32Array {
    if (this.encoding === "bio") return this.encode(tags);
    const spelled = tags.map(() => "O");
    for (const chunk of bioToChunks(tags)) {
      const suffix = chunk.label === "" ? "" : `-${chunk.label}`;
      const last = chunk.endToken - 1;
      if (chunk.startToken === last) {
        spelled[last] = `U${suffix}`;
        continue;
      }
      spelled[chunk.startToken] = `B${suffix}`;
      for (let position = chunk.startToken + 1; position < last; position++) spelled[position] = `I${suffix}`;
      spelled[last] = `L${suffix}`;
    }
    return this.encode(spelled);
  }

  /** BIO tags of decoded ids: L reads as I and U as B. */
  decodeBio(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let position = 0; position < ids.length; position++)
      out[position] = this.bioTags[ids[position] as number] as string;
    return out;
  }
}

/** BIO: an I-x continues only a B-x or I-x; anything else may follow anything. */
function canFollowBio(previous: string | undefined, current: string): boolean {
  if (!current.startsWith("I")) return true;
  if (previous === undefined || previous === "O") return false;
  return previous.slice(1) === current.slice(1);
}

/** BILOU: I-x and L-x continue an open B-x or I-x; O, B and U follow only a closed span. */
function canFollowBilou(previous: string | undefined, current: string): boolean {
  const open = previous !== undefined && (previous[0] === "B" || previous[0] === "I");
  if (current[0] === "I" || current[0] === "L") return open && previous.slice(1) === current.slice(1);
  return !open;
}
