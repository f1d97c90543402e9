import type { z } from "zod";
import type { AnnotationDraft } from "./types.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * What the teacher engine needs from a task. A task declares its own prompt, schema, checks and
 * how a validated answer becomes annotations; the engine knows nothing of concrete tasks.
 *
 * `Input` is one unit of work: a document, a chunk of one, or a batch of skill phrases.
 */
export interface TeacherTask<Input, Output> {
  readonly name: string;
  /** Changes whenever the prompt, label set or schema changes: part of the call-cache key. */
  readonly version: string;
  /** Validates the model's answer; its JSON Schema drives `response_format` and grammars. */
  readonly outputSchema: z.ZodType<Output>;
  /** A stable id for the item (document id, `docId#chunk2`, a batch id). */
  itemId(input: Input): string;
  /** Everything about the input that changes the answer: hashed into the call-cache key. */
  itemFingerprint(input: Input): string;
  buildMessages(input: Input): ChatMessage[];
  /** Checks beyond the schema (ids of a batch, quotes present, …). Issues trigger a re-ask. */
  check?(input: Input, output: Output): string[];
  /** Turns a validated answer into annotations to store. */
  toAnnotations(input: Input, output: Output): AnnotationDraft[];
  /** Rough upper bound of the answer's tokens, for pacing and `--dry-run` cost. */
  estimateOutputTokens?(input: Input): number;
}
