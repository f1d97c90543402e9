export { type Chunking, type ChunkingOptions, chunkingSchema, documentChunks } from "./chunks.ts";
export { screenStudentDefaults } from "./definition.ts";
export {
  EncoderScreenClassifier,
  type EncoderScreenConfig,
  embedDocumentChunks,
  NgramScreenClassifier,
  type NgramScreenConfig,
  poolChunkVectors,
  type ScreenClassifier,
  type ScreenConfig,
  type ScreenOptions,
  type ScreenResult,
  type ScreenSentence,
  type ScreenStudentKind,
  screenConfigSchema,
  screenStudentKinds,
} from "./model.ts";
export {
  decodeScreenClassifier,
  encodeScreenClassifier,
  type LoadScreenOptions,
  loadScreenClassifier,
  saveScreenClassifier,
} from "./serialize.ts";
export {
  type EncoderScreenTrainingOptions,
  holdOutPerLabel,
  type NgramScreenTrainingOptions,
  type ScreenTrainingExample,
  type ScreenTrainingOptions,
  trainEncoderScreenStudent,
  trainNgramScreenStudent,
} from "./train.ts";
