export {
  type EvaluationSplit,
  evaluateStudentsInWorkspace,
  evaluationSplits,
  type WorkspaceEvaluation,
  type WorkspaceEvaluationOptions,
} from "./evaluate-in-workspace.ts";
export {
  type Averages,
  type DocumentsEvaluation,
  type EvaluationDocument,
  evaluateOnDocuments,
  evaluatePredictedSpans,
  type LabelScoreRow,
  type ScoreTable,
  type SegmentEvaluation,
  type SpanEvaluation,
} from "./evaluate-students.ts";
export {
  type ReferenceResult,
  renderStudentEvaluation,
  type StudentEvaluationReport,
} from "./render-report.ts";
export { type ConfusionMatrix, NO_CATEGORY, segmentConfusion } from "./segment-confusion.ts";
