import { z } from "zod";
import { phraseWords } from "./features.ts";
import { phraseStopWords } from "./neighbour-vote.ts";

export const conceptLinkConfigSchema = z.object({
  /** Concepts that vote: the k most similar after the prior. */
  k: z.number().int().positive(),
  /** Similarity to a concept of class 1 (e.g. Soft) is multiplied by this before ranking and voting. */
  prior: z.number().positive(),
  /** Each voting concept counts with its similarity to this power: the nearest decide. */
  power: z.number().positive(),
  /** Class 1 when its share of the vote exceeds this. */
  threshold: z.number().min(0).max(1),
  /** Similarity to a derived variant of a concept's name counts this much (a real name counts 1). */
  variantScore: z.number().min(0).max(1),
});
export type ConceptLinkConfig = z.infer<typeof conceptLinkConfigSchema>;

/** One name of a concept: its label, an alt label, or a variant derived from them. */
export interface ConceptAlias {
  phrase: string;
  /** Index of the concept this name belongs to. */
  concept: number;
  /** 1 for a real name, `variantScore` for a derived variant. */
  derived: boolean;
}

/** Words that say how much of a skill, not which: "strong", "skills", "ability to". */
const fillerWords = new Set([
  ...phraseStopWords,
  "their",
  "my",
  "you",
  "we",
  "ability",
  "able",
  "strong",
  "good",
  "great",
  "excellent",
  "solid",
  "proven",
  "demonstrated",
  "very",
  "high",
  "highly",
]);

/**
 * A light, inflection-only stem: "working" = "work", "teams" = "team", "motivated" = "motivate".
 * Derivational suffixes stay ("dependency" is not "dependability", "integration" not "integrity",
 * "critical applications" not "think critically"): a full Porter stemmer merged such words and
 * typed SkillSpan knowledge spans soft (5.0% of them, against 3.4% with this stem, at the same
 * soft share on skill spans). Adjective forms of abstract nouns come from `phraseVariants`.
 */
export function lightStem(word: string): string {
  const match = /^(.{3,}?)(?:ing|ed|es|s|ly|e)$/.exec(word);
  return match ? (match[1] as string) : word;
}

/** Light stems of a phrase's content words; hyphenated words count as their parts. */
export function conceptStems(phrase: string): string[] {
  const stems = new Set<string>();
  for (const word of phraseWords(phrase)) {
    for (const part of word.split(/[-–]/)) {
      if (part.length === 0 || fillerWords.has(part)) continue;
      stems.add(lightStem(part));
    }
  }
  return [...stems];
}

/**
 * Links a phrase to the nearest concepts of a lexicon, as the annotators of ESCO-typed spans did
 * when they chose the ESCO skill an advert's phrase names, and lets the nearest concepts vote on
 * its class. Similarity is the idf-weighted cosine over light stems; a concept is as near as the
 * nearest of its names. With a lexicon as the teacher, each ESCO skill is a concept and its
 * names are its label, its alt labels and the variants `phraseVariants` derives from them.
 */
export class ConceptLinker {
  private readonly postings = new Map<string, { aliases: Uint32Array; weights: Float32Array; idf: number }>();
  private readonly aliasScores: Float64Array;
  private readonly conceptBest: Float64Array;

  constructor(
    readonly aliases: readonly ConceptAlias[],
    /** The class of each concept: 1 for the second label (Soft), 0 otherwise. */
    readonly conceptClasses: Uint8Array,
    readonly config: ConceptLinkConfig,
  ) {
    const stemsOf = aliases.map((alias) => conceptStems(alias.phrase));
    const documentFrequency = new Map<string, number>();
    for (const stems of stemsOf)
      for (const stem of stems) documentFrequency.set(stem, (documentFrequency.get(stem) ?? 0) + 1);
    const idf = (stem: string): number =>
      Math.log((aliases.length + 1) / ((documentFrequency.get(stem) ?? 0) + 1));
    const lists = new Map<string, { aliases: number[]; weights: number[] }>();
    stemsOf.forEach((stems, id) => {
      const norm = Math.sqrt(stems.reduce((sum, stem) => sum + idf(stem) ** 2, 0)) || 1;
      const scale = (aliases[id] as ConceptAlias).derived ? config.variantScore : 1;
      for (const stem of stems) {
        const list = lists.get(stem) ?? { aliases: [], weights: [] };
        list.aliases.push(id);
        list.weights.push((scale * idf(stem)) / norm);
        lists.set(stem, list);
      }
    });
    for (const [stem, list] of lists) {
      this.postings.set(stem, {
        aliases: Uint32Array.from(list.aliases),
        weights: Float32Array.from(list.weights),
        idf: idf(stem),
      });
    }
    this.aliasScores = new Float64Array(aliases.length);
    this.conceptBest = new Float64Array(conceptClasses.length);
  }

  /** The nearest concepts with their similarity after the prior, best first (ties by index). */
  nearest(phrase: string, k = this.config.k): { concept: number; score: number }[] {
    const query = conceptStems(phrase)
      .map((stem) => this.postings.get(stem))
      .filter((list) => list !== undefined);
    if (query.length === 0) return [];
    const norm = Math.sqrt(query.reduce((sum, list) => sum + list.idf ** 2, 0));
    const touched: number[] = [];
    for (const list of query) {
      const q = list.idf / norm;
      for (let i = 0; i < list.aliases.length; i++) {
        const id = list.aliases[i] as number;
        if (this.aliasScores[id] === 0) touched.push(id);
        this.aliasScores[id] = (this.aliasScores[id] as number) + q * (list.weights[i] as number);
      }
    }
    const concepts: number[] = [];
    for (const id of touched) {
      const concept = (this.aliases[id] as ConceptAlias).concept;
      const prior = this.conceptClasses[concept] === 1 ? this.config.prior : 1;
      const score = (this.aliasScores[id] as number) * prior;
      this.aliasScores[id] = 0;
      if (this.conceptBest[concept] === 0) concepts.push(concept);
      if (score > (this.conceptBest[concept] as number)) this.conceptBest[concept] = score;
    }
    // The k best by insertion into a short sorted list: far cheaper than sorting every concept
    // that shares a common stem ("manag", "develop").
    const ranked: { concept: number; score: number }[] = [];
    for (const concept of concepts) {
      const score = this.conceptBest[concept] as number;
      this.conceptBest[concept] = 0;
      if (ranked.length === k) {
        const last = ranked[k - 1] as { concept: number; score: number };
        if (score < last.score || (score === last.score && concept > last.concept)) continue;
        ranked.pop();
      }
      let at = ranked.length;
      while (at > 0) {
        const before = ranked[at - 1] as { concept: number; score: number };
        if (before.score > score || (before.score === score && before.concept < concept)) break;
        at--;
      }
      ranked.splice(at, 0, { concept, score });
    }
    return ranked;
  }

  /** Class 1's share of the nearest concepts' vote, or undefined when no concept shares a stem. */
  share(phrase: string): number | undefined {
    const nearest = this.nearest(phrase);
    let total = 0;
    let second = 0;
    for (const { concept, score } of nearest) {
      const vote = score ** this.config.power;
      total += vote;
      if (this.conceptClasses[concept] === 1) second += vote;
    }
    return total === 0 ? undefined : second / total;
  }
}
