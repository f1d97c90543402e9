import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatFigure,
  type ReadmeFigure,
  readmeFigures,
  type StoredResultsName,
} from "../bench/readme-figures.ts";
import { projectRoot } from "../src/core/shared-data.ts";

/**
 * The README's "Measured" figures against the stored results (bench/results/*.json): each phrase of
 * bench/readme-figures.ts must be in the section with the numbers its fields give, every number in
 * the section must belong to such a phrase (or be a stated target, not a measurement), and every
 * file must say which command wrote it, from which commit, in its full form, and the README must
 * name that command with the load average it ran at. Reads files only.
 */

/** Numbers in the section that are targets or context, not measured figures. */
const notMeasurements = [
  "the goal of ≥ 90% with soft recall > 80%",
  "The aim of ≤ 2×",
  "within 10 points of",
  "(≥ 85.1)",
  "the 200 ms aimed at",
  "the 400 ms aimed at",
  "the 800 documents per CPU second aimed at",
  "| share to 95% |",
];

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const measured = /^## Measured\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";

const numberPattern = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function phrasePattern(phrase: string): RegExp {
  const source = phrase
    .split(/(\{\}|…|\s+)/)
    .map((part) => {
      if (part === "{}") return numberPattern;
      if (part === "…") return "[^\\n]*?";
      if (/^\s+$/.test(part)) return "\\s+";
      return escapeRegExp(part);
    })
    .join("");
  return new RegExp(source, "i");
}

const storedCache = new Map<StoredResultsName, Record<string, unknown>>();
function stored(file: StoredResultsName): Record<string, unknown> {
  let value = storedCache.get(file);
  if (!value) {
    value = JSON.parse(readFileSync(join(projectRoot, "bench", "results", `${file}.json`), "utf8")) as Record<
      string,
      unknown
    >;
    storedCache.set(file, value);
  }
  return value;
}

function field(file: StoredResultsName, path: string): unknown {
  let value: unknown = stored(file);
  for (const key of path.split(".")) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

const describeFigure = (figure: ReadmeFigure): string => `${figure.key} ("${figure.phrase}")`;

describe("README Measured figures", () => {
  it("has a Measured section", () => {
    expect(measured.length).toBeGreaterThan(200);
  });

  it.each(readmeFigures.map((figure) => [describeFigure(figure), figure] as const))(
    "%s equals its stored field",
    (_, figure) => {
      const match = phrasePattern(figure.phrase).exec(measured);
      expect(match, `README Measured section lacks the phrase of ${figure.key}`).not.toBeNull();
      const shown = match?.slice(1) ?? [];
      if (figure.equals !== undefined) {
        for (const path of figure.fields) {
          expect(field(figure.file, path), `${figure.file}.json ${path}`).toEqual(figure.equals);
        }
        return;
      }
      expect(shown.length, `${figure.key}: one {} per field`).toBe(figure.fields.length);
      const expected = figure.fields.map((path) => {
        const value = field(figure.file, path);
        expect(typeof value, `${figure.file}.json ${path} is a number`).toBe("number");
        return formatFigure(value as number, figure.format ?? "decimals:1");
      });
      expect(shown, `${figure.key} in README vs bench/results/${figure.file}.json`).toEqual(expected);
    },
  );

  it("has no number without a stored field", () => {
    // Blank out each mapped phrase where the check above found it (phrases may overlap, so all are
    // matched on the original text), and the load averages after the commands (checked below).
    const covered = new Array<boolean>(measured.length).fill(false);
    const cover = (match: RegExpExecArray | RegExpMatchArray | null) => {
      if (match?.index !== undefined) covered.fill(true, match.index, match.index + match[0].length);
    };
    for (const figure of readmeFigures) cover(phrasePattern(figure.phrase).exec(measured));
    for (const phrase of notMeasurements) cover(phrasePattern(phrase).exec(measured));
    for (const match of measured.matchAll(/`\s+at\s+load\s+average\s+\d+/g)) cover(match);
    const rest = measured
      .split("")
      .map((character, index) => (covered[index] ? " " : character))
      .join("");
    const numbers = [...rest.matchAll(/(?<![\w.-])\d[\d,.]*(?!\w)/g)].map((match) => {
      const at = match.index ?? 0;
      return rest.slice(Math.max(0, at - 30), at + 30).replace(/\s+/g, " ");
    });
    expect(numbers, "numbers in Measured that bench/readme-figures.ts does not map").toEqual([]);
  });

  const files = [...new Set(readmeFigures.map((figure) => figure.file))];
  it.each(files)("bench/results/%s.json says how it was made, and the README names the command", (file) => {
    const results = stored(file);
    const provenance = results.provenance as {
      form: string;
      gitCommit: string;
      uncommittedChanges: string[];
      machine: { cpus: number };
      loadAverageDuringRun: number;
    };
    expect(results.writtenBy).toMatch(new RegExp(`bench/${file}\\.ts .*--write-results`));
    expect(provenance.form).toBe("full");
    expect(provenance.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(provenance.uncommittedChanges, "written from committed code").toEqual([]);
    const load = Math.round(provenance.loadAverageDuringRun);
    expect(measured.replace(/\s+/g, " "), "the README names the command and the load it ran at").toContain(
      `\`${results.writtenBy}\` at load average ${load}`,
    );
    expect(`On a ${provenance.machine.cpus}-core machine`, "the machine the README names").toSatisfy(
      (phrase: string) => measured.includes(phrase),
    );
  });
});
