import type { ChatMessage } from "../core/task.ts";
import type { BatchApi } from "./batch-api.ts";
import type { FinishReason, TokenUsage } from "./errors.ts";

export interface GenerateRequest {
  messages: ChatMessage[];
  /** The answer's JSON Schema: drives `response_format` or a grammar. */
  jsonSchema: Record<string, unknown>;
  schemaName: string;
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The engine's cache key of the item this request is for: a provider batch files the answer under
   * it (src/teacher/batch-answers-model.ts); an online model ignores it.
   */
  callKey?: string;
}

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
}

/** One interface over every provider; the engine and tasks see nothing else. */
export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  countTokens?(text: string): number;
  /** The provider's Files and Batches endpoints, when it has them (`label --batch`). */
  batchApi?(): BatchApi;
  close?(): Promise<void>;
}
