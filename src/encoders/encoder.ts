/**
 * A pretrained sentence encoder: text in, one fixed-length vector per text out. Every encoder
 * (the offline USE-lite default, Hugging Face ONNX models through transformers.js, OpenAI-compatible
 * `/v1/embeddings` endpoints) sits behind this one interface, so students, the embedding cache,
 * `predict`, `serve` and the ONNX export never know which one they hold.
 */
export interface SentenceEncoder {
  /**
   * What a model file records and `createEncoder` accepts: `use-lite`, `hf:<hub id or folder>`,
   * `openai:<model>` (the endpoint comes from the teacher settings, never the id).
   */
  readonly id: string;
  /** Changes when the same id would give other vectors (package version, weights hash, pooling). */
  readonly version: string;
  /** Length of every vector `embed` returns. */
  readonly dimensions: number;
  /** Whether vectors have unit L2 norm (then cosine similarity is the dot product). */
  readonly normalized: boolean;
  /**
   * One vector per text, in order. Callers batch; an encoder may split a batch further. Rejects with
   * a `JobdistillError` (code `encoder-failed` or `usage`) that names the encoder, never a secret.
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees native sessions or workers; embed must not be called afterwards. */
  close(): Promise<void>;
}

/** The encoder a student was trained over, as its model file records it. */
export interface EncoderReference {
  id: string;
  version: string;
  dimensions: number;
}

export function encoderReference(encoder: SentenceEncoder): EncoderReference {
  return { id: encoder.id, version: encoder.version, dimensions: encoder.dimensions };
}

/** Whether `encoder` gives the vectors a model trained over `expected` read: same id, version and length. */
export function isSameEncoder(expected: EncoderReference, encoder: SentenceEncoder): boolean {
  return (
    encoder.id === expected.id &&
    encoder.version === expected.version &&
    encoder.dimensions === expected.dimensions
  );
}
