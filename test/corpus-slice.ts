import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRequirementsCorpusPath } from "../src/dataset/gold/requirements-corpus.ts";

/**
 * A small slice of the shipped requirements corpus, written to a temporary file: the first postings
 * of each split (`perSplit`), plus long ones the requirements task cuts into several chunks
 * (`long`), so tests run the real corpus's text through the demo or the teacher in seconds.
 */
export function writeCorpusSlice(
  options: { perSplit?: Partial<Record<"train" | "dev" | "test", number>>; long?: number } = {},
): string {
  const perSplit = { train: 6, dev: 2, test: 3, ...options.perSplit };
  const lines = readFileSync(defaultRequirementsCorpusPath, "utf8").split("\n").filter(Boolean);
  const postings = lines.map((line) => {
    const posting = JSON.parse(line) as { split: "train" | "dev" | "test"; text: string };
    return { line, split: posting.split, length: posting.text.length };
  });
  const chosen = new Set<string>();
  for (const posting of postings.filter((candidate) => candidate.length > 6000).slice(0, options.long ?? 1))
    chosen.add(posting.line);
  for (const split of ["train", "dev", "test"] as const) {
    const short = postings.filter((posting) => posting.split === split && posting.length <= 6000);
    for (const posting of short.slice(0, perSplit[split])) chosen.add(posting.line);
  }
  const path = join(mkdtempSync(join(tmpdir(), "jobdistill-corpus-slice-")), "requirements.jsonl");
  writeFileSync(path, `${[...chosen].join("\n")}\n`);
  return path;
}
