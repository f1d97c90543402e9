/**
 * A file of embeddings for the benches, until they share the workspace's embedding cache: every
 * distinct text is embedded once per encoder id and version and kept in
 * bench/out/embeddings/<id>-<hash of version>.bin (JSON lines: text, then base64 float32), so a
 * second run of a bench, or another bench over the same texts, embeds nothing. Appended batch by
 * batch, so a killed run keeps what it embedded.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SentenceEncoder } from "../src/encoders/index.ts";

const folder = join(dirname(fileURLToPath(import.meta.url)), "out", "embeddings");

export interface EmbeddingTable {
  /** The vector of a text embedded before (by `ensure`); throws for one that was not. */
  get(text: string): Float32Array;
  /** Embeds the texts not yet in the table, in batches, appending each batch to the file. */
  ensure(texts: Iterable<string>, onProgress?: (done: number, total: number) => void): Promise<number>;
}

function fileOf(encoder: SentenceEncoder): string {
  const version = createHash("sha256").update(encoder.version).digest("hex").slice(0, 12);
  return join(folder, `${encoder.id.replace(/[^a-z0-9._-]+/gi, "_")}-${version}.jsonl`);
}

export function embeddingTable(encoder: SentenceEncoder, batchSize = 256): EmbeddingTable {
  const file = fileOf(encoder);
  const vectors = new Map<string, Float32Array>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line === "") continue;
      try {
        const [text, data] = JSON.parse(line) as [string, string];
        const bytes = Buffer.from(data, "base64");
        const vector = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
        if (vector.length === encoder.dimensions) vectors.set(text, vector);
      } catch {
        // A line cut short by a killed run: its text is embedded again.
      }
    }
  }
  return {
    get(text) {
      const vector = vectors.get(text);
      if (!vector) throw new Error(`bench embedding table: "${text.slice(0, 60)}" was never embedded`);
      return vector;
    },
    async ensure(texts, onProgress) {
      const missing = [...new Set(texts)].filter((text) => !vectors.has(text));
      mkdirSync(dirname(file), { recursive: true });
      for (let start = 0; start < missing.length; start += batchSize) {
        const batch = missing.slice(start, start + batchSize);
        const embedded = await encoder.embed(batch);
        const lines = batch.map((text, index) => {
          const vector = embedded[index] as Float32Array;
          vectors.set(text, vector);
          const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
          return `${JSON.stringify([text, bytes.toString("base64")])}\n`;
        });
        appendFileSync(file, lines.join(""));
        onProgress?.(Math.min(start + batchSize, missing.length), missing.length);
      }
      return missing.length;
    },
  };
}
