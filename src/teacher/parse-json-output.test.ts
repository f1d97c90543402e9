import { describe, expect, it } from "vitest";
import { parseJsonOutput, stripCodeFences } from "./parse-json-output.ts";

describe("parseJsonOutput", () => {
  it("strips fences and surrounding prose", () => {
    expect(stripCodeFences('Here:\n```json\n{"a": 1}\n```\nDone.')).toBe('{"a": 1}');
    expect(stripCodeFences('Answer: {"a": 1}')).toBe('{"a": 1}');
  });

  it("parses valid JSON as is and repairs what jsonrepair can", () => {
    expect(parseJsonOutput('{"a": 1}')).toEqual({ ok: true, value: { a: 1 }, repaired: false });
    expect(parseJsonOutput("{a: 'x', b: [1, 2,],}")).toEqual({
      ok: true,
      value: { a: "x", b: [1, 2] },
      repaired: true,
    });
    expect(parseJsonOutput('{"a": "unterminated')).toMatchObject({ ok: true, value: { a: "unterminated" } });
  });

  it("reports text that is not JSON", () => {
    const parsed = parseJsonOutput("I cannot help with that.");
    expect(parsed.ok).toBe(false);
  });
});
