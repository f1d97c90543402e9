import type Database from "better-sqlite3";
import { z } from "zod";

/** Which encoder a vector came from: the same text under another id or version is another vector. */
export interface EmbeddingSource {
  id: string;
  version: string;
}

export interface StoredEmbedding {
  textHash: string;
  vector: Float32Array;
}

const rowSchema = z.object({ dimensions: z.number(), vector: z.instanceof(Buffer) });

/** Little-endian float32, as every platform Node runs on lays it out in memory. */
function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function fromBlob(blob: Buffer, dimensions: number): Float32Array | undefined {
  if (blob.byteLength !== dimensions * 4) return undefined;
  // A copy: the blob's offset in its buffer need not be 4-byte aligned.
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/**
 * The workspace's embedding cache: vectors keyed by encoder id, encoder version and the sha256 of
 * the text. Each batch is written in one transaction, so a run killed between batches keeps every
 * batch it finished. A row whose blob does not match its dimensions is read as missing.
 */
export class EmbeddingsStore {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly putBatch: (source: EmbeddingSource, entries: readonly StoredEmbedding[]) => void;

  constructor(private readonly db: Database.Database) {
    this.select = db.prepare(
      "SELECT dimensions, vector FROM embeddings WHERE encoder_id = ? AND encoder_version = ? AND text_hash = ?",
    );
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO embeddings (encoder_id, encoder_version, text_hash, dimensions, vector, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.putBatch = db.transaction((source: EmbeddingSource, entries: readonly StoredEmbedding[]) => {
      const createdAt = new Date().toISOString();
      for (const entry of entries) {
        this.insert.run(
          source.id,
          source.version,
          entry.textHash,
          entry.vector.length,
          toBlob(entry.vector),
          createdAt,
        );
      }
    });
  }

  /** The stored vectors among `textHashes`; missing ones are absent from the map. */
  getMany(source: EmbeddingSource, textHashes: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    for (const textHash of textHashes) {
      const row = this.select.get(source.id, source.version, textHash);
      if (row === undefined) continue;
      const parsed = rowSchema.parse(row);
      const vector = fromBlob(parsed.vector, parsed.dimensions);
      if (vector !== undefined) found.set(textHash, vector);
    }
    return found;
  }

  /** Stores a batch: all of it or, on failure, none. */
  putMany(source: EmbeddingSource, entries: readonly StoredEmbedding[]): void {
    this.putBatch(source, entries);
  }

  /** How many vectors are stored, for one encoder or all. */
  count(source?: EmbeddingSource): number {
    const row =
      source === undefined
        ? this.db.prepare("SELECT count(*) AS n FROM embeddings").get()
        : this.db
            .prepare("SELECT count(*) AS n FROM embeddings WHERE encoder_id = ? AND encoder_version = ?")
            .get(source.id, source.version);
    return z.object({ n: z.number() }).parse(row).n;
  }
}
