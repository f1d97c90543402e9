import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { InputError } from "../../core/errors.ts";
import { excerpt, type ReadRow } from "./source-rows.ts";

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

const comma = 44;
const quote = 34;
const lineFeed = 10;
const carriageReturn = 13;

/**
 * An incremental RFC 4180 reader (comma, double quotes with "" inside, LF, CRLF or CR line ends)
 * that knows the line every record starts on, which no faster streaming parser on npm reports;
 * csv-parse does, at a quarter of the speed of Python's csv module, and the import's bottleneck was
 * there. Quoted fields are found with indexOf, so long advert texts cost little more than a copy.
 * Text is fed in chunks; a record cut by a chunk's end is read again, whole, with the next chunk.
 */
export class CsvRecordReader {
  private pending = "";
  private line = 1;
  private started = false;

  constructor(private readonly path: string) {}

  /** The records completed by `chunk` (all the rest when `final`). */
  push(chunk: string, final: boolean): CsvRecord[] {
    let text = this.pending + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const records: CsvRecord[] = [];
    let position = 0;
    while (position < text.length) {
      const read = this.readRecord(text, position, final);
      if (read === undefined) break;
      records.push({ fields: read.fields, line: this.line });
      this.line += read.lines;
      position = read.end;
    }
    this.pending = text.slice(position);
    return records;
  }

  private fail(reason: string): never {
    throw new InputError(`${this.path}: CSV cannot be read further: ${reason} (line ${this.line})`);
  }

  /**
   * Reads the record at `start`: its fields, where the next begins and how many lines it spans.
   * Undefined when the text ends inside it and more may come.
   */
  private readRecord(
    text: string,
    start: number,
    final: boolean,
  ): { fields: string[]; end: number; lines: number } | undefined {
    const fields: string[] = [];
    let lines = 1;
    let position = start;
    const length = text.length;
    for (;;) {
      let value: string;
      if (text.charCodeAt(position) === quote) {
        value = "";
        let from = position + 1;
        for (;;) {
          const closing = text.indexOf('"', from);
          if (closing < 0) {
            if (final) this.fail("a quoted field is never closed");
            return undefined;
          }
          if (closing + 1 === length && !final) return undefined;
          if (text.charCodeAt(closing + 1) === quote) {
            value += text.slice(from, closing + 1);
            from = closing + 2;
            continue;
          }
          value += text.slice(from, closing);
          position = closing + 1;
          break;
        }
        for (let at = value.indexOf("\n"); at >= 0; at = value.indexOf("\n", at + 1)) lines++;
        const next = text.charCodeAt(position);
        if (position < length && next !== comma && next !== lineFeed && next !== carriageReturn) {
          this.fail(
            `unexpected text after a closing quote: ${JSON.stringify(text.slice(position, position + 20))}`,
          );
        }
      } else {
        let end = position;
        while (end < length) {
          const code = text.charCodeAt(end);
          if (code === comma || code === lineFeed || code === carriageReturn) break;
          end++;
        }
        value = text.slice(position, end);
        position = end;
      }
      fields.push(value);
      if (position >= length) {
        // The text ends after a field: the record is whole only if no more text can follow.
        return final ? { fields, end: position, lines } : undefined;
      }
      const terminator = text.charCodeAt(position);
      if (terminator === comma) {
        position++;
        if (position >= length && !final) return undefined;
        if (position >= length) {
          fields.push("");
          return { fields, end: position, lines };
        }
        continue;
      }
      if (terminator === carriageReturn) {
        if (position + 1 >= length && !final) return undefined;
        if (text.charCodeAt(position + 1) === lineFeed) position++;
      }
      return { fields, end: position + 1, lines };
    }
  }
}

/**
 * Every record of a CSV file (or of `input`, e.g. stdin, named `path`), streamed in large chunks:
 * never the whole file in memory.
 */
async function* readCsvRecords(path: string, input?: Readable): AsyncGenerator<CsvRecord> {
  const reader = new CsvRecordReader(path);
  const stream = input ?? createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  if (input) input.setEncoding("utf8");
  for await (const chunk of stream as AsyncIterable<string>) yield* reader.push(chunk, false);
  yield* reader.push("", true);
}

/** A header that names a column twice would silently lose one of its values in every row. */
function checkHeader(path: string, header: readonly string[], line: number): void {
  const first = new Map<string, number>();
  for (const [index, name] of header.entries()) {
    const earlier = first.get(name);
    if (earlier !== undefined) {
      throw new InputError(
        `${path}: the header (line ${line}) names the column ${JSON.stringify(name)} twice (columns ${earlier + 1} and ${index + 1}): rename one`,
      );
    }
    first.set(name, index);
  }
}

/**
 * Streams a CSV file row by row. The first row is the header. A row with another number of fields
 * than the header is reported as bad with its line number instead of ending the import; a broken
 * quote, which can make the rest of the file unreadable, ends it with the line it happened on, as
 * does a header that names a column twice.
 * `input` (e.g. stdin) is read instead of the file when given; `path` names it in the rows.
 */
export async function* readCsvRows(path: string, input?: Readable): AsyncGenerator<ReadRow> {
  let header: string[] | undefined;
  for await (const { fields, line } of readCsvRecords(path, input)) {
    // Empty lines are skipped here, so every row's first line is known exactly.
    if (fields.length === 1 && fields[0] === "") continue;
    if (!header) {
      header = fields.map((name) => name.trim());
      checkHeader(path, header, line);
      continue;
    }
    if (fields.length !== header.length) {
      yield {
        kind: "bad",
        file: path,
        line,
        reason: `expected ${header.length} fields, found ${fields.length}`,
        raw: excerpt(JSON.stringify(fields)),
      };
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let index = 0; index < header.length; index++) values[header[index] as string] = fields[index];
    yield { kind: "row", file: path, line, values };
  }
}

/** The header of a CSV file (first record), for checking column options before a long import. */
export async function readCsvHeader(path: string): Promise<string[]> {
  for await (const { fields } of readCsvRecords(path)) {
    if (fields.length === 1 && fields[0] === "") continue;
    return fields.map((name) => name.trim());
  }
  return [];
}
