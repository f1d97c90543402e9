import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { InputError } from "../../core/errors.ts";
import { excerpt, type ReadRow } from "./source-rows.ts";

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Streams a CSV file row by row (csv-parse over a read stream, never the whole file in memory).
 * The first row is the header. A row with another number of fields than the header is reported
 * as bad with its line number instead of ending the import. `input` (e.g. stdin) is read instead of
 * the file when given; `path` names it in the rows.
 */
export async function* readCsvRows(path: string, input?: Readable): AsyncGenerator<ReadRow> {
  // Large reads: the parser is byte-by-byte anyway, fewer chunks cut the per-chunk overhead.
  const parser = (input ?? createReadStream(path, { highWaterMark: 1 << 20 })).pipe(
    parse({ bom: true, relax_column_count: true, info: true }),
  );
  let header: string[] | undefined;
  // Empty lines are skipped here, not by the parser, so every row's first line is known exactly.
  let previousEnd = 0;
  try {
    for await (const value of parser as AsyncIterable<CsvRecord>) {
      const { record, info } = value;
      const line = previousEnd + 1;
      previousEnd = info.lines;
      if (record.length === 1 && record[0] === "") continue;
      if (!header) {
        header = record.map((name) => name.trim());
        continue;
      }
      if (record.length !== header.length) {
        yield {
          kind: "bad",
          file: path,
          line,
          reason: `expected ${header.length} fields, found ${record.length}`,
          raw: excerpt(JSON.stringify(record)),
        };
        continue;
      }
      const values: Record<string, unknown> = {};
      header.forEach((name, index) => {
        values[name] = record[index];
      });
      yield { kind: "row", file: path, line, values };
    }
  } catch (cause) {
    // A broken quote can make the rest of the file unreadable: stop with the place it happened.
    throw new InputError(`${path}: CSV cannot be read further: ${(cause as Error).message}`, { cause });
  }
}

/** The header of a CSV file (first record), for checking column options before a long import. */
export async function readCsvHeader(path: string): Promise<string[]> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, to_line: 1 }));
  for await (const record of parser as AsyncIterable<string[]>) return record.map((name) => name.trim());
  return [];
}
