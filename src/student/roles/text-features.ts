import { hashString } from "../tagger/hashing.ts";
import { addFeature, addFeatureId, type FeatureCounts } from "./sparse-index.ts";

/** Words that say nothing about an occupation. */
const stopWords = new Set(
  "a an and are as at be by for from in into is it of on or such than that the their them they this to use using with within without other others".split(
    " ",
  ),
);

/** Lower-cased words (letters and digits, keeping `+`, `#` and inner dots: C++, C#, ASP.NET). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}+#.]*/gu) ?? []).map((word) =>
    word.replace(/\.+$/, ""),
  );
}

/** A crude plural fold, so "databases" meets "database" (not a stemmer: "analysis" stays). */
function fold(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (
    word.length > 3 &&
    word.endsWith("s") &&
    !word.endsWith("ss") &&
    !word.endsWith("is") &&
    !word.endsWith("us")
  ) {
    return word.slice(0, -1);
  }
  return word;
}

/** Case and space normalised: how titles and skills are compared as wholes. */
export function normalisePhrase(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The lexical student's features of one skill phrase: its content words (plural-folded), adjacent
 * word pairs, and the whole phrase (so "Microsoft Excel" given as a skill meets the technology).
 */
export function addSkillFeatures(counts: FeatureCounts, phrase: string): void {
  const content = words(phrase)
    .filter((word) => !stopWords.has(word))
    .map(fold);
  for (const word of content) addFeature(counts, `w:${word}`);
  for (let i = 1; i < content.length; i++) addFeature(counts, `b:${content[i - 1]} ${content[i]}`);
  addFeature(counts, `p:${normalisePhrase(phrase)}`);
}

/** Technology phrases (hashed `phraseKey`) to their commodity feature (hashed `commodityFeature`). */
export type CommodityLookup = ReadonlyMap<number, number>;

/** How a technology name is looked up in a CommodityLookup. */
export const phraseKey = (phrase: string): number => hashString(normalisePhrase(phrase));

/** The feature a technology's commodity title adds to its occupation's document (and to a query naming it). */
export const commodityFeature = (commodity: string): number => hashString(`k:${normalisePhrase(commodity)}`);

/** A query's features: each skill's (addSkillFeatures), and the commodity of each skill that is a known technology. */
export function skillFeatures(phrases: readonly string[], commodities?: CommodityLookup): FeatureCounts {
  const counts: FeatureCounts = new Map();
  for (const phrase of phrases) {
    addSkillFeatures(counts, phrase);
    const commodity = commodities?.get(phraseKey(phrase));
    if (commodity !== undefined) addFeatureId(counts, commodity);
  }
  return counts;
}

/**
 * The title normaliser's features: character 3- to 5-grams of each word padded with spaces (so
 * "analyst" meets "analysts" and typos cost a few grams) and the words themselves.
 */
export function titleFeatures(title: string): FeatureCounts {
  const counts: FeatureCounts = new Map();
  for (const word of words(title)) {
    addFeature(counts, `w:${fold(word)}`);
    const padded = ` ${word} `;
    for (let n = 3; n <= 5; n++) {
      for (let start = 0; start + n <= padded.length; start++)
        addFeature(counts, `c:${padded.slice(start, start + n)}`);
    }
  }
  return counts;
}
