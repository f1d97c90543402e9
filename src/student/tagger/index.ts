export type { LayerWeights, UpdateRule } from "./averaged-perceptron.ts";
export { type TaggerConfig, taggerConfigSchema } from "./config.ts";
export { type FeatureSettings, featureSettingsSchema } from "./features.ts";
export type { TagEncoding } from "./label-set.ts";
export { type TaggerLayer, TaggerModel, type TaggerParts } from "./model.ts";
export { deserialiseTagger, loadTagger, saveTagger, serialiseTagger } from "./serialise.ts";
export { refineSpanEdges, type SpanEdgeModel, trainSpanEdge } from "./span-edges.ts";
export {
  type TaggerSentence,
  type TaggerTrainOptions,
  taggerDefaults,
  trainTagger,
} from "./train.ts";
export { learnWordClusters, type WordClusterOptions } from "./word-clusters.ts";
