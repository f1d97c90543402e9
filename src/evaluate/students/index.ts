export {
  type Averages,
  type DocumentsEvaluation,
  type EvaluationDocument,
  type EvaluationSentence,
  evaluateOnDocuments,
  evaluateOnSentences,
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
