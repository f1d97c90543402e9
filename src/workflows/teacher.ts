import { UsageError } from "../core/errors.ts";
import { createLanguageModel, type ProviderName } from "../teacher/create-language-model.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import type { StructuredOutputMode } from "../teacher/providers/openai-provider.ts";

/** The OpenAI model used when neither `model` nor JOBDISTILL_TEACHER_MODEL names one (demo only). */
export const DEFAULT_DEMO_OPENAI_MODEL = "gpt-4o-mini";

export type TeacherProvider = ProviderName | "auto" | "none";

export interface TeacherChoice {
  /**
   * "auto": a local GGUF model when JOBDISTILL_LLAMA_MODEL is set, else an OpenAI-compatible
   * endpoint when OPENAI_API_KEY or OPENAI_BASE_URL is set, else none. "none": no teacher.
   * @default "openai"
   */
  provider?: TeacherProvider | undefined;
  /** A model name (openai; else JOBDISTILL_TEACHER_MODEL) or a GGUF path / hf: URI (llama; else JOBDISTILL_LLAMA_MODEL). */
  model?: string | undefined;
  /** The openai model when neither `model` nor JOBDISTILL_TEACHER_MODEL gives one. @default none: it is required */
  defaultOpenAiModel?: string | undefined;
  /** OpenAI-compatible endpoint (else OPENAI_BASE_URL). */
  baseUrl?: string | undefined;
  /** Else OPENAI_API_KEY; never stored. */
  apiKey?: string | undefined;
  /** llama: CPU threads. @default 1 */
  threads?: number | undefined;
  /** llama: context window in tokens. @default as much as fits, up to 16,384 */
  contextSize?: number | undefined;
  onDowngrade?: ((from: StructuredOutputMode, to: StructuredOutputMode, reason: string) => void) | undefined;
}

type Environment = Record<string, string | undefined>;

/** Which provider "auto" means in this environment, or undefined for none. */
function resolveProvider(provider: TeacherProvider, env: Environment): ProviderName | undefined {
  if (provider === "none") return undefined;
  if (provider !== "auto") return provider;
  if (env.JOBDISTILL_LLAMA_MODEL) return "llama";
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) return "openai";
  return undefined;
}

/** The model: explicit option, then environment variable, then default; the error names every place looked. */
export function resolveModel(provider: ProviderName, choice: TeacherChoice, env: Environment): string {
  const [variable, fallback, what] =
    provider === "llama"
      ? (["JOBDISTILL_LLAMA_MODEL", undefined, "a GGUF model (a path or an hf: URI)"] as const)
      : (["JOBDISTILL_TEACHER_MODEL", choice.defaultOpenAiModel, "the model name"] as const);
  const model = choice.model || env[variable] || fallback;
  if (!model)
    throw new UsageError(
      `${what} is missing: set the --model option or the ${variable} environment variable`,
    );
  return model;
}

/**
 * The teacher a run uses, from options and environment (label, demo, judge, serve all choose it
 * here), or undefined when the choice is none. All provider settings are resolved in this one place.
 */
export async function chooseTeacher(
  choice: TeacherChoice,
  env: Environment = process.env,
): Promise<LanguageModel | undefined> {
  const provider = resolveProvider(choice.provider ?? "openai", env);
  if (provider === undefined) return undefined;
  return createLanguageModel({
    provider,
    model: resolveModel(provider, choice, env),
    env,
    apiKey: choice.apiKey,
    baseUrl: choice.baseUrl,
    threads: choice.threads,
    contextSize: choice.contextSize,
    onDowngrade: choice.onDowngrade,
  });
}

/** Like chooseTeacher, for runs that cannot go without one. */
export async function createTeacher(
  choice: TeacherChoice,
  env: Environment = process.env,
): Promise<LanguageModel> {
  const model = await chooseTeacher(choice, env);
  if (model === undefined) {
    throw new UsageError(
      "no teacher LLM configured: give --provider and --model, or set OPENAI_API_KEY / OPENAI_BASE_URL or JOBDISTILL_LLAMA_MODEL",
    );
  }
  return model;
}
