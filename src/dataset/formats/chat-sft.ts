import { z } from "zod";
import type { ChatMessage } from "../../core/task.ts";

/**
 * Chat fine-tuning files for existing engines: OpenAI's fine-tuning API and Hugging Face TRL.
 *
 * - `openai`: `{"messages": [system?, user, assistant, …]}` per line, as the fine-tuning API takes it
 *   (every assistant message is trained on).
 * - `trl`: TRL's conversational prompt–completion form, `{"prompt": [system?, user, …], "completion":
 *   [assistant]}` per line. SFTTrainer then computes the loss on the completion only (its default for
 *   prompt–completion data), so the model learns the answer, not the long prompt; the plain
 *   `{"messages": […]}` form (the same lines as `openai`) would train on the prompt too.
 */
export const sftFormats = ["openai", "trl"] as const;
export type SftFormat = (typeof sftFormats)[number];

export const chatMessageSchema = z.strictObject({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});

export const openAiSftLineSchema = z.strictObject({ messages: z.array(chatMessageSchema) });
export const trlSftLineSchema = z.strictObject({
  prompt: z.array(chatMessageSchema),
  completion: z.array(chatMessageSchema),
});

/** One line of a format's JSONL file. */
export function sftLine(format: SftFormat, messages: readonly ChatMessage[]): string {
  const plain = messages.map((message) => ({ role: message.role, content: message.content }));
  if (format === "openai") return JSON.stringify({ messages: plain });
  const last = plain.length - 1;
  return JSON.stringify({ prompt: plain.slice(0, last), completion: plain.slice(last) });
}

/**
 * Tokens of one example, estimated as the teacher estimates its prompts for `--dry-run` and
 * pacing (about 4 characters a token), plus the chat format's own tokens (about 4 per message
 * and 3 to prime the answer, as OpenAI's cookbook counts them). An estimate, not a tokenizer.
 */
export function estimateSftTokens(messages: readonly ChatMessage[]): number {
  let tokens = 3;
  for (const message of messages) tokens += 4 + Math.ceil(message.content.length / 4);
  return tokens;
}

/** Why an example breaks a format's rules; each is counted in the report. */
export const sftProblems = ["roles", "order", "empty-content", "no-assistant", "too-long"] as const;
export type SftProblem = (typeof sftProblems)[number];

/**
 * The rules both engines share for chat data: roles system, user or assistant; at most one system
 * message, first; then user and assistant alternating, starting with user and ending with the
 * assistant (the answer to learn); every content a non-empty string; at most `maxTokens` tokens.
 * TRL's prompt–completion form needs the same: the prompt is everything before the last assistant.
 */
export function sftProblemsOf(messages: readonly ChatMessage[], maxTokens: number): SftProblem[] {
  const problems: SftProblem[] = [];
  if (messages.some((message) => !chatMessageSchema.shape.role.safeParse(message.role).success))
    problems.push("roles");
  if (messages.some((message) => typeof message.content !== "string" || message.content.trim() === ""))
    problems.push("empty-content");
  const turns = messages[0]?.role === "system" ? messages.slice(1) : messages;
  if (!turns.some((message) => message.role === "assistant")) problems.push("no-assistant");
  const alternates = turns.every(
    (message, index) => message.role === (index % 2 === 0 ? "user" : "assistant"),
  );
  if (turns.length < 2 || !alternates || turns.at(-1)?.role !== "assistant") problems.push("order");
  if (estimateSftTokens(messages) > maxTokens) problems.push("too-long");
  return problems;
}
