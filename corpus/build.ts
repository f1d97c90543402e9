/**
 * How requirements.jsonl was made (kept for the record and for re-annotation rounds; needs ../shared):
 *
 *   node bin/run-ts.js corpus/build.ts --annotations DIR [--out corpus/requirements.jsonl]
 *
 * DIR holds the annotators' files, one `<posting id>.jsonl` per posting with one span a line,
 * `{"label", "line", "quote", "occurrence"?}` (a 1-based line of the posting, the quote as written on
 * that line, which of its matches on the line): `primary/` (every posting), `second/` (the postings
 * annotated twice, independently) and `adjudicated/` (the final gold of those). The postings'
 * texts are rebuilt from SkillSpan (src/dataset/formats/skill-span-postings.ts).
 *
 * Spans are normalised the same way for every annotator before anything is compared: surrounding
 * spaces and leading bullet marks are trimmed, and a final full stop is dropped unless it ends
 * `e.g.`, `i.e.`, `etc.` or a dotted initialism such as `Ph.D.` (the guide's rule).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { sharedPath } from "../src/core/shared-data.ts";
import { readSkillSpanJson } from "../src/dataset/formats/skill-span.ts";
import { type SkillSpanPosting, skillSpanPostings } from "../src/dataset/formats/skill-span-postings.ts";
import type { CorpusPosting, CorpusSpan } from "../src/dataset/gold/requirements-corpus.ts";
import { requirementCategoryIds } from "../src/tasks/requirements/labels.ts";

const annotationRowSchema = z.strictObject({
  label: z.enum(requirementCategoryIds),
  line: z.number().int().positive(),
  quote: z.string().min(1),
  occurrence: z.number().int().positive().optional(),
});

const keepsFinalDot = /(?:\be\.g\.|\bi\.e\.|\betc\.|\b(?:[A-Za-z]{1,3}\.){2,})$/i;

/** Trims a span by the guide's boundary rules; undefined when nothing is left. */
export function normaliseSpan(text: string, start: number, end: number): [number, number] | undefined {
  let from = start;
  let to = end;
  const trimStart = (): void => {
    while (from < to && /[\s*•·\-–—]/u.test(text[from] ?? "")) from++;
  };
  const trimEnd = (): void => {
    while (to > from && /\s/u.test(text[to - 1] ?? "")) to--;
  };
  trimStart();
  trimEnd();
  if (to > from && text[to - 1] === "." && !keepsFinalDot.test(text.slice(from, to))) {
    to--;
    trimEnd();
  }
  return to > from ? [from, to] : undefined;
}

function readAnnotation(path: string, posting: SkillSpanPosting): CorpusSpan[] {
  const lines = posting.text.split("\n");
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const spans: CorpusSpan[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((raw, index) => {
      if (raw.trim() === "") return;
      const row = annotationRowSchema.parse(JSON.parse(raw));
      const lineText = lines[row.line - 1];
      const lineStart = lineStarts[row.line - 1];
      if (lineText === undefined || lineStart === undefined)
        throw new Error(`${path}:${index + 1}: no line ${row.line}`);
      let at = -1;
      for (let seen = 0; seen < (row.occurrence ?? 1); seen++) {
        at = lineText.indexOf(row.quote, at + 1);
        if (at < 0) throw new Error(`${path}:${index + 1}: quote not on line ${row.line}: ${row.quote}`);
      }
      const normalised = normaliseSpan(posting.text, lineStart + at, lineStart + at + row.quote.length);
      if (normalised) spans.push([row.label, normalised[0], normalised[1]]);
    });
  const unique = new Map(spans.map((span) => [span.join("\u0000"), span]));
  return [...unique.values()].sort((a, b) => a[1] - b[1] || a[2] - b[2] || a[0].localeCompare(b[0]));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      annotations: { type: "string" },
      out: { type: "string", default: resolve(import.meta.dirname, "requirements.jsonl") },
    },
  });
  if (!values.annotations) throw new Error("--annotations DIR is required");
  const dir = resolve(values.annotations);
  const lines: string[] = [];
  const missing: string[] = [];
  for (const split of ["train", "dev", "test"] as const) {
    const path = sharedPath("data", "skillspan", "json", `${split}.json`);
    if (!path) throw new Error("needs ../shared/data/skillspan (or JOBDISTILL_SHARED)");
    for (const posting of skillSpanPostings(readSkillSpanJson(path), split)) {
      const primaryPath = join(dir, "primary", `${posting.id}.jsonl`);
      if (!existsSync(primaryPath)) {
        missing.push(posting.id);
        continue;
      }
      const first = readAnnotation(primaryPath, posting);
      const secondPath = join(dir, "second", `${posting.id}.jsonl`);
      const adjudicatedPath = join(dir, "adjudicated", `${posting.id}.jsonl`);
      const doubled = existsSync(secondPath);
      const gold = doubled && existsSync(adjudicatedPath) ? readAnnotation(adjudicatedPath, posting) : first;
      const row: CorpusPosting = {
        id: posting.id,
        split,
        source: posting.source,
        idx: posting.idx,
        text: posting.text,
        spans: gold.map(([label, start, end]) => [label, start, end, posting.text.slice(start, end)]),
        ...(doubled ? { annotations: { first, second: readAnnotation(secondPath, posting) } } : {}),
      };
      lines.push(JSON.stringify(row));
    }
  }
  writeFileSync(values.out, lines.join("\n") + "\n");
  console.log(
    `wrote ${lines.length} postings to ${values.out}${missing.length ? `; not yet annotated: ${missing.length}` : ""}`,
  );
}

main();
