/**
 * The dedup key of a skill phrase: lower case, one space between words, punctuation at word edges
 * removed (but `c#`, `c++` and `.net` keep theirs), and simple English plurals made singular.
 * "Team Players." and "team player" share a key, so a batch asks about them once.
 */
export function normaliseSkillPhrase(phrase: string): string {
  const words = phrase
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[()[\]{}"'“”‘’«»;:!?,/\\|]+/g, " ")
    .split(/\s+/)
    .map((word) => word.replace(/^[-–—.*•·]+(?=[a-z0-9])/u, (edge) => (edge === "." ? edge : "")))
    .map((word) => word.replace(/[-–—.*•·]+$/u, ""))
    .filter((word) => word.length > 0)
    .map(singularise);
  return words.join(" ");
}

/** Simple plurals only: "abilities" → "ability", "classes" → "class", "teams" → "team". */
export function singularise(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(sses|shes|ches|xes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(ss|us|is|os)$/.test(word)) return word.slice(0, -1);
  return word;
}
