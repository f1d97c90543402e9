/**
 * The tags of one BIO layer, "O" first, and which tag may follow which. Index `size` stands for the
 * sentence start in transition tables.
 */
export class LabelSet {
  readonly size: number;
  readonly start: number;
  /** allowed[previous * size + current], previous in 0..size (size = sentence start). */
  readonly allowed: Uint8Array;
  private readonly index: Map<string, number>;

  constructor(readonly tags: readonly string[]) {
    this.size = tags.length;
    this.start = tags.length;
    this.index = new Map(tags.map((tag, position) => [tag, position]));
    this.allowed = new Uint8Array((this.size + 1) * this.size);
    for (let previous = 0; previous <= this.size; previous++) {
      for (let current = 0; current < this.size; current++) {
        this.allowed[previous * this.size + current] = canFollow(tags[previous], tags[current] as string)
          ? 1
          : 0;
      }
    }
  }

  /** "O", then B-x, I-x for every type x in sorted order (bare SkillSpan tags give "B", "I"). */
  static fromTags(tagSequences: Iterable<readonly string[]>): LabelSet {
    const types = new Set<string>();
    for (const tags of tagSequences) {
      for (const tag of tags) if (tag !== "O") types.add(tag.length > 1 ? tag.slice(2) : "");
    }
    const tags = ["O"];
    for (const type of [...types].sort()) {
      const suffix = type === "" ? "" : `-${type}`;
      tags.push(`B${suffix}`, `I${suffix}`);
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
}

/** BIO: an I-x continues only a B-x or I-x; anything else may follow anything. */
function canFollow(previous: string | undefined, current: string): boolean {
  if (!current.startsWith("I")) return true;
  if (previous === undefined || previous === "O") return false;
  return previous.slice(1) === current.slice(1);
}
