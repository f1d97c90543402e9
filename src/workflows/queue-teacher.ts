import { UsageError } from "../core/errors.ts";
import type { LanguageModel } from "../teacher/language-model.ts";
import { openJobClient, type QueueConnection, queueLanguageModel } from "../teacher/queue/index.ts";
import { resolveModel, type TeacherChoice } from "./teacher.ts";

/**
 * The coordinator's teacher for `label --queue`: every request becomes a job that a
 * `jobdistill worker` answers. It names the provider and model the workers call (the same
 * `--provider`/`--model`/JOBDISTILL_TEACHER_MODEL as online labelling), so answers are cached under
 * the keys an online run would use; no endpoint or key is needed here.
 */
export async function openQueueTeacher(
  choice: Pick<TeacherChoice, "provider" | "model">,
  connection: QueueConnection,
  options: {
    onWarning?: ((message: string) => void) | undefined;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<LanguageModel> {
  const provider = choice.provider ?? "openai";
  // A local GGUF model is named by its file, which each machine has at its own path.
  if (provider !== "openai") {
    throw new UsageError(`--queue serves OpenAI-compatible endpoints (--provider openai), not ${provider}`);
  }
  const modelId = resolveModel(provider, choice, options.env ?? process.env);
  const client = await openJobClient({ connection, onWarning: options.onWarning });
  return { ...queueLanguageModel(client, provider, modelId), close: () => client.close() };
}
