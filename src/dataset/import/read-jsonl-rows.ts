import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { excerpt, type ReadRow } from "./source-rows.ts";

/**
 * Streams a JSON-lines file (or `input`, named `path` in the rows, e.g. stdin); a line that is not a
 * JSON object is reported as bad, with its number.
 */
export async function* readJsonlRows(path: string, input?: Readable): AsyncGenerator<ReadRow> {
  const lines = createInterface({
    input: input ?? createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield {
        kind: "bad",
        file: path,
        line,
        reason: `not JSON: ${(error as Error).message}`,
        raw: excerpt(text),
      };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { kind: "bad", file: path, line, reason: "not a JSON object", raw: excerpt(text) };
      continue;
    }
    yield { kind: "row", file: path, line, values: value as Record<string, unknown> };
  }
}
