/**
 * An encoder that remembers every vector it computed in a file under bench/out/embeddings/ (one file
 * per encoder id and version), so a bench embeds each distinct text once across runs: USE-lite
 * takes minutes for the skill-type bench's 36k texts on a busy core. Records are appended as each
 * batch completes (a killed run keeps what it computed): uint32 byte length, the text's UTF-8
 * bytes, then `dimensions` float32 values. The workspace's embedding cache (src/encoders) is the
 * product's; this is the benches' own, with no workspace to keep it in.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../src/core/shared-data.ts";
import type { SentenceEncoder } from "../src/encoders/index.ts";

export interface FileCachedEncoder extends SentenceEncoder {
  /** Texts embedded by the encoder itself in this process (cache misses). */
  readonly computed: () => number;
}

export function fileCachedEncoder(
  encoder: SentenceEncoder,
  options: { dir?: string; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): FileCachedEncoder {
  const dir = options.dir ?? join(projectRoot, "bench", "out", "embeddings");
  mkdirSync(dir, { recursive: true });
  const key = createHash("sha256").update(`${encoder.id}\u0000${encoder.version}`).digest("hex").slice(0, 16);
  const file = join(dir, `${encoder.id.replace(/[^a-z0-9._-]+/gi, "_")}-${key}.bin`);
  const vectors = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    let offset = 0;
    const recordBytes = (length: number) => 4 + length + 4 * encoder.dimensions;
    while (offset + 4 <= bytes.length) {
      const length = bytes.readUInt32LE(offset);
      // A record cut short by a killed run is dropped (and recomputed).
      if (offset + recordBytes(length) > bytes.length) break;
      const text = bytes.toString("utf8", offset + 4, offset + 4 + length);
      const start = offset + 4 + length;
      const vector = new Float32Array(encoder.dimensions);
      for (let d = 0; d < encoder.dimensions; d++) vector[d] = bytes.readFloatLE(start + 4 * d);
      vectors.set(text, vector);
      offset += recordBytes(length);
    }
  }
  let computed = 0;
  const batchSize = options.batchSize ?? 256;
  return {
    id: encoder.id,
    version: encoder.version,
    dimensions: encoder.dimensions,
    normalized: encoder.normalized,
    computed: () => computed,
    async embed(texts) {
      const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
      for (let start = 0; start < missing.length; start += batchSize) {
        const batch = missing.slice(start, start + batchSize);
        const fresh = await encoder.embed(batch);
        const records: Buffer[] = [];
        batch.forEach((text, i) => {
          const vector = fresh[i] as Float32Array;
          vectors.set(text, vector);
          const textBytes = Buffer.from(text, "utf8");
          const record = Buffer.alloc(4 + textBytes.length + 4 * vector.length);
          record.writeUInt32LE(textBytes.length, 0);
          textBytes.copy(record, 4);
          for (let d = 0; d < vector.length; d++)
            record.writeFloatLE(vector[d] as number, 4 + textBytes.length + 4 * d);
          records.push(record);
        });
        appendFileSync(file, Buffer.concat(records));
        computed += batch.length;
        options.onProgress?.(Math.min(start + batchSize, missing.length), missing.length);
      }
      return texts.map((text) => vectors.get(text) as Float32Array);
    },
    close: () => encoder.close(),
  };
}
