import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError, UsageError } from "../../core/errors.ts";

/**
 * One technology an occupation uses; `hot` is O*NET's "Hot Technology" flag, `commodity` its
 * UNSPSC commodity title ("Data base user interface and query software").
 */
export interface OnetTechnology {
  name: string;
  hot: boolean;
  commodity: string;
}

/** An occupation as the O*NET text export describes it (only occupations with technologies or tasks). */
export interface OccupationProfile {
  /** O*NET-SOC code, e.g. `15-1252.00`. */
  code: string;
  title: string;
  description: string;
  technologies: OnetTechnology[];
  tasks: string[];
  alternateTitles: string[];
  reportedTitles: string[];
}

/** The O*NET files the profiles are read from, and the columns each must have. */
const onetFiles = {
  occupations: { file: "Occupation_Data.txt", columns: ["O*NET-SOC Code", "Title", "Description"] },
  technologies: {
    file: "Technology_Skills.txt",
    columns: ["O*NET-SOC Code", "Example", "Commodity Title", "Hot Technology"],
  },
  tasks: { file: "Task_Statements.txt", columns: ["O*NET-SOC Code", "Task"] },
  alternateTitles: { file: "Alternate_Titles.txt", columns: ["O*NET-SOC Code", "Alternate Title"] },
  reportedTitles: {
    file: "Sample_of_Reported_Titles.txt",
    columns: ["O*NET-SOC Code", "Reported Job Title"],
  },
} as const;

const socCode = /^\d{2}-\d{4}\.\d{2}$/;
const rowsSchema = z.array(z.array(z.string()));

/**
 * The rows of one O*NET tab-separated file as records keyed by the wanted columns. O*NET's text
 * export quotes nothing (a `"` inside a task is a literal inch mark), so quoting is off.
 */
function readOnetTable(
  dir: string,
  spec: { file: string; columns: readonly string[] },
): Record<string, string>[] {
  const path = join(dir, spec.file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new UsageError(
      `cannot read the O*NET file ${path} (${(cause as NodeJS.ErrnoException).code ?? cause})`,
      {
        file: path,
      },
    );
  }
  let rows: string[][];
  try {
    rows = rowsSchema.parse(
      parse(text, {
        delimiter: "\t",
        quote: false,
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
      }),
    );
  } catch (cause) {
    throw new InputError(`${path} is not a readable tab-separated file: ${String(cause)}`, {
      cause,
      data: { file: path },
    });
  }
  const header = rows[0];
  if (header === undefined)
    throw new InputError(`${path} is empty (expected a header row)`, { data: { file: path } });
  const indexes = spec.columns.map((column) => header.indexOf(column));
  const missing = spec.columns.filter((_, i) => indexes[i] === -1);
  if (missing.length > 0) {
    throw new InputError(
      `${path} has no column ${missing.map((column) => `"${column}"`).join(", ")} (header: ${header.join(", ")})`,
      { data: { file: path } },
    );
  }
  const records: Record<string, string>[] = [];
  for (let line = 1; line < rows.length; line++) {
    const row = rows[line] as string[];
    const record: Record<string, string> = {};
    spec.columns.forEach((column, i) => {
      record[column] = (row[indexes[i] as number] ?? "").trim();
    });
    const code = record["O*NET-SOC Code"] ?? "";
    if (!socCode.test(code)) {
      throw new InputError(`${path} row ${line + 1}: "${code}" is not an O*NET-SOC code`, {
        data: { file: path, row: line + 1 },
      });
    }
    records.push(record);
  }
  return records;
}

/**
 * Every occupation that has technologies or task statements, in code order, from an O*NET text
 * export folder (O*NET 29.2: 923 of the 1,016 occupations). Distinct items only, in file order.
 */
export function readOnetProfiles(dir: string): OccupationProfile[] {
  const byCode = new Map<string, OccupationProfile>();
  for (const row of readOnetTable(dir, onetFiles.occupations)) {
    const code = row["O*NET-SOC Code"] as string;
    byCode.set(code, {
      code,
      title: row.Title ?? "",
      description: row.Description ?? "",
      technologies: [],
      tasks: [],
      alternateTitles: [],
      reportedTitles: [],
    });
  }
  const profileOf = (code: string, file: string): OccupationProfile | undefined => {
    const profile = byCode.get(code);
    if (profile === undefined) {
      throw new InputError(`${join(dir, file)}: occupation ${code} is not in ${onetFiles.occupations.file}`, {
        data: { file: join(dir, file) },
      });
    }
    return profile;
  };
  const seen = new Set<string>();
  const once = (code: string, kind: string, item: string): boolean => {
    const key = `${code}\u0000${kind}\u0000${item.toLowerCase()}`;
    if (item.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const row of readOnetTable(dir, onetFiles.technologies)) {
    const code = row["O*NET-SOC Code"] as string;
    const name = row.Example ?? "";
    const profile = profileOf(code, onetFiles.technologies.file);
    if (profile && once(code, "t", name))
      profile.technologies.push({
        name,
        hot: row["Hot Technology"] === "Y",
        commodity: row["Commodity Title"] ?? "",
      });
  }
  for (const row of readOnetTable(dir, onetFiles.tasks)) {
    const code = row["O*NET-SOC Code"] as string;
    const task = row.Task ?? "";
    const profile = profileOf(code, onetFiles.tasks.file);
    if (profile && once(code, "k", task)) profile.tasks.push(task);
  }
  for (const row of readOnetTable(dir, onetFiles.alternateTitles)) {
    const code = row["O*NET-SOC Code"] as string;
    const title = row["Alternate Title"] ?? "";
    const profile = profileOf(code, onetFiles.alternateTitles.file);
    if (profile && once(code, "a", title)) profile.alternateTitles.push(title);
  }
  for (const row of readOnetTable(dir, onetFiles.reportedTitles)) {
    const code = row["O*NET-SOC Code"] as string;
    const title = row["Reported Job Title"] ?? "";
    const profile = profileOf(code, onetFiles.reportedTitles.file);
    if (profile && once(code, "r", title)) profile.reportedTitles.push(title);
  }
  return [...byCode.values()]
    .filter((profile) => profile.technologies.length > 0 || profile.tasks.length > 0)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** The SOC major group of an O*NET-SOC code: its first two digits (`15` of `15-1252.00`). */
export function socMajorGroup(code: string): string {
  return code.slice(0, 2);
}
