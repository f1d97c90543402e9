import type { ChatMessage } from "../core/task.ts";
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
  close?(): Promise<void>;
}
