import { describe, expect, it } from "vitest";
import { FakeRolesPredictor, scriptedAdvice } from "../../test/fake-roles-predictor.ts";
import { InMemoryCallCache, InMemoryRunRecorder } from "../teacher/in-memory-ports.ts";
import type { GenerateRequest } from "../teacher/index.ts";
import { FakeLanguageModel } from "../teacher/index.ts";
import { adviseRoles, cleanSkills, suggestRoles } from "./roles-advice.ts";

class ReadableCache extends InMemoryCallCache {
  cachedOutput(key: string): unknown {
    return this.successes.get(key)?.call.output;
  }
}

const userMessage = (request: GenerateRequest): string =>
  request.messages.find((message) => message.role === "user")?.content ?? "";

const query = { skills: ["Python", "SQL", "Tableau"], currentRole: "Data analyst", top: 3 };

function setup(responses: ((request: GenerateRequest) => string)[]) {
  const model = new FakeLanguageModel({ responses: responses.map((answer) => (request) => answer(request)) });
  const cache = new ReadableCache();
  const recorder = new InMemoryRunRecorder();
  const predictor = new FakeRolesPredictor();
  const advise = () => adviseRoles({ predictor, model, cache, recorder, query });
  return { model, cache, recorder, predictor, advise };
}

describe("adviseRoles", () => {
  it("keeps a clean answer, maps every role confidently, records a run, and answers a repeat from the cache", async () => {
    const { model, recorder, advise } = setup([
      (request) => JSON.stringify(scriptedAdvice(userMessage(request))),
    ]);
    const advice = await advise();
    expect(advice.suggestions.roles).toHaveLength(3);
    expect(advice.suggestions.currentRole).toMatchObject({ code: "15-1211.00", confident: true });
    expect(advice.flags).toEqual([]);
    expect(advice.roles.map((role) => role.mapped)).toEqual([true, true, true]);
    expect(advice.roles[0]?.skills.map((entry) => entry.skill)).toEqual(["Python", "SQL", "Tableau"]);
    expect(advice.roles[0]?.score).toBe(advice.suggestions.roles[0]?.score);
    expect(advice.decisions.every((decision) => decision.decision === "keep")).toBe(true);
    expect(advice.spend).toMatchObject({ cached: false, runId: 1 });
    expect(advice.spend.tokensOut).toBeGreaterThan(0);
    expect(recorder.runs[0]).toMatchObject({ kind: "roles-advice", task: "roles-advice", status: "done" });

    const again = await advise();
    expect(model.calls).toHaveLength(1);
    expect(again.spend).toMatchObject({ cached: true, tokensIn: 0, costUsd: 0 });
    expect(again.roles).toEqual(advice.roles);
  });

  it("re-asks about a skill the person did not give, then drops it and flags it", async () => {
    const extra = (request: GenerateRequest) =>
      JSON.stringify(scriptedAdvice(userMessage(request), { extraSkill: "Kubernetes" }));
    const { model, advise } = setup([extra, extra]);
    const advice = await advise();
    expect(model.calls).toHaveLength(2);
    expect(userMessage(model.calls[1] as GenerateRequest) + JSON.stringify(model.calls[1]?.messages)).toMatch(
      /did not list.*Kubernetes/,
    );
    expect(advice.roles.every((role) => role.skills.every((entry) => entry.skill !== "Kubernetes"))).toBe(
      true,
    );
    expect(advice.flags.filter((flag) => flag.kind === "extra-skill")).toHaveLength(3);
    expect(advice.flags[0]).toMatchObject({ kind: "extra-skill", subject: "Kubernetes" });
  });

  it("accepts the re-asked answer once it lists only the person's skills (case and spacing do not matter)", async () => {
    const { model, advise } = setup([
      (request) => JSON.stringify(scriptedAdvice(userMessage(request), { extraSkill: "Docker" })),
      (request) =>
        JSON.stringify(scriptedAdvice(userMessage(request))).replaceAll(
          '"skill":"Python"',
          '"skill":"  python "',
        ),
    ]);
    const advice = await advise();
    expect(model.calls).toHaveLength(2);
    expect(advice.flags).toEqual([]);
    expect(advice.roles[0]?.skills[0]?.skill).toBe("Python");
  });

  it("flags a replacement role that maps to no occupation with confidence, and keeps the decision", async () => {
    const { advise } = setup([
      (request) =>
        JSON.stringify(scriptedAdvice(userMessage(request), { replacement: "Chief Vibes Officer" })),
    ]);
    const advice = await advise();
    const replacement = advice.roles.find((role) => role.origin === "replacement");
    expect(replacement).toMatchObject({ title: "Chief Vibes Officer", mapped: false });
    expect(advice.flags).toEqual([
      expect.objectContaining({ kind: "unmapped-role", role: "Chief Vibes Officer" }),
    ]);
    expect(advice.decisions.at(-1)).toMatchObject({
      decision: "discard",
      replacement: "Chief Vibes Officer",
    });
  });

  it("maps a real replacement title through the normaliser", async () => {
    const { advise } = setup([
      (request) => JSON.stringify(scriptedAdvice(userMessage(request), { replacement: "Statistician" })),
    ]);
    const advice = await advise();
    expect(advice.flags).toEqual([]);
    expect(advice.roles.at(-1)?.occupation).toMatchObject({ code: "15-2041.00", confident: true });
  });

  it("repairs malformed JSON (a fence, a trailing comma, a missing brace) without a re-ask", async () => {
    const { model, advise } = setup([
      (request) => {
        const text = JSON.stringify(scriptedAdvice(userMessage(request)), null, 1);
        const broken = text.replace(/\n \]\n\}$/, ",\n ]");
        expect(broken).not.toBe(text);
        return `Here you go:\n\`\`\`json\n${broken}\n\`\`\``;
      },
    ]);
    const advice = await advise();
    expect(model.calls).toHaveLength(1);
    expect(advice.roles).toHaveLength(3);
  });

  it("still flags rather than fails when an answer broke the schema before the extra skill", async () => {
    const extra = (request: GenerateRequest) =>
      JSON.stringify(scriptedAdvice(userMessage(request), { extraSkill: "Kubernetes" }));
    const { model, advise } = setup([() => '{"roles": "none"}', extra, extra]);
    const advice = await advise();
    expect(model.calls).toHaveLength(3);
    expect(advice.flags.map((flag) => flag.kind)).toEqual(["extra-skill", "extra-skill", "extra-skill"]);
  });

  it("fails with the run id when every answer breaks the schema, and records the failures", async () => {
    const { cache, advise } = setup([() => '{"roles": 3}', () => "{}", () => "nothing"]);
    await expect(advise()).rejects.toThrow(
      /gave no usable answer \(run 1; see: jobdistill failures --run 1\)/,
    );
    expect(cache.failures.some((failure) => failure.final)).toBe(true);
  });
});

describe("suggestRoles", () => {
  it("cleans the skills (blank and repeated ones out) and refuses none", async () => {
    expect(cleanSkills([" Python ", "python", "", "A/B  testing"])).toEqual(["Python", "A/B testing"]);
    const predictor = new FakeRolesPredictor();
    const suggestions = await suggestRoles(predictor, { skills: ["sql", "SQL "] });
    expect(suggestions.roles).toHaveLength(5);
    expect(predictor.queries[0]).toEqual({ skills: ["sql"], currentRole: undefined, top: 5 });
    await expect(suggestRoles(predictor, { skills: [" "] })).rejects.toThrow(/at least one skill/);
  });
});
