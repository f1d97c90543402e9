export { type CreateEncoderOptions, createEncoder } from "./create-encoder.ts";
export {
  type EmbeddingCache,
  type EmbeddingProgress,
  type EmbedWithCacheOptions,
  embedWithCache,
  InMemoryEmbeddingCache,
  textHash,
} from "./embedding-cache.ts";
export { type EncoderReference, encoderReference, isSameEncoder, type SentenceEncoder } from "./encoder.ts";
export {
  type EncoderSpec,
  encoderIdForms,
  formatEncoderId,
  type Pooling,
  parseEncoderId,
  poolings,
} from "./encoder-id.ts";
export { createHfEncoder, type HfEncoderOptions, localFolder, weightsHash } from "./hf-encoder.ts";
export {
  type ModelCardPooling,
  type ResolvedHfSpec,
  readModelCardPooling,
  resolveHfSpec,
} from "./model-card.ts";
// Types only: the openai encoder (and the openai SDK, some 150 modules) loads when `createEncoder`
// is asked for an `openai:` id, not whenever a student that might use an encoder is loaded.
export type { EmbeddingUsage, OpenAiEncoder, OpenAiEncoderOptions } from "./openai-encoder.ts";
export { createUseLiteEncoder, USE_LITE_ID, type UseLiteOptions } from "./use-lite.ts";
export { cosineSimilarity, dot, normalizeInPlace } from "./vectors.ts";
