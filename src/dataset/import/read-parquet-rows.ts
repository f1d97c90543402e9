import type { asyncBufferFromFile, parquetMetadataAsync } from "hyparquet";
import { InputError } from "../../core/errors.ts";
import type { ReadRow } from "./source-rows.ts";

/** Streams a Parquet file one row group at a time, so only one group is in memory. Line = row number. */
export async function* readParquetRows(path: string): AsyncGenerator<ReadRow> {
  // Loaded here, not at the top: every command that reads documents imports this module, few read Parquet.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (cause) {
    throw new InputError(`${path}: not a readable Parquet file: ${(cause as Error).message}`, { cause });
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (const [index, values] of rows.entries()) {
      yield { kind: "row", file: path, line: rowStart + index + 1, values };
    }
    rowStart = rowEnd;
  }
}
