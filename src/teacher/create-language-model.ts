import { UsageError } from "../core/errors.ts";
import { hasUserInfo, redactUrl } from "../core/redact-url.ts";
import type { LanguageModel } from "./language-model.ts";
import { type ProviderName, providerNames } from "./provider-names.ts";
import { LlamaLanguageModel } from "./providers/llama-provider.ts";
import { OpenAiLanguageModel, type StructuredOutputMode } from "./providers/openai-provider.ts";

export { type ProviderName, providerNames } from "./provider-names.ts";

export interface ProviderOptions {
  provider: ProviderName;
  /** A model name (openai) or a GGUF path / `hf:` URI (llama). */
  model?: string | undefined;
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  /** llama only: CPU threads (default 1). */
  threads?: number | undefined;
  /** llama only: context window in tokens (default: as much as fits, up to 16,384). */
  contextSize?: number | undefined;
  /** Where to look for OPENAI_API_KEY and OPENAI_BASE_URL (default process.env). */
  env?: Record<string, string | undefined>;
  onDowngrade?: ((from: StructuredOutputMode, to: StructuredOutputMode, reason: string) => void) | undefined;
}

/** Explicit option, then environment variable, then default; the error names every place looked. */
function resolveSetting(
  description: string,
  option: { value: string | undefined; flag: string },
  environment?: { value: string | undefined; variable: string },
): string {
  if (option.value !== undefined && option.value !== "") return option.value;
  if (environment?.value !== undefined && environment.value !== "") return environment.value;
  const places = [
    `the ${option.flag} option`,
    ...(environment ? [`the ${environment.variable} environment variable`] : []),
  ];
  throw new UsageError(`${description} is missing: set ${places.join(" or ")}`);
}

/** Builds the model a run uses. All provider configuration is resolved here and nowhere else. */
export async function createLanguageModel(options: ProviderOptions): Promise<LanguageModel> {
  const env = options.env ?? process.env;
  if (options.provider === "openai") {
    const model = resolveSetting("the model name", { value: options.model, flag: "--model" });
    const apiKey = resolveSetting(
      "an API key",
      { value: options.apiKey, flag: "--api-key" },
      { value: env.OPENAI_API_KEY, variable: "OPENAI_API_KEY" },
    );
    const baseUrl = options.baseUrl ?? (env.OPENAI_BASE_URL || undefined);
    if (baseUrl !== undefined && hasUserInfo(baseUrl)) {
      // fetch refuses such a URL, which would surface only as a network error after every retry.
      throw new UsageError(
        `the base URL ${redactUrl(baseUrl).url}${options.baseUrl === undefined ? " (from OPENAI_BASE_URL)" : ""} ` +
          "carries a user name and password (user:password@), which an OpenAI-compatible endpoint does not take: " +
          "remove them from the URL and give the key with --api-key or OPENAI_API_KEY",
      );
    }
    return new OpenAiLanguageModel({
      model,
      apiKey,
      baseUrl,
      onDowngrade: options.onDowngrade,
    });
  }
  if (options.provider === "llama") {
    const model = resolveSetting("a GGUF model (a path or an hf: URI)", {
      value: options.model,
      flag: "--model",
    });
    return LlamaLanguageModel.load({
      model,
      threads: options.threads ?? 1,
      contextSize: options.contextSize,
    });
  }
  throw new UsageError(
    `unknown provider ${String(options.provider)}: use one of ${providerNames.join(", ")}`,
  );
}
