import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../core/task.ts";
import {
  estimateSftTokens,
  openAiSftLineSchema,
  sftLine,
  sftProblemsOf,
  trlSftLineSchema,
} from "./chat-sft.ts";

const system: ChatMessage = { role: "system", content: "You label adverts." };
const user: ChatMessage = { role: "user", content: "Advert: Python wanted." };
const assistant: ChatMessage = { role: "assistant", content: '{"spans":[]}' };

describe("chat fine-tuning lines", () => {
  it("openai keeps every message; trl puts the last assistant message in the completion", () => {
    const messages = [system, user, assistant];
    expect(openAiSftLineSchema.parse(JSON.parse(sftLine("openai", messages)))).toEqual({ messages });
    expect(trlSftLineSchema.parse(JSON.parse(sftLine("trl", messages)))).toEqual({
      prompt: [system, user],
      completion: [assistant],
    });
  });

  it("estimates tokens as characters / 4 plus 4 a message and 3 to prime the answer", () => {
    expect(estimateSftTokens([user])).toBe(3 + 4 + Math.ceil(user.content.length / 4));
    expect(estimateSftTokens([system, user, assistant])).toBe(
      3 + 12 + [system, user, assistant].reduce((sum, m) => sum + Math.ceil(m.content.length / 4), 0),
    );
  });
});

describe("the formats' rules", () => {
  it("accepts system first (or none), then user and assistant alternating, ending with the assistant", () => {
    expect(sftProblemsOf([system, user, assistant], 1000)).toEqual([]);
    expect(sftProblemsOf([user, assistant], 1000)).toEqual([]);
    expect(sftProblemsOf([system, user, assistant, user, assistant], 1000)).toEqual([]);
  });

  it("names each broken rule", () => {
    expect(sftProblemsOf([system, user], 1000)).toEqual(["no-assistant", "order"]);
    expect(sftProblemsOf([system, assistant, user, assistant], 1000)).toEqual(["order"]);
    expect(sftProblemsOf([user, system, assistant], 1000)).toEqual(["order"]);
    expect(sftProblemsOf([user, assistant, assistant], 1000)).toEqual(["order"]);
    expect(sftProblemsOf([system, { role: "user", content: "  " }, assistant], 1000)).toEqual([
      "empty-content",
    ]);
    const tool = { role: "tool", content: "x" } as unknown as ChatMessage;
    expect(sftProblemsOf([user, tool, assistant], 1000)).toEqual(["roles", "order"]);
    expect(sftProblemsOf([system, user, assistant], 10)).toEqual(["too-long"]);
  });
});
