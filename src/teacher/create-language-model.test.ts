import { describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.ts";
import { createLanguageModel } from "./create-language-model.ts";

describe("createLanguageModel", () => {
  it("takes the option first, then the environment", async () => {
    const fromOption = await createLanguageModel({
      provider: "openai",
      model: "gpt-4o-mini",
      apiKey: "sk-option",
      env: { OPENAI_API_KEY: "sk-env" },
    });
    expect(fromOption).toMatchObject({ provider: "openai", modelId: "gpt-4o-mini" });
    const fromEnv = await createLanguageModel({
      provider: "openai",
      model: "m",
      env: { OPENAI_API_KEY: "sk-env" },
    });
    expect(fromEnv.modelId).toBe("m");
  });

  it("names every place it looked", async () => {
    const missingKey = createLanguageModel({ provider: "openai", model: "m", env: {} });
    await expect(missingKey).rejects.toBeInstanceOf(UsageError);
    await expect(missingKey).rejects.toThrow(
      "an API key is missing: set the --api-key option or the OPENAI_API_KEY environment variable",
    );
    await expect(createLanguageModel({ provider: "openai", apiKey: "k", env: {} })).rejects.toThrow(
      "the model name is missing: set the --model option",
    );
    await expect(createLanguageModel({ provider: "llama", env: {} })).rejects.toThrow(/--model/);
  });

  it("says which local model could not be loaded", async () => {
    await expect(
      createLanguageModel({ provider: "llama", model: "/nonexistent/model.gguf" }),
    ).rejects.toThrow(/cannot load the local model \/nonexistent\/model\.gguf/);
  });

  it("refuses a base URL with user:password@ up front, without echoing the password", async () => {
    const refused = createLanguageModel({
      provider: "openai",
      model: "m",
      apiKey: "k",
      baseUrl: "http://alice:s3cret@127.0.0.1:9/v1",
      env: {},
    });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(/user name and password \(user:password@\).*--api-key/);
    await expect(refused).rejects.not.toThrow(/s3cret|alice/);
    await expect(
      createLanguageModel({
        provider: "openai",
        model: "m",
        apiKey: "k",
        env: { OPENAI_BASE_URL: "https://u:p@h/v1" },
      }),
    ).rejects.toThrow(/from OPENAI_BASE_URL/);
  });
});
