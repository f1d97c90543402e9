import { UsageError } from "../core/errors.ts";
import {
  type CreateEncoderOptions,
  createEncoder,
  type EmbeddingCache,
  embedWithCache,
  encoderReference,
  InMemoryEmbeddingCache,
  type SentenceEncoder,
} from "../encoders/index.ts";
import type { SegmentEmbeddings } from "../student/requirements/index.ts";

export interface EmbeddingProgress {
  done: number;
  total: number;
}

/**
 * Embeds every distinct text once, in batches, with the encoder an id names (loaded here), for
 * training an encoder-backed segment classifier: training is synchronous, embedding is not.
 * Resolves with a lookup by text; `close` frees the encoder.
 */
export async function embedSegmentTexts(
  encoderId: string,
  texts: Iterable<string>,
  options: {
    /** @default 256 */
    batchSize?: number | undefined;
    onProgress?: ((progress: EmbeddingProgress) => void) | undefined;
    /** An encoder already loaded (tests). Default: `createEncoder(encoderId)`, closed when done. */
    encoder?: SentenceEncoder | undefined;
    /** How `createEncoder` loads it (e.g. an openai: encoder's usage callback). @default none */
    encoderOptions?: CreateEncoderOptions | undefined;
    /**
     * Where vectors are kept between runs (the workspace's `embeddings`): only texts it lacks are
     * embedded, and each batch is stored as it returns, so a killed run resumes. @default a cache for this call only
     */
    cache?: EmbeddingCache | undefined;
  } = {},
): Promise<SegmentEmbeddings & { close(): Promise<void> }> {
  const encoder = options.encoder ?? (await createEncoder(encoderId, options.encoderOptions));
  const distinct = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  const batchSize = options.batchSize ?? 256;
  try {
    const embedded = await embedWithCache(encoder, distinct, options.cache ?? new InMemoryEmbeddingCache(), {
      batchSize,
      onProgress: (progress) =>
        options.onProgress?.({ done: progress.cached + progress.computed, total: progress.total }),
    });
    distinct.forEach((text, index) => {
      vectors.set(text, embedded[index] as Float32Array);
    });
  } catch (error) {
    if (!options.encoder) await encoder.close();
    throw error;
  }
  return {
    encoder: encoderReference(encoder),
    vectorOf(text) {
      const vector = vectors.get(text);
      if (!vector) throw new UsageError(`no embedding for the segment "${text.slice(0, 60)}"`);
      return vector;
    },
    close: () => (options.encoder ? Promise.resolve() : encoder.close()),
  };
}
