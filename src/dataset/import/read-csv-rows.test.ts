import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.ts";
import { CsvRecordReader } from "./read-csv-rows.ts";

const sample = '\ufeffid,text\r\n1,"say ""hi"",\nthen go"\r\n\n2,plain,\r3,"",x"y\n4,last';
const expected = [
  { fields: ["id", "text"], line: 1 },
  { fields: ["1", 'say "hi",\nthen go'], line: 2 },
  { fields: [""], line: 4 },
  { fields: ["2", "plain", ""], line: 5 },
  { fields: ["3", "", 'x"y'], line: 6 },
  { fields: ["4", "last"], line: 7 },
];

const readAll = (chunks: readonly string[]) => {
  const reader = new CsvRecordReader("test.csv");
  return [...chunks.flatMap((chunk) => reader.push(chunk, false)), ...reader.push("", true)];
};

describe("CsvRecordReader", () => {
  it("reads quotes, doubled quotes, CRLF/LF/CR ends, a BOM and blank lines, with each record's first line", () => {
    expect(readAll([sample])).toEqual(expected);
  });

  it("reads the same records wherever the chunks are cut", () => {
    for (let cut = 0; cut <= sample.length; cut++) {
      expect(readAll([sample.slice(0, cut), sample.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
    expect(readAll([...sample])).toEqual(expected);
  });

  it("stops with the line on a quote that is never closed or text after a closing quote", () => {
    expect(() => readAll(['id,text\n1,"open\n'])).toThrow(InputError);
    expect(() => readAll(['id,text\n1,"open\n'])).toThrow(/never closed \(line 2\)/);
    expect(() => readAll(['id,text\n\n1,"a"b\n'])).toThrow(/after a closing quote.*\(line 3\)/);
  });
});
