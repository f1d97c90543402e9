import { jsonrepair } from "jsonrepair";
import { errorMessage } from "../core/errors.ts";

export type ParsedJson = { ok: true; value: unknown; repaired: boolean } | { ok: false; issue: string };

const fencePattern = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

/** Models often wrap JSON in a Markdown fence or add a sentence around it: keep only the JSON. */
export function stripCodeFences(text: string): string {
  const fenced = fencePattern.exec(text);
  if (fenced?.[1] !== undefined) return fenced[1].trim();
  const trimmed = text.trim();
  const start = trimmed.search(/[{[]/);
  return start > 0 ? trimmed.slice(start) : trimmed;
}

/** Strip fences → JSON.parse → jsonrepair. The value is untrusted: validate it with a schema next. */
export function parseJsonOutput(text: string): ParsedJson {
  const candidate = stripCodeFences(text);
  try {
    return { ok: true, value: JSON.parse(candidate), repaired: false };
  } catch (parseError) {
    try {
      const value: unknown = JSON.parse(jsonrepair(candidate));
      // jsonrepair turns plain prose into a JSON string; only a repaired object or array is an answer.
      if (value !== null && typeof value === "object") return { ok: true, value, repaired: true };
    } catch {
      // Not repairable either: reported below.
    }
    return { ok: false, issue: `the answer is not valid JSON: ${errorMessage(parseError)}` };
  }
}
