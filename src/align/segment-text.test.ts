import { describe, expect, it } from "vitest";
import { createRandom } from "../core/random.ts";
import { segmentText } from "./segment-text.ts";

const pieces = (text: string): [string, string][] => segmentText(text).map((s) => [s.kind, s.text]);

describe("segmentText", () => {
  it("splits sentences but not at abbreviations, decimals, names, URLs or e-mails", () => {
    const text =
      "We build Node.js apps. We use e.g. Python and v3.5 daily! See https://acme.com/a.b or mail jobs@acme.com. " +
      "Dr. Smith leads team No. 5 with J. Doe. Is it fun? Yes.";
    expect(pieces(text)).toEqual([
      ["sentence", "We build Node.js apps."],
      ["sentence", "We use e.g. Python and v3.5 daily!"],
      ["sentence", "See https://acme.com/a.b or mail jobs@acme.com."],
      ["sentence", "Dr. Smith leads team No. 5 with J. Doe."],
      ["sentence", "Is it fun?"],
      ["sentence", "Yes."],
    ]);
  });

  it("does not split before a lower-case word, and does split after etc.", () => {
    expect(pieces("Tools i.e. git. Python, SQL, etc. We offer snacks.")).toEqual([
      ["sentence", "Tools i.e. git."],
      ["sentence", "Python, SQL, etc."],
      ["sentence", "We offer snacks."],
    ]);
  });

  it("treats bullets, numbered items and line breaks as boundaries, leaving markers out", () => {
    const text =
      "REQUIREMENTS\n• 5+ years of Java. Strong SQL.\n- Docker\n* Git\n1. Kubernetes\n2) Go\na) AWS\nSkills: • Python • Rust";
    expect(pieces(text)).toEqual([
      ["heading", "REQUIREMENTS"],
      ["bullet", "5+ years of Java."],
      ["bullet", "Strong SQL."],
      ["bullet", "Docker"],
      ["bullet", "Git"],
      ["bullet", "Kubernetes"],
      ["bullet", "Go"],
      ["bullet", "AWS"],
      ["heading", "Skills:"],
      ["bullet", "Python"],
      ["bullet", "Rust"],
    ]);
  });

  it("knows lines and headings from sentences", () => {
    expect(pieces("Benefits:\nFlexible hours\n-5 °C freezer work\n1.5 days off\nWe pay well.")).toEqual([
      ["heading", "Benefits:"],
      ["line", "Flexible hours"],
      ["line", "-5 °C freezer work"],
      ["line", "1.5 days off"],
      ["sentence", "We pay well."],
    ]);
  });

  it("takes a short line before a list as its heading", () => {
    expect(
      pieces("What we offer\n• Snacks\nA longer line that is plainly not a heading at all\n• Bikes"),
    ).toEqual([
      ["heading", "What we offer"],
      ["bullet", "Snacks"],
      ["line", "A longer line that is plainly not a heading at all"],
      ["bullet", "Bikes"],
    ]);
  });

  it("skips empty lines and lines without letters or digits", () => {
    expect(pieces("\n\n  \n-----\n•\nText\n\n")).toEqual([["line", "Text"]]);
  });

  it("returns trimmed, non-empty, exact segments for random text", () => {
    const random = createRandom(11);
    const parts = [
      "word",
      "Word",
      " ",
      "  ",
      ".",
      "!",
      "?",
      "\n",
      "• ",
      "- ",
      "1. ",
      "e.g.",
      "3.5",
      "Node.js",
      "\t",
      ":",
      "…",
    ];
    for (let round = 0; round < 500; round++) {
      let text = "";
      const length = random.int(40);
      for (let i = 0; i < length; i++) text += parts[random.int(parts.length)];
      let previousEnd = 0;
      for (const segment of segmentText(text)) {
        expect(text.slice(segment.start, segment.end)).toBe(segment.text);
        expect(segment.text).toBe(segment.text.trim());
        expect(segment.text.length).toBeGreaterThan(0);
        expect(segment.start).toBeGreaterThanOrEqual(previousEnd);
        previousEnd = segment.end;
      }
    }
  });
});
