import { JobdistillError } from "../../core/errors.ts";
import type { ChatMessage } from "../../core/task.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../language-model.ts";

/**
 * Answers a request from recorded answers instead of asking a model: the demo's teacher when no LLM
 * is configured. The engine runs exactly as with a real provider (prompting, call cache, parsing,
 * validation, quote alignment), only the answer comes from `answerFor`.
 */
export interface ReplayLanguageModelOptions {
  /** Stands in the call cache's key and the run ledger, like a provider name. */
  provider?: string;
  /** Names what is replayed (and its version), so answers of another recording are never reused. */
  modelId: string;
  /** The recorded answer text for a request, or undefined when nothing was recorded for it. */
  answerFor: (messages: readonly ChatMessage[]) => string | undefined;
}

export class ReplayLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  private readonly answerFor: ReplayLanguageModelOptions["answerFor"];

  constructor(options: ReplayLanguageModelOptions) {
    this.provider = options.provider ?? "replay";
    this.modelId = options.modelId;
    this.answerFor = options.answerFor;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    request.signal?.throwIfAborted();
    const text = this.answerFor(request.messages);
    if (text === undefined) {
      // Not retryable: asking again replays the same recording.
      throw new JobdistillError(`${this.provider}/${this.modelId} has no recorded answer for this request`, {
        code: "api-call",
        isRetryable: false,
      });
    }
    const prompt = request.messages.map((message) => message.content).join("\n");
    return {
      text,
      finishReason: "stop",
      usage: { inputTokens: this.countTokens(prompt), outputTokens: this.countTokens(text) },
    };
  }

  /** A rough count (4 characters a token), so the ledger's token figures mean something. */
  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }
}
