export { type ChunkOptions, chunkDocument, chunkSourceDocument } from "./chunk.ts";
export * from "./demo-corpus.ts";
export { highlightWithTeacher, type TeacherHighlight } from "./highlight-with-teacher.ts";
export * from "./labels.ts";
export { type MergedRequirementsPayload, mergeChunkPayloads, mergeChunkSpans } from "./merge-chunk-spans.ts";
export {
  buildRequirementsMessages,
  buildRequirementsSystemPrompt,
  buildRequirementsUserPrompt,
} from "./prompt.ts";
export {
  alignmentStatsSchema,
  type RequirementSpan,
  type RequirementsAnnotationData,
  type RequirementsInput,
  type RequirementsOutput,
  requirementSpanSchema,
  requirementsAnnotationDataSchema,
  requirementsInputSchema,
  requirementsOutputSchema,
} from "./schema.ts";
export {
  computeRequirementsTaskVersion,
  createRequirementsTask,
  type RequirementsTaskOptions,
  requirementsTask,
  requirementsTaskName,
  requirementsTaskVersion,
} from "./task.ts";
