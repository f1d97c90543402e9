import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { describeWithShared } from "../../../test/shared.ts";
import { InterruptedError } from "../errors.ts";
import { LlamaLanguageModel } from "./llama-provider.ts";

const schema = z.strictObject({ label: z.enum(["cat", "dog"]), score: z.number().int() });
const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
const messages = [
  { role: "system" as const, content: "Classify the story." },
  { role: "user" as const, content: "Once upon a time there was a little dog." },
];

describeWithShared("LlamaLanguageModel", "fixtures/stories260K.gguf", (modelPath) => {
  let model: LlamaLanguageModel;
  beforeAll(async () => {
    model = await LlamaLanguageModel.load({ model: modelPath, threads: 1 });
  });
  afterAll(async () => {
    await model?.close();
  });

  it("produces grammar-constrained output that conforms to the schema", async () => {
    expect(model.modelId).toBe("stories260K.gguf");
    for (let index = 0; index < 3; index++) {
      const result = await model.generate({
        messages,
        jsonSchema,
        schemaName: "answer",
        maxOutputTokens: 80,
      });
      expect(result.finishReason).toBe("stop");
      expect(schema.safeParse(JSON.parse(result.text)).success).toBe(true);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
    }
  });

  it("carries a re-ask's earlier turns as chat history", async () => {
    const result = await model.generate({
      messages: [...messages, { role: "assistant", content: "{}" }, { role: "user", content: "Fix it." }],
      jsonSchema,
      schemaName: "answer",
      maxOutputTokens: 80,
    });
    expect(schema.safeParse(JSON.parse(result.text)).success).toBe(true);
  });

  it("sizes its context: by default the model's training context (within 4,096–16,384), else as asked", async () => {
    // The fixture was trained on 2,048 tokens: the default takes all of it.
    expect(model.contextSize).toBe(2048);
    const small = await LlamaLanguageModel.load({ model: modelPath, threads: 1, contextSize: 512 });
    try {
      expect(small.contextSize).toBeGreaterThanOrEqual(512);
      expect(small.contextSize).toBeLessThan(1024);
    } finally {
      await small.close();
    }
  });

  it("counts tokens with the model's tokenizer", () => {
    expect(model.countTokens("hello world")).toBeGreaterThan(1);
    expect(model.countTokens("")).toBe(0);
  });

  it("reports a cut-off answer with finish reason length", async () => {
    const result = await model.generate({ messages, jsonSchema, schemaName: "answer", maxOutputTokens: 2 });
    expect(result.finishReason).toBe("length");
  });

  it("stops on a timeout (retryable) and on cancellation", async () => {
    const timedOut = await model
      .generate({ messages, jsonSchema, schemaName: "answer", timeoutMs: 1 })
      .catch((error: unknown) => error);
    expect(timedOut).toMatchObject({ code: "timeout", isRetryable: true });
    const stop = new AbortController();
    stop.abort();
    await expect(
      model.generate({ messages, jsonSchema, schemaName: "answer", signal: stop.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    const after = await model.generate({ messages, jsonSchema, schemaName: "answer", maxOutputTokens: 80 });
    expect(schema.safeParse(JSON.parse(after.text)).success).toBe(true);
  });
});
