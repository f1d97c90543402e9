export { type ChunkOptions, chunkDocument, chunkSourceDocument } from "./chunk.ts";
export * from "./demo-corpus.ts";
export * from "./labels.ts";
export { mergeChunkSpans } from "./merge-chunk-spans.ts";
export {
  buildRequirementsMessages,
  buildRequirementsSystemPrompt,
  buildRequirementsUserPrompt,
} from "./prompt.ts";
export {
  type RequirementSpan,
  type RequirementsInput,
  type RequirementsOutput,
  requirementSpanSchema,
  requirementsInputSchema,
  requirementsOutputSchema,
} from "./schema.ts";
export {
  computeRequirementsTaskVersion,
  createRequirementsTask,
  type RequirementsAnnotationData,
  type RequirementsTaskOptions,
  requirementsTask,
  requirementsTaskName,
  requirementsTaskVersion,
} from "./task.ts";
