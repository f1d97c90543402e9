import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";

/** One scripted answer: text (finish reason stop), a full result, an error to throw, or a function of the request. */
export type FakeResponse =
  | string
  | Partial<GenerateResult>
  | Error
  | ((request: GenerateRequest, callIndex: number) => FakeResponse | Promise<FakeResponse>);

export interface FakeLanguageModelOptions {
  provider?: string;
  modelId?: string;
  /** Answers in order; when they run out, `fallback` answers (default: an error). */
  responses?: FakeResponse[];
  fallback?: FakeResponse;
}

/**
 * A LanguageModel for tests: answers from a script and records every request, so a test can
 * assert what the engine sent (after vercel/ai's MockLanguageModel).
 */
export class FakeLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  readonly calls: GenerateRequest[] = [];
  private readonly responses: FakeResponse[];
  private readonly fallback: FakeResponse | undefined;

  constructor(options: FakeLanguageModelOptions = {}) {
    this.provider = options.provider ?? "fake";
    this.modelId = options.modelId ?? "fake-model";
    this.responses = [...(options.responses ?? [])];
    this.fallback = options.fallback;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const callIndex = this.calls.length;
    this.calls.push(request);
    const scripted = this.responses.shift() ?? this.fallback;
    if (scripted === undefined)
      throw new Error(`FakeLanguageModel: no response scripted for call ${callIndex}`);
    return this.resolve(scripted, request, callIndex);
  }

  private async resolve(
    response: FakeResponse,
    request: GenerateRequest,
    callIndex: number,
  ): Promise<GenerateResult> {
    if (typeof response === "function")
      return this.resolve(await response(request, callIndex), request, callIndex);
    if (response instanceof Error) throw response;
    const text = typeof response === "string" ? response : (response.text ?? "");
    const defaults: GenerateResult = {
      text,
      finishReason: "stop",
      usage: {
        inputTokens: this.countTokens(request.messages.map((m) => m.content).join("\n")),
        outputTokens: this.countTokens(text),
      },
    };
    return typeof response === "string" ? defaults : { ...defaults, ...response };
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }
}
