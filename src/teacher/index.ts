export {
  type BatchApi,
  type BatchOutputLine,
  finishedBatchStatuses,
  type ProviderBatch,
  type ProviderBatchStatus,
  providerBatchStatuses,
} from "./batch-api.ts";
export {
  createLanguageModel,
  type ProviderName,
  type ProviderOptions,
  providerNames,
} from "./create-language-model.ts";
export {
  ApiCallError,
  apiCallErrorFromStatus,
  ContentFilteredError,
  type FinishReason,
  InterruptedError,
  isRetryableStatus,
  NoObjectGeneratedError,
  parseRetryAfterMs,
  redactSecrets,
  type TokenUsage,
  TruncatedOutputError,
} from "./errors.ts";
export {
  FakeLanguageModel,
  type FakeLanguageModelOptions,
  type FakeResponse,
} from "./fake-language-model.ts";
export {
  type GenerateObjectHooks,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  generateObject,
} from "./generate-object.ts";
export type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";
export { parseJsonOutput, stripCodeFences } from "./parse-json-output.ts";
export {
  batchPriceTable,
  DEFAULT_BATCH_PRICE_FACTOR,
  estimateCost,
  findPrice,
  loadPrices,
  type ModelPrice,
  type PriceTable,
  priceTable,
  priceTableSchema,
} from "./prices.ts";
export { LlamaLanguageModel, type LlamaLanguageModelOptions } from "./providers/llama-provider.ts";
export {
  OpenAiLanguageModel,
  type OpenAiLanguageModelOptions,
  type StructuredOutputMode,
} from "./providers/openai-provider.ts";
export { RateLimiter, type RateLimits } from "./rate-limiter.ts";
export { defaultRetryPolicy, type RetryPolicy, retryDelayMs, withRetry } from "./retry-policy.ts";
export {
  defaultTeacherLimits,
  type RunTeacherOptions,
  runTeacher,
  type TeacherEvent,
  type TeacherGenerationParams,
  type TeacherLimits,
  type TeacherProgress,
  type TeacherRunEstimate,
  type TeacherRunSummary,
  teacherCallKey,
} from "./run-teacher.ts";
export { type ItemSelection, selectItems } from "./select-items.ts";
