import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { InputError } from "../../core/errors.ts";
import {
  type DatasetSplit,
  datasetSplits,
  type PairExample,
  pairExampleSchema,
  type SegmentExample,
  segmentExampleSchema,
} from "./examples.ts";
import { type DatasetReport, datasetReportSchema } from "./report.ts";
import { emptyBySplit } from "./split-documents.ts";

export interface DatasetSplits {
  dir: string;
  report: DatasetReport;
  segments: Record<DatasetSplit, SegmentExample[]>;
  pairs: Record<DatasetSplit, PairExample[]>;
  /** Path of each split's CoNLL file. */
  conll: Record<DatasetSplit, string>;
}

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(path)) throw new InputError(`not a dataset folder: ${path} is missing`);
  const rows: T[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (cause) {
        throw new InputError(`${path}:${index + 1}: not JSON`, { cause });
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new InputError(`${path}:${index + 1}: ${parsed.error.message}`);
      rows.push(parsed.data);
    });
  return rows;
}

/** Reads a folder written by `buildDataset`: the report and the examples grouped by split. */
export function readDatasetSplits(dir: string): DatasetSplits {
  const reportPath = join(dir, "report.json");
  if (!existsSync(reportPath)) throw new InputError(`not a dataset folder: ${reportPath} is missing`);
  const report = datasetReportSchema.parse(JSON.parse(readFileSync(reportPath, "utf8")));
  const segments = emptyBySplit<SegmentExample[]>(() => []);
  for (const example of readJsonl(join(dir, "segments.jsonl"), segmentExampleSchema))
    segments[example.split].push(example);
  const pairs = emptyBySplit<PairExample[]>(() => []);
  for (const example of readJsonl(join(dir, "pairs.jsonl"), pairExampleSchema))
    pairs[example.split].push(example);
  const conll = Object.fromEntries(
    datasetSplits.map((split) => [split, join(dir, "conll", `${split}.conll`)]),
  ) as Record<DatasetSplit, string>;
  return { dir, report, segments, pairs, conll };
}
