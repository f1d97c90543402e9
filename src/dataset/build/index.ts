export {
  type BuildDatasetOptions,
  buildDataset,
  DEFAULT_DATASET_SEED,
  DEFAULT_SPLIT,
  segmentRule,
} from "./build-dataset.ts";
export {
  type BuildDocumentDatasetOptions,
  buildDocumentDataset,
  type DocumentExample,
  documentDatasetTasks,
  isDocumentDatasetTask,
} from "./build-document-dataset.ts";
export {
  type DocumentDatasetReport,
  documentDatasetReportSchema,
  documentReportMarkdown,
} from "./document-report.ts";
export {
  type DatasetSplit,
  datasetSplits,
  type PairExample,
  pairExampleSchema,
  pairKinds,
  type SegmentExample,
  segmentExampleSchema,
} from "./examples.ts";
export { type DatasetSplits, readDatasetSplits } from "./read-dataset.ts";
export { type CategoryCounts, type DatasetReport, datasetReportSchema, reportMarkdown } from "./report.ts";
export { segmentLabels } from "./segment-labels.ts";
export {
  assignSplits,
  givenSplit,
  type SplitBy,
  splitByChoices,
  splitDocuments,
  validateSplitFractions,
} from "./split-documents.ts";
