import type { HighlightResult, SkillTypeRow } from "../../student/predictors.ts";

/** The files a user can download from the page: CSV, plain text and JSON renderings of a result. */

/**
 * One CSV field (RFC 4180 quoting). A leading = + - @ is prefixed with an apostrophe so a
 * spreadsheet shows the advert's text instead of running it as a formula.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function highlightsToCsv(result: HighlightResult, categoryName: (id: string) => string): string {
  return csv([
    ["category", "category_name", "start", "end", "score", "text"],
    ...result.spans.map((span) => [
      span.category,
      categoryName(span.category),
      span.start,
      span.end,
      span.score.toFixed(4),
      span.text,
    ]),
  ]);
}

export function highlightsToText(
  result: HighlightResult,
  categories: readonly { id: string; name: string }[],
): string {
  const sections = categories.flatMap(({ id, name }) => {
    const spans = result.spans.filter((span) => span.category === id);
    if (spans.length === 0) return [];
    return [`${name}\n${spans.map((span) => `- ${span.text} (${span.score.toFixed(2)})`).join("\n")}`];
  });
  return sections.join("\n\n") + "\n";
}

export function skillsToCsv(rows: readonly SkillTypeRow[]): string {
  return csv([
    ["skill", "label", "confidence", "source"],
    ...rows.map((row) => [row.skill, row.label, row.confidence.toFixed(4), row.source]),
  ]);
}

export function skillsToText(rows: readonly SkillTypeRow[]): string {
  return rows.map((row) => `${row.label}\t${row.skill}`).join("\n") + "\n";
}

/** Splits one CSV line into fields, honouring double quotes. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Skills from a pasted list or an uploaded CSV: one per line, the first column of a CSV (or its
 * `skill` column when there is a header naming one). Blank lines and repeats are dropped.
 */
export function parseSkillList(content: string): string[] {
  const lines = content.split(/\r?\n/).filter((line) => line.trim() !== "");
  const first = lines[0];
  if (first === undefined) return [];
  const looksLikeCsv = lines.some((line) => line.includes(","));
  let column = 0;
  let body = lines;
  if (looksLikeCsv) {
    const header = csvFields(first).map((field) => field.trim().toLowerCase());
    const skillColumn = header.findIndex((name) => name === "skill" || name === "skills");
    if (skillColumn >= 0) {
      column = skillColumn;
      body = lines.slice(1);
    }
  } else if (/^skills?$/i.test(first.trim())) {
    body = lines.slice(1);
  }
  const skills = body
    .map((line) => (looksLikeCsv ? (csvFields(line)[column] ?? "") : line).trim())
    .filter((skill) => skill !== "");
  return [...new Set(skills)];
}
