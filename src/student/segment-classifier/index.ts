export { fitPlatt, fitTemperature, type PlattParameters, tuneThreshold } from "./calibration.ts";
export { type FeatureConfig, FeatureExtractor, featureConfigSchema } from "./features.ts";
export {
  type Calibration,
  calibrationSchema,
  SegmentClassifier,
  type SegmentClassifierConfig,
  type SegmentClassifierMode,
  type SegmentPrediction,
  segmentClassifierConfigSchema,
  segmentClassifierModes,
} from "./model.ts";
export type { SegmentScorer } from "./segment-scorer.ts";
export {
  decodeSegmentClassifier,
  encodeSegmentClassifier,
  loadSegmentClassifier,
  saveSegmentClassifier,
} from "./serialize.ts";
export {
  type SegmentClassifierHyperparameters,
  type SegmentClassifierTrainingOptions,
  type SegmentExample,
  segmentClassifierHyperparametersSchema,
  type TrainingProgress,
  trainSegmentClassifier,
} from "./train.ts";
