export {
  binaryDocumentExtensions,
  type ExtractedText,
  extractDocumentText,
  htmlExtensions,
  isExtractableFileName,
  textExtensions,
} from "./extract-document-text.ts";
export {
  type ImportFileKind,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  importDocuments,
  importFileKind,
  type RefusedRow,
} from "./import-documents.ts";
export { readCsvHeader, readCsvRows } from "./read-csv-rows.ts";
export { isDocumentFileName, listDocumentFiles, readFolderRows } from "./read-folder-rows.ts";
export { readJsonlRows } from "./read-jsonl-rows.ts";
export { defaultIdColumns, defaultTextColumns, rowToDocument } from "./row-to-document.ts";
export type { BadSourceRow, ReadRow, SourceRow } from "./source-rows.ts";
