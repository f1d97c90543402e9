export {
  type CategoryDescription,
  type CategoryQuery,
  categoryQueries,
  defaultQueryTemplate,
  requirementCategoryDescriptions,
} from "./category-queries.ts";
export {
  checkEncoder,
  type EncoderScoring,
  type EncoderScoringKind,
  EncoderSegmentClassifier,
  type EncoderSegmentClassifierConfig,
  encoderScoringKinds,
  encoderSegmentClassifierConfigSchema,
} from "./model.ts";
export {
  decodeEncoderSegmentClassifier,
  encodeEncoderSegmentClassifier,
  type LoadEncoderSegmentOptions,
  loadEncoderSegmentClassifier,
  saveEncoderSegmentClassifier,
} from "./serialize.ts";
export {
  categoryPrototypes,
  type EmbeddedSegmentExample,
  type EncoderFeatureSet,
  type EncoderHeadSettings,
  type EncoderSegmentTrainingOptions,
  encoderFeatureSets,
  encoderHeadSettingsSchema,
  type PairHeadOptions,
  trainEncoderSegmentClassifier,
  trainPairHeadSegmentClassifier,
  type ZeroShotOptions,
  zeroShotSegmentClassifier,
} from "./train.ts";
