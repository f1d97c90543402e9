import { z } from "zod";
import { phraseWords } from "./features.ts";

export const neighbourVoteConfigSchema = z.object({
  /** Neighbours that vote. */
  k: z.number().int().positive(),
  /** A neighbour of the boosted class (class 1, e.g. Soft) counts this many times: it is rare in ESCO. */
  boost: z.number().positive(),
  /** Weight of the regression's probability against the neighbours' share (0 = neighbours only). */
  mix: z.number().min(0).max(1),
  /** Class 1 when mix·p + (1 − mix)·share exceeds this. */
  threshold: z.number().min(0).max(1),
  /** Words are compared by their first `prefix` characters (a crude stem: "collaborat…"). */
  prefix: z.number().int().positive(),
});
export type NeighbourVoteConfig = z.infer<typeof neighbourVoteConfigSchema>;

/** Words that name no skill; the concept linker (concept-linker.ts) adds words of degree to them. */
export const phraseStopWords: readonly string[] = [
  "and",
  "or",
  "of",
  "in",
  "to",
  "the",
  "a",
  "an",
  "with",
  "for",
  "on",
  "at",
  "by",
  "as",
  "your",
  "our",
  "skill",
];
const stopWords = new Set(phraseStopWords);
/** "working" and "work", "motivated" and "motivate" share a stem; the prefix does the rest. */
function withoutInflection(word: string): string {
  const match = /^(.{4,}?)(?:ing|ed|ly)$/.exec(word);
  return match ? (match[1] as string) : word;
}

/** Stems shared by more phrases than this say little and cost much: they are not indexed. */
const MAX_POSTINGS = 3000;

/**
 * Nearest training phrases by idf-weighted cosine over word stems: what human annotators do when
 * they link an advert's phrase to the closest ESCO skill, and what the regression alone misses
 * when an advert words a skill differently from every label.
 */
export class NeighbourIndex {
  private readonly postings = new Map<string, { ids: Uint32Array; weights: Float32Array; idf: number }>();
  private readonly scores: Float64Array;

  constructor(
    readonly phrases: readonly string[],
    /** 1 for the boosted class, 0 otherwise. */
    readonly classes: Uint8Array,
    private readonly prefix: number,
  ) {
    const stemsOf = phrases.map((phrase) => this.stems(phrase));
    const documentFrequency = new Map<string, number>();
    for (const stems of stemsOf)
      for (const stem of stems) documentFrequency.set(stem, (documentFrequency.get(stem) ?? 0) + 1);
    const idf = (stem: string): number =>
      Math.log((phrases.length + 1) / ((documentFrequency.get(stem) ?? 0) + 1));
    const lists = new Map<string, { ids: number[]; weights: number[] }>();
    stemsOf.forEach((stems, id) => {
      const norm = Math.sqrt([...stems].reduce((sum, stem) => sum + idf(stem) ** 2, 0)) || 1;
      for (const stem of stems) {
        if ((documentFrequency.get(stem) ?? 0) > MAX_POSTINGS) continue;
        const list = lists.get(stem) ?? { ids: [], weights: [] };
        list.ids.push(id);
        list.weights.push(idf(stem) / norm);
        lists.set(stem, list);
      }
    });
    for (const [stem, list] of lists) {
      this.postings.set(stem, {
        ids: Uint32Array.from(list.ids),
        weights: Float32Array.from(list.weights),
        idf: idf(stem),
      });
    }
    this.scores = new Float64Array(phrases.length);
  }

  private stems(phrase: string): Set<string> {
    const stems = new Set<string>();
    for (const word of phraseWords(phrase))
      if (!stopWords.has(word)) stems.add(withoutInflection(word).slice(0, this.prefix));
    return stems;
  }

  /** The boosted class's share of the k nearest phrases' similarity (0 when nothing is near). */
  share(phrase: string, k: number, boost: number): number {
    const query = [...this.stems(phrase)]
      .map((stem) => this.postings.get(stem))
      .filter((list) => list !== undefined);
    if (query.length === 0) return 0;
    const norm = Math.sqrt(query.reduce((sum, list) => sum + list.idf ** 2, 0));
    const touched: number[] = [];
    for (const list of query) {
      const q = list.idf / norm;
      for (let i = 0; i < list.ids.length; i++) {
        const id = list.ids[i] as number;
        if (this.scores[id] === 0) touched.push(id);
        this.scores[id] = (this.scores[id] as number) + q * (list.weights[i] as number);
      }
    }
    // Partial selection of the k best; ties broken by id so results do not depend on order.
    const best: number[] = [];
    for (const id of touched) {
      if (best.length < k) best.push(id);
      else {
        let worst = 0;
        for (let j = 1; j < best.length; j++)
          if (this.less(best[j] as number, best[worst] as number)) worst = j;
        if (this.less(best[worst] as number, id)) best[worst] = id;
      }
    }
    let boosted = 0;
    let other = 0;
    for (const id of best) {
      const score = this.scores[id] as number;
      if (this.classes[id] === 1) boosted += score * boost;
      else other += score;
    }
    for (const id of touched) this.scores[id] = 0;
    return boosted + other === 0 ? 0 : boosted / (boosted + other);
  }

  /** a ranks below b: lower score, or equal score and higher id. */
  private less(a: number, b: number): boolean {
    const sa = this.scores[a] as number;
    const sb = this.scores[b] as number;
    return sa < sb || (sa === sb && a > b);
  }
}
