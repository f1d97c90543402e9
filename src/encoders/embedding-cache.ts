import { sha256Hex } from "../core/hash.ts";
import type { EmbeddingSource, StoredEmbedding } from "../store/embeddings-store.ts";
import { InterruptedError } from "../teacher/errors.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { encoderFailed } from "./errors.ts";
import { chunks } from "./vectors.ts";

/**
 * Where vectors are kept between calls and runs: the workspace's `EmbeddingsStore` (SQLite) or
 * an `InMemoryEmbeddingCache`. Keys are (encoder id, encoder version, sha256 of the exact text).
 */
export interface EmbeddingCache {
  getMany(source: EmbeddingSource, textHashes: readonly string[]): Map<string, Float32Array>;
  /** Stores one batch, all or nothing. */
  putMany(source: EmbeddingSource, entries: readonly StoredEmbedding[]): void;
}

/** For tests and for callers without a workspace: lives as long as the object. */
export class InMemoryEmbeddingCache implements EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();

  private static key(source: EmbeddingSource, textHash: string): string {
    return `${source.id}\u0000${source.version}\u0000${textHash}`;
  }

  getMany(source: EmbeddingSource, textHashes: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    for (const textHash of textHashes) {
      const vector = this.vectors.get(InMemoryEmbeddingCache.key(source, textHash));
      if (vector !== undefined) found.set(textHash, vector);
    }
    return found;
  }

  putMany(source: EmbeddingSource, entries: readonly StoredEmbedding[]): void {
    for (const entry of entries)
      this.vectors.set(InMemoryEmbeddingCache.key(source, entry.textHash), entry.vector);
  }

  get size(): number {
    return this.vectors.size;
  }
}

export interface EmbeddingProgress {
  /** Distinct texts in the call. */
  total: number;
  /** Distinct texts found in the cache. */
  cached: number;
  /** Distinct texts embedded so far in this call. */
  computed: number;
}

export interface EmbedWithCacheOptions {
  /** Distinct uncached texts per encoder call (and per cache write). @default 64 */
  batchSize?: number | undefined;
  /** After the cache lookup, and after each batch is stored. */
  onProgress?: ((progress: EmbeddingProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export function textHash(text: string): string {
  return sha256Hex(text);
}

/**
 * One vector per text, in order, computing only what the cache lacks: repeated texts are embedded
 * once (and share one vector object), misses go to the encoder in batches, and each batch is stored
 * as soon as it is back, so a killed run resumes where it stopped.
 */
export async function embedWithCache(
  encoder: SentenceEncoder,
  texts: readonly string[],
  cache: EmbeddingCache,
  options: EmbedWithCacheOptions = {},
): Promise<Float32Array[]> {
  const source: EmbeddingSource = { id: encoder.id, version: encoder.version };
  const hashes = texts.map(textHash);
  const distinct = new Map<string, string>();
  hashes.forEach((hash, index) => {
    if (!distinct.has(hash)) distinct.set(hash, texts[index] ?? "");
  });
  const vectors = cache.getMany(source, [...distinct.keys()]);
  for (const [hash, vector] of vectors) {
    // A vector of another width is a stale or foreign row: embed the text again.
    if (vector.length !== encoder.dimensions) vectors.delete(hash);
  }
  const progress: EmbeddingProgress = { total: distinct.size, cached: vectors.size, computed: 0 };
  options.onProgress?.({ ...progress });
  const misses = [...distinct].filter(([hash]) => !vectors.has(hash));
  for (const batch of chunks(misses, options.batchSize ?? 64)) {
    if (options.signal?.aborted) throw new InterruptedError();
    const embedded = await encoder.embed(batch.map(([, text]) => text));
    if (embedded.length !== batch.length) {
      throw encoderFailed(encoder.id, `returned ${embedded.length} vectors for ${batch.length} texts`);
    }
    const entries = batch.map(([hash], index): StoredEmbedding => {
      const vector = embedded[index];
      if (vector === undefined || vector.length !== encoder.dimensions) {
        throw encoderFailed(
          encoder.id,
          `returned a ${vector?.length ?? 0}-d vector, expected ${encoder.dimensions}`,
        );
      }
      return { textHash: hash, vector };
    });
    cache.putMany(source, entries);
    for (const entry of entries) vectors.set(entry.textHash, entry.vector);
    progress.computed += entries.length;
    options.onProgress?.({ ...progress });
  }
  return hashes.map((hash) => {
    const vector = vectors.get(hash);
    if (vector === undefined)
      throw encoderFailed(encoder.id, "a vector went missing between cache and encoder");
    return vector;
  });
}
