import { basename } from "node:path";
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { errorMessage, JobdistillError } from "../../core/errors.ts";
import { InterruptedError, timeoutError } from "../errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../language-model.ts";

export interface LlamaLanguageModelOptions {
  /** A GGUF path, or an `hf:` URI that node-llama-cpp downloads and caches. */
  model: string;
  /** CPU threads. Set explicitly: the library default is pathological on small machines. */
  threads: number;
  /**
   * Context window in tokens. Default: as large as memory allows, up to the model's training
   * context and at most 16,384 (at least 4,096 where the model has that much): the requirements
   * prompt alone is about 4,800 tokens, so a fixed 4,096 failed every item.
   */
  contextSize?: number | undefined;
}

const MAX_DEFAULT_CONTEXT = 16_384;

type GrammarFor = Awaited<ReturnType<Llama["createGrammarForJsonSchema"]>>;
type NodeLlamaCpp = typeof import("node-llama-cpp");

/**
 * node-llama-cpp is an optional dependency, loaded only when the llama provider is used: it is large,
 * and a user who never runs a local model need not install it.
 */
async function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  try {
    return await import("node-llama-cpp");
  } catch (cause) {
    throw new JobdistillError(
      "the llama provider needs node-llama-cpp, an optional dependency that is not installed: run `npm install node-llama-cpp@3.21.1`",
      { code: "model-load", cause },
    );
  }
}

/**
 * A local GGUF model through node-llama-cpp, its output constrained by a grammar built from the
 * task's JSON Schema. The model is loaded once and calls take turns on one context sequence.
 */
export class LlamaLanguageModel implements LanguageModel {
  readonly provider = "llama";
  readonly modelId: string;
  private readonly grammars = new Map<string, Promise<GrammarFor>>();
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly library: NodeLlamaCpp,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    modelId: string,
  ) {
    this.modelId = modelId;
  }

  static async load(options: LlamaLanguageModelOptions): Promise<LlamaLanguageModel> {
    const library = await importNodeLlamaCpp();
    const { getLlama, LlamaLogLevel, resolveModelFile } = library;
    try {
      const modelPath = options.model.startsWith("hf:")
        ? await resolveModelFile(options.model, { cli: false })
        : options.model;
      const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
      const model = await llama.loadModel({ modelPath });
      const context = await model.createContext({
        threads: options.threads,
        contextSize: options.contextSize ?? {
          min: Math.min(4096, model.trainContextSize),
          max: Math.min(MAX_DEFAULT_CONTEXT, model.trainContextSize),
        },
      });
      const modelId = options.model.startsWith("hf:") ? options.model : basename(options.model);
      return new LlamaLanguageModel(library, llama, model, context, context.getSequence(), modelId);
    } catch (cause) {
      throw new JobdistillError(`cannot load the local model ${options.model}: ${errorMessage(cause)}`, {
        code: "model-load",
        cause,
      });
    }
  }

  /** The context window the model was given, in tokens. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    const result = this.turn.then(() => this.generateNow(request));
    this.turn = result.catch(() => undefined);
    return result;
  }

  private grammarFor(request: GenerateRequest): Promise<GrammarFor> {
    const key = JSON.stringify(request.jsonSchema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      const { $schema: _ignored, ...schema } = request.jsonSchema;
      grammar = this.llama.createGrammarForJsonSchema(
        schema as Parameters<Llama["createGrammarForJsonSchema"]>[0],
      );
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private async generateNow(request: GenerateRequest): Promise<GenerateResult> {
    if (request.signal?.aborted) throw new InterruptedError();
    const grammar = await this.grammarFor(request);
    const timeout = request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs);
    const signals = [request.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
    const system = request.messages.filter((m) => m.role === "system").map((m) => m.content);
    const conversation = request.messages.filter((m) => m.role !== "system");
    const last = conversation.at(-1);
    const session = new this.library.LlamaChatSession({
      contextSequence: this.sequence,
      ...(system.length > 0 ? { systemPrompt: system.join("\n\n") } : {}),
    });
    const before = this.sequence.tokenMeter.getState();
    try {
      // Earlier turns (a re-ask carries the previous answer) become the chat history.
      session.setChatHistory([
        ...session.getChatHistory().filter((item) => item.type === "system"),
        ...conversation
          .slice(0, -1)
          .map((message) =>
            message.role === "user"
              ? { type: "user" as const, text: message.content }
              : { type: "model" as const, response: [message.content] },
          ),
      ]);
      const answer = await session.promptWithMeta(last?.content ?? "", {
        grammar,
        ...(request.maxOutputTokens === undefined ? {} : { maxTokens: request.maxOutputTokens }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      });
      const after = this.sequence.tokenMeter.getState();
      return {
        text: answer.responseText,
        finishReason: answer.stopReason === "maxTokens" ? "length" : "stop",
        usage: {
          inputTokens: after.usedInputTokens - before.usedInputTokens,
          outputTokens: after.usedOutputTokens - before.usedOutputTokens,
        },
      };
    } catch (error) {
      if (request.signal?.aborted) throw new InterruptedError();
      if (timeout?.aborted) throw timeoutError(request.timeoutMs ?? 0);
      const prompt = request.messages.map((message) => message.content).join("\n");
      const promptTokens = this.countTokens(prompt);
      const contextSize = this.context.contextSize;
      const hint =
        promptTokens >= contextSize * 0.9
          ? ` (the prompt is about ${promptTokens} tokens and the model's context ${contextSize}: raise --context-size if the model was trained on more, or use a model with a longer context)`
          : "";
      throw new JobdistillError(`local model failed: ${errorMessage(error)}${hint}`, {
        code: "llama",
        cause: error,
      });
    } finally {
      session.dispose({ disposeSequence: false });
      this.sequence.clearHistory();
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
