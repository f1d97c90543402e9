import { describe, expect, it } from "vitest";
import { createRandom } from "../core/random.ts";
import { normaliseForMatching } from "./normalise.ts";

describe("normaliseForMatching", () => {
  it.each([
    ["Python  and\n\tSQL", "python and sql"],
    ["“Clean code” and ‘tests’", "\"clean code\" and 'tests'"],
    ["front–end — back‐end", "frontend - backend"],
    ["• Python\n• SQL", "python sql"],
    ["**Python** and * SQL", "python and sql"],
    ["R&amp;D&nbsp;team &#39;x&#x27;", "r&d team 'x'"],
    ["manage-\nment", "management"],
    ["manage- \n  ment", "management"],
    ["e-mail and email", "email and email"],
    ["full- time", "full- time"],
    ["self\u00adstarter", "selfstarter"],
    ["  padded  ", "padded"],
    ["a -- b", "a -- b"],
    ["wait…", "wait..."],
    ["Café İstanbul naïve", "cafe istanbul naive"],
    ["& alone &unknown; here", "& alone &unknown; here"],
  ])("folds %j to %j", (input, expected) => {
    expect(normaliseForMatching(input).text).toBe(expected);
  });

  it("maps every folded char back to the original", () => {
    const original = "Manage-\nment &amp; “Team”";
    const { text, starts, ends } = normaliseForMatching(original);
    expect(starts).toHaveLength(text.length);
    expect(ends).toHaveLength(text.length);
    const ampersand = text.indexOf("&");
    expect(original.slice(starts[ampersand], ends[ampersand])).toBe("&amp;");
    const word = text.indexOf("management");
    expect(original.slice(starts[word], ends[word + "management".length - 1])).toBe("Manage-\nment");
  });

  it("keeps offsets increasing and inside the original for random text", () => {
    const random = createRandom(7);
    const alphabet = [
      "a",
      "B",
      " ",
      "\n",
      "-",
      "–",
      "&amp;",
      "&nbsp;",
      "•",
      "’",
      "\u00ad",
      "é",
      "İ",
      "😀",
      "x",
    ];
    for (let round = 0; round < 300; round++) {
      let original = "";
      const length = random.int(30);
      for (let i = 0; i < length; i++) original += alphabet[random.int(alphabet.length)];
      const { text, starts, ends } = normaliseForMatching(original);
      for (let i = 0; i < text.length; i++) {
        const start = starts[i] ?? -1;
        const end = ends[i] ?? -1;
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeGreaterThan(start);
        expect(end).toBeLessThanOrEqual(original.length);
        if (i > 0) expect(start).toBeGreaterThanOrEqual(starts[i - 1] ?? 0);
      }
    }
  });
});
