import { UsageError } from "../core/errors.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { parseEncoderId } from "./encoder-id.ts";
import { createHfEncoder } from "./hf-encoder.ts";
import { createUseLiteEncoder } from "./use-lite.ts";

export interface CreateEncoderOptions {
  /** Texts per call into a local model. @default 64 */
  batchSize?: number | undefined;
  /** Where JOBDISTILL_OFFLINE (hf:) and the endpoint settings (openai:) are read. @default process.env */
  env?: Record<string, string | undefined> | undefined;
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
    case "openai":
      throw new UsageError(`encoder ${id}: ${spec.kind}: encoders are not built yet on this branch`);
  }
}
