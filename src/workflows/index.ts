/**
 * The application layer: the use cases every adapter (CLI, HTTP server, demo, benches, the library
 * entry) calls. A workflow wires the lower layers together — the store, the teacher, tasks, datasets,
 * students and evaluation — and returns plain results; adapters only parse arguments and print.
 * A capability reachable from one adapter is reachable from all, because each one calls the same
 * function here.
 */
// train and evaluate (issue 11 §1)

// active learning (issue 17)
export * from "./active-learning.ts";
export {
  deduplicatedView,
  type EvaluationSplit,
  evaluate,
  evaluationSplits,
  publishedSkillSpanView,
  type WorkspaceEvaluation,
  type WorkspaceEvaluationOptions,
} from "./evaluate.ts";
// export onnx (issue 13)
export * from "./export-onnx.ts";
// export sft (issue 16)
export * from "./export-sft.ts";
// generate: synthetic documents from a spec, with quality gates (issue 15)
export {
  describeGenerationReport,
  type GenerateOptions,
  type GenerationLabelReport,
  type GenerationRejection,
  type GenerationReport,
  type GenerationReportSummary,
  type GenerationResult,
  type GenerationStop,
  generateDocuments,
  generatedSource,
  generationReportOf,
  loadGenerationSpec,
  seedReader,
  writeGeneratedJsonl,
} from "./generate.ts";
// judge (issue 11 §5)
export { formatJudgeSpend, type JudgeLabelsOptions, type JudgeLabelsResult, judgeLabels } from "./judge.ts";
// Labelling: the teacher, the run, and the run ledger
export {
  type LabellingPlan,
  type LabellingPlanOptions,
  type LabellingResult,
  labelWorkspace,
  planLabelling,
  type RunLabellingOptions,
  runLabelling,
} from "./label.ts";
// label --batch: provider Batch APIs (issue 16)
export {
  BATCH_RUN_KEY,
  type BatchEvent,
  type BatchLabellingOptions,
  type BatchLabellingResult,
  type BatchPlan,
  cancelBatch,
  collectBatches,
  DEFAULT_BATCH_MAX_BYTES,
  DEFAULT_BATCH_MAX_REQUESTS,
  labelInBatches,
  listBatches,
  storedBatchPlans,
} from "./label-batch.ts";
// predict: streaming batch prediction, and the worker-thread pool it (and the server) predicts on.
export * from "./predict.ts";
// The Redis queue's workflows (issue 16) are imported from their own files (queue-teacher.ts,
// queue-worker.ts, predict-queue.ts): re-exported here, they would load BullMQ for every command.
// issue 14: the roles student's suggestions and the career advisor
export {
  type AdviceCallCache,
  type AdviceFlag,
  type AdviceFlagKind,
  type AdviceSpend,
  type AdvisedRole,
  type AdviseRolesOptions,
  adviceFlagKinds,
  adviseRoles,
  type CandidateDecision,
  checkAdvice,
  cleanSkills,
  type RolesAdvice,
  type SkillAssessment,
  suggestRoles,
} from "./roles-advice.ts";
export { formatRoleSuggestionsText, formatRolesAdviceText } from "./roles-advice-text.ts";
export { openRolesModel } from "./roles-model.ts";
// roles train (issue 14)
export {
  resolveOnetDir,
  type TrainedRolesModel,
  type TrainRolesModelOptions,
  trainRolesModel,
} from "./roles-train.ts";
export {
  listRunLedger,
  type RunLedgerDetail,
  type RunLedgerEntry,
  type RunLedgerSource,
  runLedgerDetail,
} from "./runs.ts";
// issue 15: resume screening (train --task screen, screen, /v1/screen)
export {
  openScreenModel,
  type ReadScreenInputsOptions,
  readScreenInputs,
  type ScreenDocumentsOptions,
  type ScreenFailure,
  type ScreenInput,
  type ScreenRow,
  screenDocuments,
  screenRowsToCsv,
  type TrainedScreenStudent,
  type TrainScreenOptions,
  type TrainScreenResult,
  trainScreenInWorkspace,
} from "./screen.ts";
// issue 13: embedding segments for an encoder-backed segment classifier (train --encoder)
export { type EmbeddingProgress, embedSegmentTexts } from "./segment-embeddings.ts";
export {
  chooseTeacher,
  createTeacher,
  DEFAULT_DEMO_OPENAI_MODEL,
  type TeacherChoice,
  type TeacherProvider,
} from "./teacher.ts";
export {
  type TrainOptions,
  type TrainResult,
  train,
  trainSpanStudents,
  type WorkspaceTrainingOptions,
  type WorkspaceTrainingResult,
} from "./train.ts";
export {
  type TrainEncoderSkillTypeOptions,
  type TrainedSkillType,
  type TrainSkillTypeInWorkspaceOptions,
  trainEncoderSkillTypeInWorkspace,
  trainSkillTypeInWorkspace,
} from "./train-skill-type.ts";
export * from "./unfinished-run.ts";
