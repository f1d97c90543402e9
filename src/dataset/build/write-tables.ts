import { closeSync, openSync, writeSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import type { SchemaElement } from "hyparquet";
import { parquetWriteFile } from "hyparquet-writer";

export type ColumnKind = "string" | "int" | "boolean" | "string-list";
export interface TableColumn {
  name: string;
  kind: ColumnKind;
}

/** One JSON object per line with the same keys in the same order: what `datasets` expects. */
export function writeJsonl(path: string, columns: readonly TableColumn[], rows: readonly object[]): void {
  const fd = openSync(path, "w");
  try {
    for (const row of rows) {
      const values = row as Record<string, unknown>;
      writeSync(
        fd,
        `${JSON.stringify(Object.fromEntries(columns.map((column) => [column.name, values[column.name]])))}\n`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

const csvCell = (value: unknown, kind: ColumnKind): string =>
  kind === "string-list" ? (value as string[]).join("|") : String(value);

/** RFC 4180 CSV with a header (quoted by csv-stringify); list columns are joined with "|". */
export function writeCsv(path: string, columns: readonly TableColumn[], rows: readonly object[]): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, stringify([columns.map((column) => column.name)]));
    for (const row of rows) {
      const values = row as Record<string, unknown>;
      writeSync(fd, stringify([columns.map((column) => csvCell(values[column.name], column.kind))]));
    }
  } finally {
    closeSync(fd);
  }
}

/** Parquet with real types: strings as UTF8, integers as INT32, booleans as BOOLEAN, lists as LIST<UTF8>. */
export function writeParquet(path: string, columns: readonly TableColumn[], rows: readonly object[]): void {
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }];
  for (const column of columns) {
    if (column.kind === "string-list") {
      schema.push(
        { name: column.name, repetition_type: "REQUIRED", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: "REQUIRED", type: "BYTE_ARRAY", converted_type: "UTF8" },
      );
    } else if (column.kind === "int") {
      schema.push({ name: column.name, repetition_type: "REQUIRED", type: "INT32" });
    } else if (column.kind === "boolean") {
      schema.push({ name: column.name, repetition_type: "REQUIRED", type: "BOOLEAN" });
    } else {
      schema.push({
        name: column.name,
        repetition_type: "REQUIRED",
        type: "BYTE_ARRAY",
        converted_type: "UTF8",
      });
    }
  }
  parquetWriteFile({
    filename: path,
    schema,
    columnData: columns.map((column) => ({
      name: column.name,
      data: rows.map((row) => (row as Record<string, unknown>)[column.name]),
    })),
  });
}
