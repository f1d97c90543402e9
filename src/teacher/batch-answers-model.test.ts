import { describe, expect, it } from "vitest";
import { BatchAnswersModel, type BatchRequestLedger, batchCustomId } from "./batch-answers-model.ts";
import type { BatchApi } from "./batch-api.ts";
import { ApiCallError, InterruptedError } from "./errors.ts";
import type { GenerateRequest } from "./language-model.ts";

type Entry = { answer?: unknown; applied: boolean; failures: number; lastError?: string };

function ledger(): BatchRequestLedger & { entries: Map<string, Entry>; added: string[] } {
  const entries = new Map<string, Entry>();
  const added: string[] = [];
  return {
    entries,
    added,
    request: (customId) => entries.get(customId),
    addRequest: ({ customId }) => {
      added.push(customId);
      entries.set(customId, { applied: false, failures: 0 });
    },
  };
}

const api = {
  endpoint: "/v1/chat/completions",
  requestBody: (request: GenerateRequest) => ({ messages: request.messages }),
} as unknown as BatchApi;
const ask = (content: string): GenerateRequest => ({
  messages: [{ role: "user", content }],
  jsonSchema: {},
  schemaName: "answer",
  callKey: "key-1",
});
const answer = { text: '{"label":"cat"}', finishReason: "stop", usage: { inputTokens: 3, outputTokens: 2 } };

function model(store: BatchRequestLedger): BatchAnswersModel {
  return new BatchAnswersModel({
    online: { provider: "openai", modelId: "m" },
    api,
    ledger: store,
    planKey: "plan",
    maxBatchFailures: 2,
  });
}

describe("BatchAnswersModel", () => {
  it("records a request it has no answer for and leaves the item for later", async () => {
    const store = ledger();
    await expect(model(store).generate(ask("first"))).rejects.toBeInstanceOf(InterruptedError);
    expect(store.added).toEqual([batchCustomId("key-1", { messages: [{ role: "user", content: "first" }] })]);
  });

  it("answers from the batch, and a further request of that item is a follow-up", async () => {
    const store = ledger();
    const first = batchCustomId("key-1", { messages: [{ role: "user", content: "first" }] });
    store.entries.set(first, { answer, applied: true, failures: 0 });
    const answers = model(store);
    expect(await answers.generate(ask("first"))).toEqual(answer);
    expect(answers.served).toEqual(new Set([first]));
    expect(answers.isReplay("key-1", answer.text)).toBe(true);
    await expect(answers.generate(ask("repair"))).rejects.toBeInstanceOf(InterruptedError);
    expect(answers.followUps).toEqual(new Set(["key-1"]));
  });

  it("gives an item up once its request got an error line from the batches too often", async () => {
    const store = ledger();
    const id = batchCustomId("key-1", { messages: [{ role: "user", content: "first" }] });
    store.entries.set(id, { applied: false, failures: 2, lastError: "HTTP 500: boom" });
    const failure = await model(store)
      .generate(ask("first"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect((failure as ApiCallError).isRetryable).toBe(false);
    expect((failure as ApiCallError).message).toMatch(/2 times: HTTP 500: boom/);
  });
});
