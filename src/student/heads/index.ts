export {
  type AbstainChoice,
  type AbstainCriterion,
  chooseAbstainThreshold,
  fitPlatt,
  fitPlattPerLabel,
  fitTemperature,
  type PlattParameters,
  type ReliabilityBin,
  type ReliabilityCurve,
  reliabilityCurve,
} from "./calibration.ts";
export { type DenseLayer, type HeadExample, type HeadKind, type HeadOutput, headKinds } from "./head.ts";
export {
  type HeadDevData,
  type HeadHyperparameters,
  type HeadOptions,
  type HeadTrainingProgress,
  headOptionsSchema,
  trainHead,
} from "./train-head.ts";
export {
  type HeadConfig,
  type HeadLayer,
  type HeadModelParts,
  type HeadSectionReader,
  headConfigSchema,
  headFromModelParts,
  TrainedHead,
} from "./trained-head.ts";
