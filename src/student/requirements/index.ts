export { requirementsStudentDefaults } from "./definition.ts";
export { extractSkillMentions } from "./extract-skill-mentions.ts";
export {
  type HighlightOptions,
  highlightRequirements,
  type RequirementStudents,
} from "./highlight-requirements.ts";
export { parseDatasetConll, readStudentDataset } from "./read-student-dataset.ts";
export {
  type SplitName,
  type StudentSplit,
  type StudentTrainingData,
  splitNames,
  trainingDataFromDocuments,
} from "./student-data.ts";
export { type TaggedSegment, type TaggedSpan, taggedConll, tagSegments, visibleText } from "./tag-text.ts";
export {
  type SegmentEmbeddings,
  type SplitCounts,
  type StudentTrainingOptions,
  type StudentTrainingProgress,
  type StudentTrainingReport,
  type TrainedStudents,
  trainRequirementStudents,
} from "./train-students.ts";
export {
  documentSegmentExamples,
  documentSentences,
  type LabelledDocument,
  type LabelledSpan,
  type TokenisedSegment,
  tokenisedSegments,
} from "./training-examples.ts";
export {
  readTrainingSplits,
  type TrainingSplits,
  trainingSplitsFile,
  trainingSplitsSchema,
  writeTrainingSplits,
} from "./training-splits.ts";
