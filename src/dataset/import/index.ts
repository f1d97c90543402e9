export {
  type ImportFileKind,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  importDocuments,
  importFileKind,
  type RefusedRow,
} from "./import-documents.ts";
export { defaultIdColumns, defaultTextColumns, rowToDocument } from "./row-to-document.ts";
