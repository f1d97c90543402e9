import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "./errors.ts";

/**
 * Reads a JSON-lines file whose every non-blank line must match `schema`; a bad line fails with the
 * file and line number. `what` names the file's content ("the demo corpus") and one row ("a demo
 * advert") in the messages.
 */
export function readJsonLinesFile<T>(
  path: string,
  schema: z.ZodType<T>,
  what: { file: string; row: string },
): { row: T; line: number }[] {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read ${what.file} at ${path}`, { cause, data: { path } });
  }
  const rows: { row: T; line: number }[] = [];
  content.split("\n").forEach((text, index) => {
    if (text.trim() === "") return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new InputError(`${path}:${line}: not valid JSON`, { cause, data: { path, line } });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new InputError(`${path}:${line}: not ${what.row}: ${z.prettifyError(parsed.error)}`, {
        data: { path, line, issues: parsed.error.issues },
      });
    }
    rows.push({ row: parsed.data, line });
  });
  return rows;
}
