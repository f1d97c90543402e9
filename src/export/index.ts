export {
  type EncoderHeadExportOptions,
  type EncoderHeadExportSummary,
  exportEncoderHead,
} from "./encoder-head.ts";
export { type EncoderStudentExportSummary, exportEncoderStudent } from "./encoder-student-export.ts";
export {
  buildLexicalExport,
  exportModelAsOnnx,
  exportOnnx,
  type OnnxExportSummary,
} from "./export-model-file.ts";
export { type PaddedIds, padFeatureIds } from "./feature-rows.ts";
export {
  emissionOutput,
  exportSegmentClassifier,
  exportSkillType,
  exportTagger,
  type LexicalExport,
  type TestVector,
} from "./lexical-export.ts";
