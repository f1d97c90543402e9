import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeWithShared } from "../../test/shared.ts";
import { createRandom, type Random } from "../core/random.ts";
import { alignQuote, alignQuotes, mergeAlignmentStats, prepareAlignmentSource } from "./align-quotes.ts";

const advert = [
  "Senior Backend Engineer (m/f/d)",
  "",
  "What you bring:",
  "• 5+ years of experience with Python",
  "• Strong project manage-",
  "ment skills",
  "• Knowledge of “clean code” – and R&amp;D&nbsp;processes",
  "• Experience with cloud platforms such as AWS or Azure.",
  "You know JavaScript and Java. Python is a must; Python 3.12 is a plus.",
  "We offer a team that values Python and craft.",
].join("\n");

interface HardCase {
  name: string;
  quote: string;
  expected: string | undefined;
  alignment?: "exact" | "normalised" | "fuzzy";
}

const hardCases: HardCase[] = [
  {
    name: "an exact quote",
    quote: "5+ years of experience with Python",
    expected: "5+ years of experience with Python",
  },
  {
    name: "a case difference",
    quote: "senior backend engineer",
    expected: "Senior Backend Engineer",
    alignment: "normalised",
  },
  {
    name: "line-break hyphenation",
    quote: "project management skills",
    expected: "project manage-\nment skills",
    alignment: "normalised",
  },
  {
    name: "curly quotes, dashes and entities written plainly",
    quote: 'Knowledge of "clean code" - and R&D processes',
    expected: "Knowledge of “clean code” – and R&amp;D&nbsp;processes",
    alignment: "normalised",
  },
  {
    name: "a quote spanning a line break and a bullet",
    quote: "Python Strong project",
    expected: "Python\n• Strong project",
    alignment: "normalised",
  },
  {
    name: "a quote with its bullet",
    quote: "• Strong project",
    expected: "• Strong project",
    alignment: "exact",
  },
  {
    name: "surrounding whitespace in the quote",
    quote: "  Java.  ",
    expected: "Java.",
    alignment: "exact",
  },
  {
    name: "a whole word over a word prefix",
    quote: "Java",
    expected: "Java",
    alignment: "exact",
  },
  {
    name: "a slightly paraphrased quote",
    quote: "experience with cloud platforms like AWS or Azure",
    expected: "Experience with cloud platforms such as AWS or Azure",
    alignment: "fuzzy",
  },
  {
    name: "a quote with a typo",
    quote: "knowledge of clean code and R&D procesess",
    expected: "Knowledge of “clean code” – and R&amp;D&nbsp;processes",
    alignment: "fuzzy",
  },
  {
    name: "a quote with an ellipsis",
    quote: "Experience with cloud platforms … Azure.",
    expected: "Experience with cloud platforms such as AWS or Azure.",
    alignment: "fuzzy",
  },
  {
    name: "a quote with a bracketed ellipsis across lines",
    quote: "5+ years of experience [...] project management skills",
    expected: "5+ years of experience with Python\n• Strong project manage-\nment skills",
    alignment: "fuzzy",
  },
  { name: "an ellipsis joining pieces in the wrong order", quote: "Azure ... 5+ years", expected: undefined },
  {
    name: "a quote in markdown emphasis",
    quote: "**Strong project management skills**",
    expected: "Strong project manage-\nment skills",
    alignment: "normalised",
  },
  { name: "a quote not in the text", quote: "fluent Mandarin", expected: undefined },
  { name: "an empty quote", quote: "   ", expected: undefined },
  { name: "punctuation only", quote: "•", expected: "•", alignment: "exact" },
  { name: "punctuation missing from the text", quote: "—?!", expected: undefined },
];

describe("alignQuote", () => {
  it.each(hardCases)("aligns $name", ({ quote, expected, alignment }) => {
    const result = alignQuote(advert, quote);
    if (expected === undefined) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/\w/);
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.text).toBe(expected);
    expect(advert.slice(result.start, result.end)).toBe(expected);
    if (alignment) expect(result.alignment).toBe(alignment);
  });

  it("reports the closest similarity when a quote is only roughly there", () => {
    const result = alignQuote(advert, "experience with platforms such as GCP or Oracle");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/similar, below 0\.8/);
  });

  it("honours the fuzzy switch and threshold", () => {
    const paraphrase = "experience with cloud platforms like AWS or Azure";
    expect(alignQuote(advert, paraphrase, { fuzzy: false }).ok).toBe(false);
    expect(alignQuote(advert, paraphrase, { fuzzyThreshold: 0.95 }).ok).toBe(false);
    expect(alignQuote(advert, paraphrase, { fuzzyThreshold: 0.6 }).ok).toBe(true);
  });

  it("uses context hints to pick among repeated phrases", () => {
    const second = advert.indexOf("Python is a must");
    const third = advert.indexOf("Python 3.12");
    const fourth = advert.indexOf("Python and craft");
    expect(alignQuote(advert, "Python", { contextAfter: "3.12 is a plus" })).toMatchObject({ start: third });
    expect(alignQuote(advert, "Python", { contextBefore: "values" })).toMatchObject({ start: fourth });
    expect(alignQuote(advert, "python", { contextAfter: "is a must" })).toMatchObject({ start: second });
  });

  it("prefers the first occurrence at or after `after`, and free ones over taken ones", () => {
    const first = advert.indexOf("Python");
    const second = advert.indexOf("Python is a must");
    const third = advert.indexOf("Python 3.12");
    expect(alignQuote(advert, "Python")).toMatchObject({ start: first });
    expect(alignQuote(advert, "Python", { after: first + 1 })).toMatchObject({ start: second });
    expect(alignQuote(advert, "Python", { taken: [{ start: first, end: first + 6 }] })).toMatchObject({
      start: second,
    });
    expect(
      alignQuote(advert, "Python", {
        after: 0,
        taken: [
          { start: first, end: first + 6 },
          { start: second, end: second + 6 },
        ],
      }),
    ).toMatchObject({ start: third });
  });

  it("accepts a prepared source", () => {
    const prepared = prepareAlignmentSource(advert);
    expect(alignQuote(prepared, "JAVASCRIPT")).toMatchObject({ text: "JavaScript", alignment: "normalised" });
  });
});

describe("alignQuotes", () => {
  it("gives repeated quotes of a label successive occurrences, in document order", () => {
    const result = alignQuotes(advert, [
      { label: "hard_skills", quote: "Python" },
      { label: "hard_skills", quote: "JavaScript" },
      { label: "hard_skills", quote: "Python" },
      { label: "hard_skills", quote: "Python" },
      { label: "soft_skills", quote: "JavaScript" },
    ]);
    const starts = result.spans
      .filter((s) => s.label === "hard_skills" && s.text === "Python")
      .map((s) => s.start);
    expect(starts).toEqual([
      advert.indexOf("Python"),
      advert.indexOf("Python is a must"),
      advert.indexOf("Python 3.12"),
    ]);
    // Another label may claim the same words.
    expect(result.spans.find((s) => s.label === "soft_skills")?.start).toBe(advert.indexOf("JavaScript"));
    expect(result.stats).toEqual({ exact: 5, normalised: 0, fuzzy: 0, unaligned: 0, total: 5 });
  });

  it("keeps unaligned and empty quotes with reasons and attrs, and counts every quote", () => {
    const result = alignQuotes(advert, [
      { label: "hard_skills", quote: "AWS", attrs: { requirement: "must" } },
      { label: "hard_skills", quote: "COBOL", attrs: { requirement: "nice" } },
      { label: "education", quote: "" },
      { label: "soft_skills", quote: "PROJECT MANAGEMENT SKILLS" },
      { label: "hard_skills", quote: "experience with cloud platforms like AWS or Azure" },
    ]);
    expect(result.spans.map((s) => [s.label, s.text, s.alignment])).toEqual([
      ["soft_skills", "project manage-\nment skills", "normalised"],
      ["hard_skills", "Experience with cloud platforms such as AWS or Azure", "fuzzy"],
      ["hard_skills", "AWS", "exact"],
    ]);
    expect(result.spans.find((s) => s.text === "AWS")?.attrs).toEqual({ requirement: "must" });
    expect(result.unaligned).toEqual([
      { label: "hard_skills", quote: "COBOL", reason: expect.any(String), attrs: { requirement: "nice" } },
      { label: "education", quote: "", reason: "empty quote" },
    ]);
    expect(result.stats).toEqual({ exact: 1, normalised: 1, fuzzy: 1, unaligned: 2, total: 5 });
  });

  it("uses the previous quote of any label when the label's own history does not decide", () => {
    const result = alignQuotes(advert, [
      { label: "soft_skills", quote: "You know JavaScript" },
      { label: "hard_skills", quote: "Python" },
    ]);
    expect(result.spans.find((s) => s.label === "hard_skills")?.start).toBe(
      advert.indexOf("Python is a must"),
    );
  });

  it("makes one span when a quote is repeated but occurs once", () => {
    const result = alignQuotes(advert, [
      { label: "hard_skills", quote: "JavaScript" },
      { label: "hard_skills", quote: "JavaScript" },
    ]);
    expect(result.spans).toHaveLength(1);
    expect(result.stats.exact).toBe(2);
  });

  it("uses per-quote context hints", () => {
    const result = alignQuotes(advert, [{ label: "hard_skills", quote: "Python", contextBefore: "values" }]);
    expect(result.spans[0]?.start).toBe(advert.indexOf("Python and craft"));
  });

  it("merges stats", () => {
    const a = { exact: 1, normalised: 2, fuzzy: 3, unaligned: 4, total: 10 };
    expect(mergeAlignmentStats(a, a, mergeAlignmentStats())).toEqual({
      exact: 2,
      normalised: 4,
      fuzzy: 6,
      unaligned: 8,
      total: 20,
    });
  });

  it("aligns 20 quotes in a 600-word advert, the same way every time (its speed: bench/align.ts)", () => {
    const random = createRandom(3);
    const vocabulary =
      "python sql docker team agile experience with strong skills in the of and years cloud".split(" ");
    const words = Array.from({ length: 600 }, () => vocabulary[random.int(vocabulary.length)] ?? "x");
    const text = words.map((word, i) => (i % 12 === 11 ? `${word}.\n•` : word)).join(" ");
    const quotes = Array.from({ length: 20 }, (_, i) => {
      const from = random.int(590);
      const slice = words.slice(from, from + 2 + random.int(6)).join(" ");
      // A third exact, a third upper-cased (normalised), a third with a word swapped (fuzzy or not found).
      const quote = i % 3 === 0 ? slice : i % 3 === 1 ? slice.toUpperCase() : `${slice} zebra`;
      return { label: `label${i % 4}`, quote };
    });
    const first = alignQuotes(text, quotes);
    expect(first.spans.length).toBeGreaterThan(0);
    expect(alignQuotes(text, quotes)).toEqual(first);
  });
});

describe("alignQuote at its boundaries", () => {
  const cloud = "experience with cloud computing";
  const paraphrase = "experience with cloud platforms";

  it("accepts a fuzzy window whose similarity equals the threshold, and not one just below it", () => {
    // One substituted word of four: 1 - 1/4 = 0.75, exactly representable.
    expect(alignQuote(cloud, paraphrase, { fuzzyThreshold: 0.75 })).toEqual({
      ok: true,
      start: 0,
      end: 31,
      text: cloud,
      alignment: "fuzzy",
      similarity: 0.75,
    });
    expect(alignQuote(cloud, paraphrase, { fuzzyThreshold: 0.75 + Number.EPSILON })).toEqual({
      ok: false,
      reason: "not found in the text (closest words are 0.75 similar, below 0.7500000000000002)",
    });
    expect(alignQuote(cloud, paraphrase)).toEqual({
      ok: false,
      reason: "not found in the text (closest words are 0.75 similar, below 0.8)",
    });
  });

  it("takes a changed last word as a substitution, not as a missing word, when both score the same", () => {
    // "… cloud computing" (one substitution) and "… cloud" (one missing word) are both 0.75.
    expect(alignQuote(cloud, paraphrase, { fuzzyThreshold: 0.7 })).toMatchObject({ start: 0, end: 31 });
  });

  it("says why a quote is not found", () => {
    expect(alignQuote("abc", "fluent Mandarin")).toEqual({ ok: false, reason: "not found in the text" });
    expect(alignQuote("abc", "—?!")).toEqual({ ok: false, reason: "quote has no letters or digits" });
    expect(alignQuote(cloud, paraphrase, { fuzzy: false })).toEqual({
      ok: false,
      reason: "not found in the text",
    });
    expect(alignQuote(cloud, "   ")).toEqual({ ok: false, reason: "empty quote" });
  });

  it("prefers occurrences starting exactly at `after` or `weakAfter`, not only after them", () => {
    const second = advert.indexOf("Python is a must");
    const third = advert.indexOf("Python 3.12");
    expect(alignQuote(advert, "Python", { after: second })).toMatchObject({ start: second });
    expect(alignQuote(advert, "Python", { after: second + 1 })).toMatchObject({ start: third });
    expect(alignQuote(advert, "Python", { weakAfter: second })).toMatchObject({ start: second });
    expect(alignQuote(advert, "Python", { weakAfter: second + 1 })).toMatchObject({ start: third });
  });

  it("treats a taken range that only touches an occurrence as free, and a one-character overlap as taken", () => {
    const source = "Python Python";
    // The second occurrence [7, 13) starts where the taken range ends.
    expect(alignQuote(source, "Python", { taken: [{ start: 0, end: 7 }] })).toMatchObject({ start: 7 });
    // Overlapping by one character, both are taken: the first wins as if nothing were taken.
    expect(alignQuote(source, "Python", { taken: [{ start: 0, end: 8 }] })).toMatchObject({ start: 0 });
    // The first occurrence [0, 6) ends where the taken range starts: free, so it beats `after`.
    expect(alignQuote(source, "Python", { after: 7, taken: [{ start: 6, end: 13 }] })).toMatchObject({
      start: 0,
    });
    expect(alignQuote(source, "Python", { after: 7, taken: [{ start: 5, end: 13 }] })).toMatchObject({
      start: 7,
    });
  });

  it("lets repeated quotes of a label claim touching occurrences", () => {
    const result = alignQuotes("5+5+", [
      { label: "years", quote: "5+" },
      { label: "years", quote: "5+" },
    ]);
    expect(result.spans).toStrictEqual([
      { start: 0, end: 2, label: "years", text: "5+", alignment: "exact" },
      { start: 2, end: 4, label: "years", text: "5+", alignment: "exact" },
    ]);
  });

  it("judges word edges only where the quote itself begins or ends with a letter or digit", () => {
    // ".NET" may follow a letter ("ASP.NET"); "C++" may precede a digit ("C++11").
    expect(alignQuote("ASP.NET or .NET", ".NET")).toMatchObject({ start: 3, alignment: "exact" });
    expect(alignQuote("C++11 and C++", "C++")).toMatchObject({ start: 0, alignment: "exact" });
    // "Java" inside "JavaScript" and "Script" inside it are cut words; the whole word wins even taken.
    expect(alignQuote("JavaScript Java", "Java", { taken: [{ start: 11, end: 15 }] })).toMatchObject({
      start: 11,
    });
    expect(alignQuote("JavaScript, Script", "Script")).toMatchObject({ start: 12 });
  });

  it("keeps an exact match inside a word over a folded one inside a word, but not over a whole folded word", () => {
    expect(alignQuote("excellent Excellent", "excel")).toEqual({
      ok: true,
      start: 0,
      end: 5,
      text: "excel",
      alignment: "exact",
      similarity: 1,
    });
    expect(alignQuote("Excellent", "EXCEL")).toMatchObject({ start: 0, end: 5, alignment: "normalised" });
    expect(alignQuote("excellent Excel", "excel")).toMatchObject({ start: 10, alignment: "normalised" });
  });

  it("ranks free occurrences above more similar ones, and similarity above context", () => {
    const source = "Strong SQL skills. Strong SQL skill.";
    expect(alignQuote(source, "strong sql skills!")).toEqual({
      ok: true,
      start: 0,
      end: 17,
      text: "Strong SQL skills",
      alignment: "fuzzy",
      similarity: 1,
    });
    expect(alignQuote(source, "strong sql skills!", { taken: [{ start: 0, end: 17 }] })).toEqual({
      ok: true,
      start: 19,
      end: 35,
      text: "Strong SQL skill",
      alignment: "fuzzy",
      similarity: 1 - 0.35 / 3,
    });
    expect(alignQuote(source, "strong sql skills!", { contextBefore: "skills." })).toMatchObject({
      start: 0,
    });
  });

  it("ranks context above `after`, and counts agreeing context characters up to the first difference", () => {
    const second = advert.indexOf("Python is a must");
    const third = advert.indexOf("Python 3.12");
    expect(alignQuote(advert, "Python", { contextAfter: "is a must", after: third })).toMatchObject({
      start: second,
    });
    // "in" agrees twice before the first "Go" (back to the text's first character), once before
    // the second ("an"): two beats one, whatever `after` says.
    expect(alignQuote("in Go, an Go", "Go", { contextBefore: "in", after: 4 })).toMatchObject({ start: 3 });
    expect(alignQuote("in Go, an Go", "Go", { contextBefore: "xn", after: 4 })).toMatchObject({ start: 10 });
    // After the quote: "and" agrees three times after the second "Go" (up to the text's end), twice
    // after the first; "an," three times after the first, twice after the second.
    expect(alignQuote("Go an, Go and", "Go", { contextAfter: "and" })).toMatchObject({ start: 7 });
    expect(alignQuote("Go an, Go and", "Go", { contextAfter: "an,", after: 7 })).toMatchObject({ start: 0 });
  });

  it("counts no context beyond either end of the text", () => {
    // "xin" agrees three times before the second "Go", only twice ("in") before the first, where the
    // text begins; likewise "anx" twice after each "Go", where the second meets the text's end.
    expect(alignQuote("in Go, xin Go", "Go", { contextBefore: "xin" })).toMatchObject({ start: 11 });
    expect(alignQuote("Go and, Go an", "Go", { contextAfter: "anx" })).toMatchObject({ start: 0 });
  });

  it("skips one space between the quote and its context, and nothing else", () => {
    // ", and" agrees in full after the second "Go" only because the comma is not skipped.
    expect(alignQuote("Go, an Go, and", "Go", { contextAfter: ", and" })).toMatchObject({ start: 7 });
  });

  it("skips one space between its context and the quote, and nothing else", () => {
    // "and(" agrees in full before the second "Go" only because the bracket is not skipped.
    expect(alignQuote("Go, and(Go", "Go", { contextBefore: "and(" })).toMatchObject({ start: 8 });
  });

  it("weighs context before and after together, even when both hints are as long", () => {
    const fourth = advert.indexOf("Python and craft");
    expect(alignQuote(advert, "Python", { contextBefore: "values", contextAfter: "and cr" })).toMatchObject({
      start: fourth,
    });
  });

  it("ignores a context hint that folds to nothing", () => {
    const second = advert.indexOf("Python is a must");
    // A soft hyphen is not whitespace, but folding drops it: no context, so `after` decides.
    expect(alignQuote(advert, "Python", { contextBefore: "\u00ad", after: second })).toMatchObject({
      start: second,
    });
  });

  it("looks only before the quote for a lone contextBefore hint", () => {
    // "in" agrees twice before each "Go"; what follows the second ("stays") must not count.
    expect(alignQuote("in Go, in Go stays", "Go", { contextBefore: "in" })).toMatchObject({ start: 3 });
  });

  it("looks only after the quote for a lone contextAfter hint", () => {
    // Whatever comes before the first "Go" ("Nice!") must not count: "and" agrees more after the second.
    expect(alignQuote("Nice! Go an, Go and", "Go", { contextAfter: "and" })).toMatchObject({ start: 13 });
  });

  it("matches a quote without letters or digits only exactly, never folded", () => {
    expect(alignQuote("wait –?! ok", "—?!")).toEqual({ ok: false, reason: "quote has no letters or digits" });
    expect(alignQuote("wait –?! ok", "–?!")).toMatchObject({
      ok: true,
      start: 5,
      end: 8,
      alignment: "exact",
    });
  });

  it("judges the word edge before a quote that opens with a non-ASCII mark by that mark alone", () => {
    // "“" is no letter, so the "a" before the first occurrence does not cut a word.
    expect(alignQuote("a“clean” and “clean”", "“clean”")).toMatchObject({ start: 1, end: 8 });
  });

  it("takes along every mark a fuzzy quote opens and closes with, and only those at its ends", () => {
    expect(
      alignQuote('Brokers ("Kafka, RabitMQ or NATS") are used.', '("Kafka, RabbitMQ or NATS")'),
    ).toMatchObject({
      start: 8,
      end: 34,
      text: '("Kafka, RabitMQ or NATS")',
    });
    // The comma inside the quote is no opening mark, though the text has one before "Kafka".
    expect(alignQuote("Tools,Kafka, RabitMQ", "Kafka, RabbitMQ")).toMatchObject({ start: 6, end: 20 });
  });

  it("takes along the brackets a fuzzy quote opens and closes with only where the text has them", () => {
    const quote = "(Kafka, RabbitMQ or NATS)";
    expect(alignQuote("Message queues (Kafka, RabitMQ or NATS) are used.", quote)).toEqual({
      ok: true,
      start: 15,
      end: 39,
      text: "(Kafka, RabitMQ or NATS)",
      alignment: "fuzzy",
      similarity: 1 - 0.35 / 4,
    });
    expect(alignQuote("Message queues Kafka, RabitMQ or NATS are used.", quote)).toMatchObject({
      start: 15,
      end: 37,
      text: "Kafka, RabitMQ or NATS",
    });
  });
});

describe("alignQuote with an ellipsis", () => {
  const quote = "design pipelines … in Python";
  /** "design pipelines", `gap` characters of other words, "in Python". */
  const withGap = (gap: number): string =>
    `design pipelines${" lorem".repeat(60).slice(0, gap - 1)} in Python`;

  it("accepts pieces up to 300 characters apart, and not 301", () => {
    const near = withGap(300);
    expect(near.indexOf("in Python") - "design pipelines".length).toBe(300);
    // Similarity is the share of the span the pieces cover: (16 + 9) / 325.
    expect(alignQuote(near, quote)).toEqual({
      ok: true,
      start: 0,
      end: 325,
      text: near,
      alignment: "fuzzy",
      similarity: 25 / 325,
    });
    expect(alignQuote(withGap(301), quote)).toEqual({
      ok: false,
      reason: "not found in the text (closest words are 0.50 similar, below 0.8)",
    });
  });

  it("measures each gap from the piece before, not from the first", () => {
    const source = `alpha${" x".repeat(100)} beta${" y".repeat(100)} gamma`;
    expect(alignQuote(source, "alpha … beta … gamma")).toMatchObject({
      ok: true,
      start: 0,
      end: source.length,
      similarity: 14 / source.length,
    });
  });

  it("passes over an occurrence of a middle piece that is too far from the next piece", () => {
    // The first "beta" follows "alpha" at once but lies 528 characters before "gamma"; the second
    // lies 246 characters after "alpha" and 281 before "gamma".
    const source = `alpha beta${" x".repeat(120)} beta${" y".repeat(140)} gamma`;
    expect(alignQuote(source, "alpha … beta … gamma")).toEqual({
      ok: true,
      start: 0,
      end: source.length,
      text: source,
      alignment: "fuzzy",
      similarity: 14 / source.length,
    });
  });

  it("passes over a middle occurrence whose only way on is through a dead end", () => {
    // beta@6 → gamma@91 only, and gamma@91 is too far from delta; beta@237 → gamma@342 → delta.
    const source = `alpha beta${" x".repeat(40)} gamma${" y".repeat(70)} beta${" z".repeat(50)} gamma${" w".repeat(100)} delta`;
    expect(source.indexOf("beta", 10)).toBe(237);
    expect(alignQuote(source, "alpha … beta … gamma … delta")).toMatchObject({
      ok: true,
      start: 0,
      end: source.length,
      similarity: 19 / source.length,
    });
  });

  it("needs only one way on from a middle occurrence, not every one", () => {
    // The "gamma" before "alpha" cannot follow either "beta"; the last one can follow the second.
    const source = `gamma; alpha beta${" x".repeat(120)} beta${" y".repeat(140)} gamma`;
    expect(alignQuote(source, "alpha … beta … gamma")).toMatchObject({
      ok: true,
      start: 7,
      end: source.length,
    });
  });

  // A threshold no word window can reach: only the pieces can match.
  const piecesOnly = { fuzzyThreshold: 2 };

  it("lets a piece start where the one before ends, but not inside it", () => {
    expect(alignQuote("Python,SQL", "Python … ,SQL", piecesOnly)).toMatchObject({
      ok: true,
      start: 0,
      end: 10,
      similarity: 1,
    });
    expect(alignQuote("Python SQL", "Python … thon SQL", piecesOnly)).toMatchObject({ ok: false });
  });

  it.each([
    "Python ... SQL",
    "Python … SQL",
    "Python...SQL",
    "Python ..... SQL",
    "Python [...] SQL",
    "Python […] SQL",
    "Python [ … ] SQL",
    "Python (...) SQL",
    "Python ( ... ) SQL",
    "Python … ! … SQL",
  ])("reads %j as pieces around an ellipsis, ignoring pieces without letters", (elided) => {
    expect(alignQuote("Python and SQL", elided, piecesOnly)).toEqual({
      ok: true,
      start: 0,
      end: 14,
      text: "Python and SQL",
      alignment: "fuzzy",
      similarity: 9 / 14,
    });
  });

  it("does not read two dots or a lone piece as an ellipsis", () => {
    expect(alignQuote("Python and SQL", "Python .. SQL", piecesOnly)).toMatchObject({ ok: false });
    expect(alignQuote("Python and SQL", "… and SQL", piecesOnly)).toMatchObject({ ok: false });
  });

  it("takes each piece's first occurrence in text order, exact or folded", () => {
    expect(alignQuote("design pipelines in PYTHON and in Python", quote)).toMatchObject({
      start: 0,
      end: 26,
      text: "design pipelines in PYTHON",
      similarity: 25 / 26,
    });
  });

  it("prefers pieces on word edges at both ends", () => {
    const source = "design pipelines in Pythonic code; design pipelines in Python";
    expect(alignQuote(source, "design … Python")).toMatchObject({ start: 35, end: 61, similarity: 12 / 26 });
    expect(
      alignQuote("xdesign pipelines in Python; design pipelines in Python", "design … Python"),
    ).toMatchObject({ start: 29 });
  });
});

describe("alignQuotes bookkeeping", () => {
  it("sorts spans by start, then end, then label, without attrs they were not given", () => {
    const result = alignQuotes("Python 3.12 is a plus", [
      { label: "b", quote: "Python 3.12" },
      { label: "a", quote: "Python 3.12" },
      { label: "a", quote: "Python" },
    ]);
    expect(result.spans).toStrictEqual([
      { start: 0, end: 6, label: "a", text: "Python", alignment: "exact" },
      { start: 0, end: 11, label: "a", text: "Python 3.12", alignment: "exact" },
      { start: 0, end: 11, label: "b", text: "Python 3.12", alignment: "exact" },
    ]);
    expect(result.unaligned).toStrictEqual([]);
  });

  it("sorts spans on the same range by label whatever order the quotes came in", () => {
    const orders = [
      ["a", "b", "c"],
      ["a", "c", "b"],
      ["b", "a", "c"],
      ["b", "c", "a"],
      ["c", "a", "b"],
      ["c", "b", "a"],
    ];
    for (const order of orders) {
      const result = alignQuotes(
        "Python 3.12",
        order.map((label) => ({ label, quote: "Python 3.12" })),
      );
      expect(result.spans.map((s) => s.label)).toEqual(["a", "b", "c"]);
    }
  });

  it("adds a second span of a label that ends where the first ends but starts elsewhere", () => {
    const result = alignQuotes("Python 3.12 is a plus", [
      { label: "a", quote: "Python 3.12" },
      { label: "a", quote: "3.12" },
    ]);
    expect(result.spans.map((s) => [s.start, s.end])).toEqual([
      [0, 11],
      [7, 11],
    ]);
  });

  it("prefers occurrences after the label's previous quote over those after any label's", () => {
    // hard_skills last quoted the third "Python"; soft_skills quoted "JavaScript" since. The third is
    // taken, so hard_skills gets the fourth, not the second (which is only after "JavaScript").
    const result = alignQuotes(advert, [
      { label: "hard_skills", quote: "Python 3.12" },
      { label: "soft_skills", quote: "JavaScript" },
      { label: "hard_skills", quote: "Python" },
    ]);
    expect(result.spans.filter((s) => s.label === "hard_skills").map((s) => s.start)).toEqual([
      advert.indexOf("Python 3.12"),
      advert.indexOf("Python and craft"),
    ]);
  });

  it("does not let an unaligned quote move the preference for later quotes", () => {
    const result = alignQuotes(advert, [
      { label: "soft_skills", quote: "You know JavaScript" },
      { label: "hard_skills", quote: "COBOL" },
      { label: "hard_skills", quote: "Python" },
    ]);
    expect(result.spans.find((s) => s.label === "hard_skills")?.start).toBe(
      advert.indexOf("Python is a must"),
    );
    expect(result.stats).toEqual({ exact: 2, normalised: 0, fuzzy: 0, unaligned: 1, total: 3 });
  });

  it("uses per-quote contextAfter hints and counts each alignment kind", () => {
    const result = alignQuotes(advert, [
      { label: "hard_skills", quote: "python", contextAfter: "3.12" },
      { label: "hard_skills", quote: "Java" },
      { label: "hard_skills", quote: "experience with cloud platforms like AWS or Azure" },
    ]);
    expect(result.spans.map((s) => [s.start, s.alignment])).toEqual([
      [advert.indexOf("Experience with cloud"), "fuzzy"],
      [advert.indexOf("Java."), "exact"],
      [advert.indexOf("Python 3.12"), "normalised"],
    ]);
    expect(result.stats).toEqual({ exact: 1, normalised: 1, fuzzy: 1, unaligned: 0, total: 3 });
  });
});

/** A random perturbation a teacher might apply when copying `quote`. */
function perturb(quote: string, random: Random): string {
  switch (random.int(6)) {
    case 0:
      return quote;
    case 1:
      return quote.toUpperCase();
    case 2:
      return quote.replace(/\s+/g, "  ");
    case 3:
      return ` ${quote.toLowerCase()}\n`;
    case 4:
      return quote.replace(/[–—]/g, "-").replace(/[“”]/g, '"').replace(/&amp;/g, "&");
    default:
      return quote.replace(/\n/g, " ");
  }
}

function randomText(random: Random): string {
  const pieces = [
    "Python",
    "python",
    "SQL",
    "team",
    "agile",
    "e-mail",
    "R&amp;D",
    "“clean”",
    "–",
    " ",
    " ",
    " ",
    "\n• ",
    ".",
    ",",
    "manage-\nment",
    "&nbsp;",
    "5+",
    "C++",
    "naïve",
    "\u00ad",
    "İstanbul",
  ];
  let text = "";
  const length = 5 + random.int(60);
  for (let i = 0; i < length; i++) text += pieces[random.int(pieces.length)];
  return text;
}

describe("alignment offsets (property)", () => {
  it("always returns text === source.slice(start, end), and finds perturbed substrings", () => {
    const random = createRandom(2024);
    let found = 0;
    let attempts = 0;
    const isWord = (char: string): boolean => /[\p{L}\p{N}]/u.test(char);
    for (let round = 0; round < 1500; round++) {
      const text = randomText(random);
      // Half the quotes are any substring; half start and end on word edges.
      const wordStarts: number[] = [];
      const wordEnds: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (isWord(text.charAt(i)) && !isWord(text.charAt(i - 1))) wordStarts.push(i);
        if (isWord(text.charAt(i)) && !isWord(text.charAt(i + 1))) wordEnds.push(i + 1);
      }
      let from = random.int(text.length);
      let to = Math.min(text.length, from + 1 + random.int(40));
      const onWordEdges = round % 2 === 0 && wordStarts.length > 0;
      if (onWordEdges) {
        from = wordStarts[random.int(wordStarts.length)] ?? 0;
        const ends = wordEnds.filter((end) => end > from && end <= from + 40);
        to = ends[random.int(ends.length)] ?? text.length;
      }
      const original = text.slice(from, to);
      const quote = perturb(original, random);
      const result = alignQuote(text, quote);
      if (result.ok) {
        expect(text.slice(result.start, result.end)).toBe(result.text);
        expect(result.start).toBeGreaterThanOrEqual(0);
        expect(result.end).toBeLessThanOrEqual(text.length);
        expect(result.end).toBeGreaterThan(result.start);
      }
      // Re-spacing a line-break hyphen or cutting an entity in two changes the words themselves.
      const nearEntity = text.slice(Math.max(0, from - 6), to + 6).includes("&");
      if (onWordEdges && !nearEntity && !original.includes("-")) {
        attempts++;
        if (result.ok) found++;
        else expect.soft(quote, `${JSON.stringify(text)} ${result.reason}`).toBe(original);
      }
    }
    expect(attempts).toBeGreaterThan(100);
    expect(found).toBe(attempts);
  });

  it("keeps every span of a batch exact, whatever the quotes", () => {
    const random = createRandom(99);
    for (let round = 0; round < 200; round++) {
      const text = randomText(random);
      const quotes = Array.from({ length: 1 + random.int(8) }, () => {
        const from = random.int(text.length);
        const quote = perturb(text.slice(from, from + 1 + random.int(30)), random);
        return {
          label: random.int(2) === 0 ? "a" : "b",
          quote: random.int(10) === 0 ? "missing words here" : quote,
        };
      });
      const result = alignQuotes(text, quotes);
      expect(result.stats.total).toBe(quotes.length);
      expect(result.stats.exact + result.stats.normalised + result.stats.fuzzy + result.stats.unaligned).toBe(
        quotes.length,
      );
      expect(result.unaligned).toHaveLength(result.stats.unaligned);
      for (const span of result.spans) expect(text.slice(span.start, span.end)).toBe(span.text);
    }
  });
});

describeWithShared("alignment of SkillSpan gold spans", "data/skillspan/json/dev.json", (path) => {
  it("puts perturbed gold spans back on their offsets", () => {
    const random = createRandom(5);
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean).slice(0, 1500);
    let spans = 0;
    let onTarget = 0;
    for (const line of lines) {
      const row = JSON.parse(line) as { tokens: string[]; tags_skill: string[]; tags_knowledge: string[] };
      const text = row.tokens.join(" ");
      const starts: number[] = [];
      let offset = 0;
      for (const token of row.tokens) {
        starts.push(offset);
        offset += token.length + 1;
      }
      const quotes: { label: string; quote: string }[] = [];
      const gold: { label: string; start: number; end: number }[] = [];
      for (const [label, tags] of [
        ["skill", row.tags_skill],
        ["knowledge", row.tags_knowledge],
      ] as const) {
        for (let i = 0; i < tags.length; i++) {
          if (tags[i] !== "B") continue;
          let j = i + 1;
          while (tags[j] === "I") j++;
          const start = starts[i] ?? 0;
          const end = (starts[j - 1] ?? 0) + (row.tokens[j - 1]?.length ?? 0);
          gold.push({ label, start, end });
          quotes.push({ label, quote: perturb(text.slice(start, end), random) });
        }
      }
      const result = alignQuotes(text, quotes);
      const found = new Set(result.spans.map((s) => `${s.label}:${s.start}:${s.end}`));
      spans += gold.length;
      onTarget += gold.filter((g) => found.has(`${g.label}:${g.start}:${g.end}`)).length;
    }
    expect(spans).toBeGreaterThan(500);
    expect(onTarget / spans).toBeGreaterThan(0.98);
  });
});
