import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adviceQuestion, FakeRolesPredictor, scriptedAdvice } from "../../test/fake-roles-predictor.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../test/openai-test-server.ts";
import type { RoleQuery } from "../core/roles.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { createLanguageModel, type LanguageModel } from "../teacher/index.ts";
import { adviseRoles } from "../workflows/roles-advice.ts";
import { rolesAdviceResponseSchema, rolesResponseSchema } from "./api-schemas.ts";
import { createApp } from "./app.ts";
import { createKeywordPredictors } from "./keyword-predictors.ts";

const quietLog = () => undefined;
let server: OpenAiTestServer;
let model: LanguageModel;
let dir: string;
let workspace: Workspace;

beforeAll(async () => {
  server = await startOpenAiTestServer({
    defaultBehaviour: (request) => ({ kind: "json", value: scriptedAdvice(adviceQuestion(request)) }),
  });
  model = await createLanguageModel({
    provider: "openai",
    model: "gpt-4o-mini",
    baseUrl: server.url,
    apiKey: "sk-test",
  });
  dir = mkdtempSync(join(tmpdir(), "jobdistill-roles-api-"));
  workspace = openWorkspace(dir);
});

afterAll(async () => {
  workspace.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  server.requests.length = 0;
});

function rolesApp(limits: { maxConcurrentAdvice?: number; adviceCacheEntries?: number } = {}) {
  const predictor = new FakeRolesPredictor();
  return createApp({
    predictors: createKeywordPredictors(),
    logError: quietLog,
    rolesPredictor: predictor,
    adviseRoles: (query: RoleQuery) =>
      adviseRoles({
        predictor,
        model,
        cache: workspace.calls,
        recorder: workspace.runs,
        query,
        limits: { maxRetries: 0 },
      }),
    limits,
  });
}

function postJson(app: ReturnType<typeof createApp>, path: string, body: unknown) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

let question = 0;
/** A question not asked before in this file, so neither cache answers it. */
const fresh = (extra: Partial<{ currentRole: string; top: number }> = {}) => ({
  skills: ["Python", "SQL", `skill-${++question}`],
  top: 3,
  ...extra,
});

describe("/v1/roles", () => {
  it("answers from the student alone, cleaning the skills, with no LLM call", async () => {
    const response = await postJson(rolesApp(), "/v1/roles", {
      skills: [" Python", "python", "Tableau"],
      currentRole: "data analyst",
      top: 2,
    });
    expect(response.status).toBe(200);
    const body = rolesResponseSchema.parse(await response.json());
    expect(body.skills).toEqual(["Python", "Tableau"]);
    expect(body.suggestions.roles).toHaveLength(2);
    expect(body.suggestions.currentRole).toMatchObject({ code: "15-1211.00", confident: true });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses bad bodies and says when the server has no roles model or no teacher", async () => {
    const app = rolesApp();
    expect((await postJson(app, "/v1/roles", { skills: [] })).status).toBe(422);
    expect((await postJson(app, "/v1/roles", { skills: Array(21).fill("x") })).status).toBe(422);
    expect((await postJson(app, "/v1/roles", { skills: ["x"], extra: 1 })).status).toBe(422);
    expect((await postJson(app, "/v1/roles", { skills: [" "] })).status).toBe(400);
    const bare = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const none = await postJson(bare, "/v1/roles", { skills: ["SQL"] });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("no_roles_model");
    const studentOnly = createApp({
      predictors: createKeywordPredictors(),
      logError: quietLog,
      rolesPredictor: new FakeRolesPredictor(),
    });
    const noTeacher = await postJson(studentOnly, "/v1/roles/advice", { skills: ["SQL"] });
    expect(noTeacher.status).toBe(400);
    expect(((await noTeacher.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "teacher_unavailable",
      message: expect.stringContaining("--roles-model"),
    });
  });
});

describe("/v1/roles/advice against a local OpenAI-compatible server", () => {
  it("answers schema-valid advice with its spend, and an identical question from memory", async () => {
    const app = rolesApp();
    const body = fresh({ currentRole: "Data analyst" });
    const response = await postJson(app, "/v1/roles/advice", body);
    expect(response.status).toBe(200);
    const advice = rolesAdviceResponseSchema.parse(await response.json());
    expect(advice.flags).toEqual([]);
    expect(advice.roles).toHaveLength(3);
    expect(advice.roles[0]?.skills.map((entry) => entry.skill)).toEqual(body.skills);
    expect(advice.spend.cached).toBe(false);
    expect(advice.spend.costUsd).toBeGreaterThan(0);
    expect(workspace.runs.get(advice.spend.runId)).toMatchObject({ kind: "roles-advice", status: "done" });

    const again = rolesAdviceResponseSchema.parse(
      await (await postJson(app, "/v1/roles/advice", body)).json(),
    );
    expect(again.spend).toMatchObject({ cached: true, costUsd: 0 });
    expect(again.roles).toEqual(advice.roles);
    // A new server process (no memory) answers it from the workspace's call cache.
    const restarted = rolesAdviceResponseSchema.parse(
      await (await postJson(rolesApp(), "/v1/roles/advice", body)).json(),
    );
    expect(restarted.spend).toMatchObject({ cached: true, tokensIn: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it("re-asks about an analysed skill the person did not give, then drops and flags it", async () => {
    const extra = (request: Parameters<typeof adviceQuestion>[0]) => ({
      kind: "json" as const,
      value: scriptedAdvice(adviceQuestion(request), { extraSkill: "Kubernetes" }),
    });
    server.enqueue(extra, extra);
    const response = await postJson(rolesApp(), "/v1/roles/advice", fresh());
    const advice = rolesAdviceResponseSchema.parse(await response.json());
    expect(server.requests).toHaveLength(2);
    expect(advice.flags.map((flag) => flag.kind)).toEqual(["extra-skill", "extra-skill", "extra-skill"]);
    expect(JSON.stringify(advice.roles)).not.toContain("Kubernetes");
  });

  it("flags a hallucinated replacement role that maps to no occupation with confidence", async () => {
    server.enqueue((request) => ({
      kind: "json",
      value: scriptedAdvice(adviceQuestion(request), { replacement: "Quantum Synergy Evangelist" }),
    }));
    const advice = rolesAdviceResponseSchema.parse(
      await (await postJson(rolesApp(), "/v1/roles/advice", fresh())).json(),
    );
    expect(advice.flags).toEqual([
      expect.objectContaining({ kind: "unmapped-role", role: "Quantum Synergy Evangelist" }),
    ]);
    expect(advice.roles.at(-1)).toMatchObject({ origin: "replacement", mapped: false });
    expect(advice.decisions.at(-1)).toMatchObject({
      decision: "discard",
      replacement: "Quantum Synergy Evangelist",
    });
  });

  it("repairs malformed JSON from the advisor without a re-ask", async () => {
    server.enqueue((request) => {
      const text = JSON.stringify(scriptedAdvice(adviceQuestion(request)));
      return { kind: "text", content: `\`\`\`json\n${text.slice(0, -2)},]\n\`\`\`` };
    });
    const response = await postJson(rolesApp(), "/v1/roles/advice", fresh());
    expect(response.status).toBe(200);
    expect(rolesAdviceResponseSchema.parse(await response.json()).roles).toHaveLength(3);
    expect(server.requests).toHaveLength(1);
  });

  it("answers 502 when the advisor never gives a usable answer", async () => {
    server.enqueue(...Array(3).fill({ kind: "text", content: "I cannot help with that." }));
    const response = await postJson(rolesApp(), "/v1/roles/advice", fresh());
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("teacher");
  });

  it("refuses a question beyond the concurrency cap with 429, and shares an identical one in flight", async () => {
    const app = rolesApp({ maxConcurrentAdvice: 1 });
    server.enqueue((request) => ({
      kind: "slow",
      delayMs: 150,
      next: { kind: "json", value: scriptedAdvice(adviceQuestion(request)) },
    }));
    const first = fresh();
    const slow = postJson(app, "/v1/roles/advice", first);
    const twin = postJson(app, "/v1/roles/advice", first);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const refused = await postJson(app, "/v1/roles/advice", fresh());
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("advisor_busy");
    expect((await slow).status).toBe(200);
    const shared = rolesAdviceResponseSchema.parse(await (await twin).json());
    expect(shared.spend.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
