export {
  LEAST_SURE_SEGMENTS,
  type SegmentAggregation,
  segmentAggregations,
  segmentClassifierUncertainty,
  segmentUncertainty,
  taggerUncertainty,
  thresholdMargin,
} from "./uncertainty.ts";
