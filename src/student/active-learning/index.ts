export {
  segmentClassifierUncertainty,
  segmentUncertainty,
  taggerUncertainty,
  thresholdMargin,
} from "./uncertainty.ts";
