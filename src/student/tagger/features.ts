import { z } from "zod";
import { combineHash, hashString } from "./hashing.ts";
import type { PhraseLexicon } from "./lexicon.ts";
import { normaliseWord, shortShape, wordShape } from "./word-forms.ts";

/** Which feature templates the tagger uses; part of the saved model, so decoding matches training. */
export const featureSettingsSchema = z.object({
  /** Neighbouring tokens seen on each side. */
  window: z.number().int().min(0).max(4).default(2),
  /** Prefixes and suffixes of lengths 1..affixLength. */
  affixLength: z.number().int().min(0).max(6).default(4),
  /** Word-cluster path prefixes used as features (needs clusters). */
  clusterDepths: z.array(z.number().int().positive()).default([4, 8, 12, 16]),
  /** Word, shape and cluster bigrams across the current token. */
  bigrams: z.boolean().default(true),
  /** Lengths of character n-grams taken from the current word (e.g. [3, 4, 5]); none by default. */
  charNgrams: z.array(z.number().int().min(2).max(8)).default([]),
});
export type FeatureSettings = z.infer<typeof featureSettingsSchema>;

/** Hashed feature ids of a sentence: token t owns ids[offsets[t] .. offsets[t + 1]). */
export interface SentenceFeatures {
  ids: Uint32Array;
  offsets: Uint32Array;
}

const slot = {
  word: 0,
  lower: 1,
  core: 2,
  shape: 3,
  shortShape: 4,
  flags: 5,
  trailing: 6,
  leading: 7,
  length: 8,
  placeholder: 9,
  firstAffix: 10,
} as const;

/** The bias feature's id, on every token: its bucket is 1 at any hash size (train.ts calibrates its weights). */
export const biasFeatureId = 1;

const beginPadding = "\u0000<s>";
const endPadding = "\u0000</s>";
const firstHash = hashString("first");
const secondHash = hashString("second");
const laterHash = hashString("later");

/**
 * Turns tokens into hashed feature ids. Everything that depends on one token alone (its forms,
 * affixes, clusters) is hashed once per distinct token and cached; contextual templates then combine
 * those cached hashes with integer mixing, which keeps extraction well above 100k tokens/s.
 */
export class FeatureExtractor {
  private readonly cache = new Map<string, Uint32Array>();
  private readonly ngramCache = new Map<string, Uint32Array>();
  private readonly clusterSlot: number;
  private readonly atomCount: number;
  private readonly neighbourSlots: number[];
  /** Atoms paired across the token: core, short shape and the second cluster depth. */
  private readonly bigramSlots: number[];

  constructor(
    readonly settings: FeatureSettings,
    private readonly clusters: ReadonlyMap<string, string> | undefined,
    private readonly lexicon: PhraseLexicon | undefined,
  ) {
    this.clusterSlot = slot.firstAffix + 2 * settings.affixLength;
    this.atomCount = this.clusterSlot + (clusters ? settings.clusterDepths.length : 0);
    const clusterSlots = clusters ? settings.clusterDepths.map((_, index) => this.clusterSlot + index) : [];
    this.neighbourSlots = [
      slot.core,
      slot.shortShape,
      slot.flags,
      slot.trailing,
      slot.placeholder,
      ...clusterSlots,
    ];
    this.bigramSlots = [slot.core, slot.shortShape, ...clusterSlots.slice(1, 2)];
  }

  private atoms(token: string): Uint32Array {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const atoms = new Uint32Array(this.atomCount);
    const lower = token.toLowerCase();
    const core = normaliseWord(token);
    const shape = wordShape(token);
    const first = token[0] ?? "";
    const last = token[token.length - 1] ?? "";
    const isPunctuation = /^[\p{P}\p{S}]+$/u.test(token);
    const flags = [
      /^\p{Lu}/u.test(token) ? "C" : "",
      token.length > 1 && token === token.toUpperCase() && /\p{Lu}/u.test(token) ? "A" : "",
      /\d/.test(token) ? "D" : "",
      isPunctuation ? "P" : "",
      token.includes("-") ? "H" : "",
      token.includes("/") ? "S" : "",
    ].join("");
    atoms[slot.word] = hashString(token, 1);
    atoms[slot.lower] = hashString(lower, 2);
    atoms[slot.core] = hashString(core, 3);
    atoms[slot.shape] = hashString(shape.slice(0, 12), 4);
    atoms[slot.shortShape] = hashString(shortShape(shape), 5);
    atoms[slot.flags] = hashString(flags, 6);
    atoms[slot.trailing] = !isPunctuation && /[\p{P}\p{S}]/u.test(last) ? hashString(last, 7) : 0;
    atoms[slot.leading] = !isPunctuation && /[\p{P}\p{S}]/u.test(first) ? hashString(first, 8) : 0;
    atoms[slot.length] = hashString(String(Math.min(core.length, 12)), 9);
    atoms[slot.placeholder] = token.startsWith("<") && token.endsWith(">") ? hashString("ph", 10) : 0;
    const { affixLength } = this.settings;
    for (let length = 1; length <= affixLength; length++) {
      if (core.length < length) break;
      atoms[slot.firstAffix + length - 1] = hashString(core.slice(0, length), 20 + length);
      atoms[slot.firstAffix + affixLength + length - 1] = hashString(core.slice(-length), 40 + length);
    }
    if (this.clusters) {
      const path = this.clusters.get(core);
      if (path !== undefined) {
        this.settings.clusterDepths.forEach((depth, index) => {
          atoms[this.clusterSlot + index] = hashString(path.slice(0, depth), 60 + index);
        });
      }
    }
    if (this.cache.size > 500_000) this.cache.clear();
    this.cache.set(token, atoms);
    return atoms;
  }

  /** Hashed character n-grams of the normalised word, word edges marked, each length its own template. */
  private ngrams(token: string): Uint32Array {
    const cached = this.ngramCache.get(token);
    if (cached) return cached;
    const marked = `^${normaliseWord(token)}$`;
    const hashes: number[] = [];
    for (const length of this.settings.charNgrams) {
      for (let start = 0; start + length <= marked.length; start++)
        hashes.push(hashString(marked.slice(start, start + length), 80 + length));
    }
    const ngrams = Uint32Array.from(hashes);
    if (this.ngramCache.size > 500_000) this.ngramCache.clear();
    this.ngramCache.set(token, ngrams);
    return ngrams;
  }

  /**
   * Ids are written into one growing buffer through a method rather than a closure and a number[]
   * per sentence: those allocations were a visible share of prediction time. The ids and their order
   * are what they always were (the model's weights depend on them).
   */
  private buffer = new Uint32Array(4096);
  private length = 0;

  private push(id: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = id;
  }

  private add(template: number, value: number): void {
    if (value !== 0) this.push(combineHash(template, value));
  }

  extract(tokens: readonly string[]): SentenceFeatures {
    const count = tokens.length;
    const { window, bigrams, charNgrams } = this.settings;
    const padded: Uint32Array[] = [];
    for (let offset = window; offset > 0; offset--) padded.push(this.atoms(beginPadding));
    for (const token of tokens) padded.push(this.atoms(token));
    for (let offset = 0; offset < window; offset++) padded.push(this.atoms(endPadding));
    const marks = this.lexicon ? this.lexicon.mark(tokens.map(normaliseWord)) : undefined;
    const offsets = new Uint32Array(count + 1);
    const { neighbourSlots, bigramSlots } = this;
    this.length = 0;
    for (let position = 0; position < count; position++) {
      offsets[position] = this.length;
      const own = padded[position + window] as Uint32Array;
      this.push(biasFeatureId);
      for (let index = 0; index < own.length; index++) this.add(100 + index, own[index] as number);
      if (charNgrams.length > 0)
        for (const ngram of this.ngrams(tokens[position] as string)) this.add(7000, ngram);
      for (let offset = -window; offset <= window; offset++) {
        if (offset === 0) continue;
        const other = padded[position + window + offset] as Uint32Array;
        for (let slotIndex = 0; slotIndex < neighbourSlots.length; slotIndex++) {
          const index = neighbourSlots[slotIndex] as number;
          this.add(1000 + (offset + 8) * 100 + index, other[index] as number);
        }
        if (offset === 1 || offset === -1) this.add(3000 + offset, other[slot.lower] as number);
      }
      if (bigrams) {
        const previous = padded[position + window - 1] ?? own;
        const next = padded[position + window + 1] ?? own;
        for (let side = 0; side < 2; side++) {
          const left = side === 0 ? previous : own;
          const right = side === 0 ? own : next;
          for (let slotIndex = 0; slotIndex < bigramSlots.length; slotIndex++) {
            const index = bigramSlots[slotIndex] as number;
            this.add(4000 + side * 100 + index, combineHash(left[index] as number, right[index] as number));
          }
        }
        this.add(4500, combineHash(previous[slot.core] as number, next[slot.core] as number));
      }
      this.add(5000, position === 0 ? firstHash : position === 1 ? secondHash : laterHash);
      this.add(5001, position === count - 1 ? 1 : 2);
      this.add(5002, 1 + Math.floor((5 * position) / count));
      this.add(5003, count < 5 ? 1 : count < 10 ? 2 : count < 20 ? 3 : count < 40 ? 4 : 5);
      if (marks) {
        const mark = marks[position] as number;
        this.add(6000, mark + 1);
        this.add(6001, ((marks[position - 1] ?? 3) as number) + 1);
        this.add(6002, ((marks[position + 1] ?? 3) as number) + 1);
        if (mark !== 0) this.add(6003 + mark, own[slot.core] as number);
      }
    }
    offsets[count] = this.length;
    return { ids: this.buffer.slice(0, this.length), offsets };
  }
}
