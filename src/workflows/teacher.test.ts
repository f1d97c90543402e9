import { describe, expect, it } from "vitest";
import { chooseTeacher, createTeacher, DEFAULT_DEMO_OPENAI_MODEL } from "./teacher.ts";

describe("chooseTeacher", () => {
  it("auto: none, a local GGUF, or an OpenAI-compatible endpoint, from the environment", async () => {
    const demo = { provider: "auto" as const, defaultOpenAiModel: DEFAULT_DEMO_OPENAI_MODEL };
    expect(await chooseTeacher(demo, {})).toBeUndefined();
    const openai = await chooseTeacher(demo, { OPENAI_API_KEY: "sk-x", JOBDISTILL_TEACHER_MODEL: "m1" });
    expect(openai?.provider).toBe("openai");
    expect(openai?.modelId).toBe("m1");
    const byDefault = await chooseTeacher(demo, {
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
      OPENAI_API_KEY: "k",
    });
    expect(byDefault?.modelId).toBe(DEFAULT_DEMO_OPENAI_MODEL);
    await expect(chooseTeacher({ provider: "llama" }, {})).rejects.toThrow(/GGUF model/);
  });

  it("prefers the option to the environment, and names every place it looked", async () => {
    const env = { OPENAI_API_KEY: "sk-x", JOBDISTILL_TEACHER_MODEL: "from-env" };
    expect((await chooseTeacher({ model: "from-option" }, env))?.modelId).toBe("from-option");
    expect((await chooseTeacher({}, env))?.modelId).toBe("from-env");
    await expect(chooseTeacher({}, { OPENAI_API_KEY: "sk-x" })).rejects.toThrow(
      /the --model option or the JOBDISTILL_TEACHER_MODEL environment variable/,
    );
    await expect(chooseTeacher({ model: "m" }, {})).rejects.toThrow(/OPENAI_API_KEY/);
  });

  it("none is no teacher; createTeacher refuses to go without one", async () => {
    expect(await chooseTeacher({ provider: "none" }, { OPENAI_API_KEY: "sk-x" })).toBeUndefined();
    await expect(createTeacher({ provider: "auto" }, {})).rejects.toThrow(/no teacher LLM configured/);
  });
});
