import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiCallError, NoObjectGeneratedError, TruncatedOutputError } from "./errors.ts";
import { FakeLanguageModel } from "./fake-language-model.ts";
import { generateObject } from "./generate-object.ts";

const schema = z.strictObject({ label: z.enum(["a", "b"]) });
const messages = [{ role: "user" as const, content: "classify this" }];
const quickRetry = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1_000 };

describe("generateObject", () => {
  it("sends the JSON Schema and returns the validated object", async () => {
    const model = new FakeLanguageModel({ responses: ['{"label":"a"}'] });
    const result = await generateObject({ model, messages, schema, schemaName: "answer" });
    expect(result).toMatchObject({ object: { label: "a" }, attempts: 1, finishReason: "stop" });
    expect(model.calls[0]?.jsonSchema).toMatchObject({ type: "object", required: ["label"] });
    expect(model.calls[0]?.schemaName).toBe("answer");
  });

  it("reads fenced and repairable JSON without a re-ask", async () => {
    for (const text of ['```json\n{"label": "b"}\n```', "Sure! {'label': 'b',}", '{"label": "b"']) {
      const model = new FakeLanguageModel({ responses: [text] });
      const result = await generateObject({ model, messages, schema, schemaName: "answer" });
      expect(result.object).toEqual({ label: "b" });
      expect(model.calls).toHaveLength(1);
    }
  });

  it("re-asks with the validation issues and accepts the repaired answer", async () => {
    const failures: unknown[] = [];
    const model = new FakeLanguageModel({ responses: ['{"label":"c"}', '{"label":"a"}'] });
    const result = await generateObject({
      model,
      messages,
      schema,
      schemaName: "answer",
      onAttemptFailure: (failure) => failures.push(failure),
    });
    expect(result).toMatchObject({ object: { label: "a" }, attempts: 2 });
    const reask = model.calls[1]?.messages ?? [];
    expect(reask.at(-2)).toEqual({ role: "assistant", content: '{"label":"c"}' });
    expect(reask.at(-1)?.content).toMatch(/label: Invalid option/);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ attempt: 1, final: false });
    expect(result.usage.outputTokens).toBe(8);
  });

  it("re-asks when the task's check finds issues", async () => {
    const model = new FakeLanguageModel({ responses: ['{"label":"a"}', '{"label":"b"}'] });
    const result = await generateObject({
      model,
      messages,
      schema,
      schemaName: "answer",
      check: (object) => (object.label === "b" ? [] : ["the label must be b here"]),
    });
    expect(result.object.label).toBe("b");
    expect(model.calls[1]?.messages.at(-1)?.content).toContain("the label must be b here");
  });

  it("gives up after maxRepairs with the evidence of the last answer", async () => {
    const model = new FakeLanguageModel({ fallback: "no json here" });
    const error = await generateObject({
      model,
      messages,
      schema,
      schemaName: "answer",
      maxRepairs: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoObjectGeneratedError);
    expect(error).toMatchObject({ rawText: "no json here", finishReason: "stop", code: "no-object" });
    expect((error as NoObjectGeneratedError).issues[0]).toMatch(/not valid JSON/);
    expect(model.calls).toHaveLength(2);
  });

  it("treats a cut-off answer as truncation, not as a parse failure", async () => {
    const model = new FakeLanguageModel({ responses: [{ text: '{"lab', finishReason: "length" }] });
    const error = await generateObject({
      model,
      messages,
      schema,
      schemaName: "answer",
      maxOutputTokens: 3,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TruncatedOutputError);
    expect(error).toMatchObject({ code: "truncated", rawText: '{"lab', finishReason: "length" });
    expect(model.calls).toHaveLength(1);
  });

  it('re-asks a truncated answer once with twice the limit that was hit ("double")', async () => {
    const limited = new FakeLanguageModel({
      responses: [{ text: '{"lab', finishReason: "length" }, '{"label":"a"}'],
    });
    const result = await generateObject({
      model: limited,
      messages,
      schema,
      schemaName: "answer",
      maxOutputTokens: 3,
      truncationRetryMaxOutputTokens: "double",
    });
    expect(result).toMatchObject({ object: { label: "a" }, attempts: 2 });
    expect(limited.calls.map((call) => call.maxOutputTokens)).toEqual([3, 6]);

    // No limit set: the provider's own was hit, so twice the truncated answer's length is asked for.
    const unlimited = new FakeLanguageModel({
      responses: [
        { text: '{"lab', finishReason: "length", usage: { inputTokens: 9, outputTokens: 40 } },
        { text: '{"lab', finishReason: "length" },
      ],
    });
    const error = await generateObject({
      model: unlimited,
      messages,
      schema,
      schemaName: "answer",
      truncationRetryMaxOutputTokens: "double",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TruncatedOutputError);
    expect(unlimited.calls.map((call) => call.maxOutputTokens)).toEqual([undefined, 80]);
  });

  it("retries retryable transport errors and not the others", async () => {
    const retryable = new FakeLanguageModel({
      responses: [
        new ApiCallError("HTTP 503", { statusCode: 503, isRetryable: true }),
        new ApiCallError("timeout", { code: "timeout", isRetryable: true }),
        '{"label":"a"}',
      ],
    });
    const result = await generateObject({
      model: retryable,
      messages,
      schema,
      schemaName: "answer",
      retry: quickRetry,
    });
    expect(result).toMatchObject({ object: { label: "a" }, attempts: 3 });

    const fatal = new FakeLanguageModel({
      responses: [new ApiCallError("HTTP 401", { statusCode: 401, isRetryable: false }), '{"label":"a"}'],
    });
    const failures: { final: boolean }[] = [];
    await expect(
      generateObject({
        model: fatal,
        messages,
        schema,
        schemaName: "answer",
        retry: quickRetry,
        onAttemptFailure: (failure) => failures.push(failure),
      }),
    ).rejects.toThrow("HTTP 401");
    expect(fatal.calls).toHaveLength(1);
    expect(failures).toEqual([expect.objectContaining({ final: true })]);
  });

  it("stops retrying after maxRetries", async () => {
    const model = new FakeLanguageModel({
      fallback: new ApiCallError("HTTP 500", { statusCode: 500, isRetryable: true }),
    });
    await expect(
      generateObject({ model, messages, schema, schemaName: "answer", retry: quickRetry }),
    ).rejects.toThrow("HTTP 500");
    expect(model.calls).toHaveLength(4);
  });
});
