/**
 * jobdistill as a library: the same steps the CLI runs, typed.
 *
 * ```js
 * import { openWorkspace, importDemoGold, train, predict } from "jobdistill";
 * const workspace = openWorkspace("./.jobdistill");
 * importDemoGold(workspace);
 * await train(workspace, { task: "requirements", source: "gold" });
 * const students = await predict(workspace);
 * await students.highlight({ text: "5+ years of Python; a driving licence is a must." });
 * ```
 */

// issue 14: roles that fit a person's skills, and the career advisor
export type {
  OccupationRef,
  RoleMatch,
  RoleQuery,
  RoleSuggestions,
  RolesPredictor,
  TitleMatch,
} from "./core/roles.ts";
export type { SourceDocument, Span } from "./core/types.ts";
export { importDemoGold, importSkillSpanGold } from "./dataset/gold/index.ts";
export {
  type ImportOptions,
  type ImportSummary,
  importDocuments,
} from "./dataset/import/import-documents.ts";
export { type DemoOptions, type DemoResult, runDemo } from "./pipeline/run-demo.ts";
export { DEFAULT_WORKSPACE_DIR, openWorkspace, type Workspace } from "./store/index.ts";
export { type LoadPredictorsOptions, loadPredictors as predict } from "./student/load-predictors.ts";
export type {
  HighlightResult,
  HighlightSpan,
  Predictors,
  SkillMention,
  SkillTypeRow,
} from "./student/predictors.ts";
export { type LoadRolesOptions, loadRolesPredictor } from "./student/roles/index.ts";
export { defineTask, type TaskDefinition, taskRegistry } from "./tasks/registry.ts";
export { requirementCategories, requirementCategoryIds } from "./tasks/requirements/labels.ts";
export { createLanguageModel, type ProviderOptions } from "./teacher/create-language-model.ts";
// Resume screening (issue 15): train the screen students, then rank documents with one.
export {
  type ActiveLearningOptions,
  type ActiveLearningResult,
  type AdviceFlag,
  type AdvisedRole,
  type AdviseRolesOptions,
  adviseRoles,
  chooseTeacher,
  type ExportSftOptions,
  evaluate,
  exportSft,
  formatRolesAdviceText,
  type GenerateOptions,
  type GenerationReport,
  generateDocuments,
  type LabellingResult,
  labelWorkspace as label,
  learningCurves,
  listRunLedger,
  loadGenerationSpec,
  openScreenModel,
  type PredictBatchOptions,
  type PredictBatchSummary,
  type PredictSource,
  predictBatch,
  predictStream,
  type RolesAdvice,
  readPredictInputs,
  readScreenInputs,
  runActiveLearning,
  runLedgerDetail,
  type ScreenRow,
  type SftExportReport,
  screenDocuments,
  suggestRoles,
  type TeacherChoice,
  type TrainedRolesModel,
  type TrainOptions,
  type TrainResult,
  type TrainRolesModelOptions,
  type TrainScreenOptions,
  type TrainScreenResult,
  train,
  trainRolesModel,
  trainScreenInWorkspace,
  type WorkspaceEvaluation,
  type WorkspaceEvaluationOptions,
  type WorkspaceTrainingOptions,
  type WorkspaceTrainingResult,
} from "./workflows/index.ts";
