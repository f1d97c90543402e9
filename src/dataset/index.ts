export * from "./build/index.ts";
export * from "./dedupe/index.ts";
export {
  classifyLabels,
  documentLabel,
  type LabelledWholeDocument,
  labelledDocuments,
} from "./document-labels.ts";
export { labelledText } from "./document-text.ts";
export * from "./formats/skill-span.ts";
export * from "./gold/index.ts";
export * from "./import/index.ts";
export { type AnnotationSelection, type LabelledDocument, selectAnnotations } from "./select-annotations.ts";
export { type TaskLabel, taskLabels } from "./task-labels.ts";
