import { z } from "zod";
import { segmentText } from "../../align/index.ts";

/** How a document is cut into the chunks a screen student embeds, pools and explains with. */
export const chunkingSchema = z.object({
  /** Segments with fewer words are left out (a lone heading or date); two keep "Kubernetes, Terraform". @default 2 */
  minWords: z.number().int().min(1).default(2),
  /** At most this many chunks per document, the first ones; a resume rarely has more. @default 128 */
  maxChunks: z.number().int().min(1).default(128),
});
export type ChunkingOptions = z.input<typeof chunkingSchema>;
export type Chunking = z.infer<typeof chunkingSchema>;

const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}+#.'-]*/gu;
const wordCount = (text: string): number => text.match(wordPattern)?.length ?? 0;

/**
 * A document's chunks: its sentences, bullets and lines (`segmentText`), those with at least
 * `minWords` words, the first `maxChunks`. A document with no such segment is one chunk (its whole
 * trimmed text), so every non-empty document has a vector.
 */
export function documentChunks(text: string, chunking: Chunking): string[] {
  const chunks: string[] = [];
  for (const segment of segmentText(text)) {
    const chunk = segment.text.trim();
    if (wordCount(chunk) < chunking.minWords) continue;
    chunks.push(chunk);
    if (chunks.length >= chunking.maxChunks) break;
  }
  if (chunks.length === 0 && text.trim() !== "") chunks.push(text.trim().slice(0, 2000));
  return chunks;
}
