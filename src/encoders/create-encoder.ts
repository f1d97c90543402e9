import type { SentenceEncoder } from "./encoder.ts";
import { parseEncoderId } from "./encoder-id.ts";
import { createHfEncoder } from "./hf-encoder.ts";
import type { OpenAiEncoderOptions } from "./openai-encoder.ts";
import { createUseLiteEncoder } from "./use-lite.ts";

export interface CreateEncoderOptions {
  /** Texts per call into a local model. @default 64 */
  batchSize?: number | undefined;
  /** Where JOBDISTILL_OFFLINE (hf:) and the endpoint settings (openai:) are read. @default process.env */
  env?: Record<string, string | undefined> | undefined;
  /** openai: the endpoint, key, retry policy, rate limits, prices and usage callback (the model is in the id). */
  openai?: Omit<OpenAiEncoderOptions, "model" | "env" | "batchSize"> | undefined;
}

/** The encoder an id names (`use-lite`, `hf:…`, `openai:…`), loaded and ready to embed. */
export async function createEncoder(
  id: string,
  options: CreateEncoderOptions = {},
): Promise<SentenceEncoder> {
  const spec = parseEncoderId(id);
  switch (spec.kind) {
    case "use-lite":
      return createUseLiteEncoder({ batchSize: options.batchSize });
    case "hf":
      return createHfEncoder(spec, { batchSize: options.batchSize, env: options.env });
    case "openai": {
      // Loaded here: the openai SDK is some 150 modules that nothing else on a predict path needs.
      const { createOpenAiEncoder } = await import("./openai-encoder.ts");
      return createOpenAiEncoder({
        ...options.openai,
        model: spec.model,
        env: options.env,
        batchSize: options.batchSize,
      });
    }
  }
}
