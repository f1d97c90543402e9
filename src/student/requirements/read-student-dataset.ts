import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BioSentence } from "../../align/bio.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { type DatasetReport, readDatasetSplits } from "../../dataset/build/index.ts";
import { type SplitName, type StudentSplit, type StudentTrainingData, splitNames } from "./student-data.ts";

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read ${path}: ${(cause as Error).message}`, { cause, data: { path } });
  }
}

/**
 * Sentences of a dataset CoNLL file: `token<TAB>tag…` lines, one column per layer in `layers`
 * order, blank lines between sentences, `-DOCSTART-` lines between documents (skipped).
 */
export function parseDatasetConll(text: string, layers: readonly string[], origin: string): BioSentence[] {
  const sentences: BioSentence[] = [];
  let tokens: string[] = [];
  let columns: string[][] = layers.map(() => []);
  const flush = (): void => {
    if (tokens.length > 0) {
      sentences.push({
        tokens,
        layers: Object.fromEntries(layers.map((layer, index) => [layer, columns[index] ?? []])),
      });
    }
    tokens = [];
    columns = layers.map(() => []);
  };
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") {
      flush();
      return;
    }
    const fields = line.split("\t");
    if (fields[0] === "-DOCSTART-") {
      flush();
      return;
    }
    if (fields.length !== layers.length + 1) {
      throw new InputError(
        `${origin}:${index + 1}: expected a token and ${layers.length} tag column(s), got ${fields.length} field(s)`,
        { data: { path: origin, line: index + 1 } },
      );
    }
    tokens.push(fields[0] as string);
    layers.forEach((_, layer) => {
      columns[layer]?.push(fields[layer + 1] as string);
    });
  });
  flush();
  return sentences;
}

/**
 * The students' training data from a dataset folder written by `buildDataset`: the tagger's BIO
 * sentences from `conll/<split>.conll` (layers named by the report), the classifier's labelled
 * segments and each split's document ids from `segments.jsonl`.
 */
export function readStudentDataset(dir: string): { data: StudentTrainingData; report: DatasetReport } {
  if (!existsSync(join(dir, "report.json"))) {
    throw new UsageError(
      `${dir} is not a dataset folder (no report.json): build one with \`jobdistill dataset build\``,
    );
  }
  const dataset = readDatasetSplits(dir);
  const { report } = dataset;
  const layers = report.options.layers;
  const split = (name: SplitName): StudentSplit => {
    const path = dataset.conll[name];
    const rows = dataset.segments[name];
    return {
      sentences: existsSync(path) ? parseDatasetConll(readText(path), layers, path) : [],
      segments: rows.map((row) => ({ text: row.text, labels: row.labels })),
      documentIds: [...new Set(rows.map((row) => row.doc_id))],
    };
  };
  const splits = Object.fromEntries(splitNames.map((name) => [name, split(name)])) as Record<
    SplitName,
    StudentSplit
  >;
  const labels = report.categories.map((category) => category.id);
  return { data: { task: report.task, layers: [...layers], labels, splits }, report };
}
