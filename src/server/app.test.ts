import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../store/index.ts";
import type { HighlightResult, Predictors } from "../student/predictors.ts";
import { requirementCategories, requirementCategoryIds } from "../tasks/requirements/labels.ts";
import { createApp } from "./app.ts";
import { sampleAdvert, seedSampleRuns } from "./fixtures.ts";
import { createKeywordPredictors } from "./keyword-predictors.ts";
import { defaultServerLimits } from "./limits.ts";
import { apiRoutes } from "./openapi.ts";

/** Keyword predictors that also count their calls, to prove what a request did not touch. */
function recordingPredictors(): Predictors & { calls: string[] } {
  const inner = createKeywordPredictors();
  const calls: string[] = [];
  return {
    calls,
    highlight: (input) => {
      calls.push("highlight");
      return inner.highlight(input);
    },
    typeSkills: (skills) => {
      calls.push("typeSkills");
      return inner.typeSkills(skills);
    },
    extractSkills: (input) => {
      calls.push("extractSkills");
      return inner.extractSkills(input);
    },
    models: () => inner.models(),
  };
}

function postJson(app: ReturnType<typeof createApp>, path: string, body: unknown) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-server-")));
const runIds = seedSampleRuns(workspace);
afterAll(() => workspace.close());

const quietLog = () => {};

describe("POST /v1/highlight", () => {
  it("returns spans with category, offsets, score and the text they refer to", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await postJson(app, "/v1/highlight", { text: sampleAdvert });
    expect(response.status).toBe(200);
    const body = (await response.json()) as HighlightResult & { source: string };
    expect(body.source).toBe("student");
    expect(body.text).toBe(sampleAdvert);
    // The keyword predictors' answer for the sample advert: 17 spans over every category.
    expect(body).toEqual({
      ...(await createKeywordPredictors().highlight({ text: sampleAdvert })),
      source: "student",
    });
    expect(body.spans).toHaveLength(17);
    expect(new Set(body.spans.map((span) => span.category))).toEqual(new Set(requirementCategoryIds));
    for (const span of body.spans) expect(body.text.slice(span.start, span.end)).toBe(span.text);
  });

  it("reads HTML and answers with offsets into its visible text", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await postJson(app, "/v1/highlight", {
      text: "<ul><li>Python &amp; SQL</li></ul>",
      format: "html",
    });
    const body = (await response.json()) as HighlightResult;
    expect(body.text).toBe("Python & SQL");
    expect(body.spans.map((span) => span.text)).toEqual(["Python", "SQL"]);
  });

  it("never calls a teacher unless asked, and refuses when none is configured", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await postJson(app, "/v1/highlight", { text: "Python", teacher: true });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("teacher_unavailable");
    expect(body.error.message).toMatch(/without a teacher LLM/);
  });

  it("uses the configured teacher only when the request sets teacher: true", async () => {
    const teacherCalls: string[] = [];
    const predictors = recordingPredictors();
    const app = createApp({
      predictors,
      logError: quietLog,
      llm: async ({ text }) => {
        teacherCalls.push(text);
        return { text, spans: [{ start: 0, end: 6, category: "hard_skills", text: "Python", score: 1 }] };
      },
    });
    await postJson(app, "/v1/highlight", { text: "Python" });
    expect(teacherCalls).toEqual([]);
    const response = await postJson(app, "/v1/highlight", { text: "Python", teacher: true });
    expect(((await response.json()) as { source: string }).source).toBe("teacher");
    expect(teacherCalls).toEqual(["Python"]);
    expect(predictors.calls).toEqual(["highlight"]);
  });
});

describe("skills endpoints", () => {
  it("types skills in input order", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await postJson(app, "/v1/skills/type", {
      skills: ["Python", "team leadership", "origami"],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: { skill: string; label: string }[] };
    expect(body.rows.map((row) => [row.skill, row.label])).toEqual([
      ["Python", "Hard"],
      ["team leadership", "Soft"],
      ["origami", "Unknown"],
    ]);
  });

  it("extracts mentions with layers", async () => {
    const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await postJson(app, "/v1/skills/extract", {
      text: "Python and excellent communication skills",
    });
    const body = (await response.json()) as { mentions: { text: string; layer: string }[] };
    expect(body.mentions.map((mention) => [mention.text, mention.layer])).toEqual([
      ["Python", "knowledge"],
      ["excellent communication skills", "skill"],
    ]);
  });
});

describe("validation and limits", () => {
  const predictors = recordingPredictors();
  const app = createApp({
    predictors,
    logError: quietLog,
    limits: { maxBodyBytes: 10_000, maxTextChars: 1_000, maxSkills: 3 },
  });

  it("answers malformed JSON with 400 and a JSON error", async () => {
    const response = await postJson(app, "/v1/highlight", "{not json");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: { code: "invalid_json", message: "the request body is not valid JSON" },
    });
  });

  it("answers a body that breaks the schema with 422 naming the field", async () => {
    const missing = await postJson(app, "/v1/highlight", { format: "text" });
    expect(missing.status).toBe(422);
    const body = (await missing.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.issues[0]?.path).toBe("text");
    const badFormat = await postJson(app, "/v1/highlight", { text: "x", format: "pdf" });
    expect(badFormat.status).toBe(422);
    const unknownField = await postJson(app, "/v1/highlight", { text: "x", colour: "red" });
    expect(unknownField.status).toBe(422);
    const notStrings = await postJson(app, "/v1/skills/type", { skills: [1, 2] });
    expect(notStrings.status).toBe(422);
    const empty = await postJson(app, "/v1/skills/type", { skills: [] });
    expect(empty.status).toBe(422);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const response = await app.request("/v1/highlight", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "Python",
    });
    expect(response.status).toBe(415);
  });

  it("answers texts, lists and bodies beyond the limits with 413, without running a model", async () => {
    predictors.calls.length = 0;
    const longText = await postJson(app, "/v1/highlight", { text: "a".repeat(1_001) });
    expect(longText.status).toBe(413);
    expect(((await longText.json()) as { error: { code: string } }).error.code).toBe("text_too_long");
    const longExtract = await postJson(app, "/v1/skills/extract", { text: "a".repeat(1_001) });
    expect(longExtract.status).toBe(413);
    const manySkills = await postJson(app, "/v1/skills/type", { skills: ["a", "b", "c", "d"] });
    expect(manySkills.status).toBe(413);
    expect(((await manySkills.json()) as { error: { code: string } }).error.code).toBe("too_many_skills");
    const bigBody = await postJson(app, "/v1/highlight", { text: "a".repeat(20_000) });
    expect(bigBody.status).toBe(413);
    expect(((await bigBody.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
    expect(predictors.calls).toEqual([]);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await app.request("/v1/nothing");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("reports an unexpected predictor failure as 500 without leaking its message", async () => {
    const logged: unknown[] = [];
    const broken = createApp({
      predictors: {
        ...createKeywordPredictors(),
        highlight: () => {
          throw new Error("secret internal detail");
        },
      },
      logError: (error) => logged.push(error),
    });
    const response = await postJson(broken, "/v1/highlight", { text: "Python" });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret");
    expect(logged).toHaveLength(1);
  });
});

describe("GET endpoints", () => {
  const app = createApp({ predictors: createKeywordPredictors(), workspace, logError: quietLog });

  it("lists loaded and registered models", async () => {
    workspace.models.register({
      name: "req-tagger",
      task: "requirements",
      kind: "tagger",
      path: "models/x.json",
    });
    const body = (await (await app.request("/v1/models")).json()) as {
      loaded: { name: string }[];
      registered: { name: string }[];
    };
    expect(body.loaded.map((model) => model.name)).toEqual(["keyword-rules"]);
    expect(body.registered.map((model) => model.name)).toEqual(["req-tagger"]);
  });

  it("lists runs newest first with cost, duration, failures and headline F1", async () => {
    const body = (await (await app.request("/v1/runs")).json()) as {
      runs: { id: number; costUsd: number; failures: number; durationMs?: number; f1?: number }[];
    };
    expect(body.runs.map((run) => run.id)).toEqual([runIds.evaluateRun, runIds.trainRun, runIds.labelRun]);
    const label = body.runs.find((run) => run.id === runIds.labelRun);
    expect(label?.costUsd).toBeCloseTo(0.0009 * 2 + 0.0026, 10);
    expect(label?.failures).toBe(1);
    expect(label?.durationMs).toBeGreaterThanOrEqual(0);
    expect(body.runs.find((run) => run.id === runIds.evaluateRun)?.f1).toBe(0.72);
  });

  it("shows one run with spend per model and plottable figures", async () => {
    const response = await app.request(`/v1/runs/${runIds.evaluateRun}`);
    const body = (await response.json()) as {
      run: { id: number; report: unknown };
      charts: { f1: { label: string; f1: number }[]; confusion?: { labels: string[] } };
    };
    expect(body.run.id).toBe(runIds.evaluateRun);
    expect(body.charts.f1.map((row) => row.label)).toEqual([
      "hard_skills",
      "soft_skills",
      "benefits",
      "education",
      "job_duties",
    ]);
    expect(body.charts.confusion?.labels).toEqual(["hard_skills", "soft_skills", "benefits"]);
    const label = (await (await app.request(`/v1/runs/${runIds.labelRun}`)).json()) as {
      spend: { model: string; calls: number; costUsd: number }[];
    };
    expect(label.spend).toEqual([
      expect.objectContaining({ model: "gpt-4o-mini", calls: 2, tokensIn: 3500, tokensOut: 4696 }),
    ]);
  });

  it("answers unknown and malformed run ids with 404 and 422", async () => {
    expect((await app.request("/v1/runs/9999")).status).toBe(404);
    expect((await app.request("/v1/runs/abc")).status).toBe(422);
    expect((await app.request("/v1/runs/0")).status).toBe(422);
  });

  it("answers runs requests with 404 no_workspace when the server has no workspace", async () => {
    const bare = createApp({ predictors: createKeywordPredictors(), logError: quietLog });
    const response = await bare.request("/v1/runs");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("no_workspace");
    expect(
      ((await (await bare.request("/v1/models")).json()) as { registered: unknown[] }).registered,
    ).toEqual([]);
  });

  it("serves the category legend from the label set", async () => {
    const body = (await (await app.request("/v1/categories")).json()) as {
      categories: { id: string; name: string; color: string }[];
    };
    expect(body.categories.map((category) => category.id)).toEqual(requirementCategories.map((c) => c.id));
    for (const category of body.categories) expect(category.color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it("reports health", async () => {
    expect(await (await app.request("/v1/health")).json()).toEqual(
      expect.objectContaining({ status: "ok", models: 1, teacher: false, workspace: true }),
    );
  });

  it("publishes an OpenAPI 3 document describing every route", async () => {
    const response = await app.request("/v1/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      components: { schemas: Record<string, unknown> };
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        "/v1/highlight",
        "/v1/screen",
        "/v1/skills/type",
        "/v1/skills/extract",
        "/v1/models",
        "/v1/runs",
        "/v1/runs/{id}",
        "/v1/categories",
        "/v1/health",
        "/v1/openapi.json",
        "/v1/roles",
        "/v1/roles/advice",
      ].sort(),
    );
    const highlight = document.paths["/v1/highlight"]?.post;
    expect(JSON.stringify(highlight?.requestBody)).toContain('"required":["text"]');
    expect(Object.keys(highlight?.responses ?? {})).toEqual(expect.arrayContaining(["200", "413", "422"]));

    // Generated by @hono/zod-openapi from the route definitions the handlers are mounted with: each
    // route's method is there, error answers refer to one Error component, and parameters are typed.
    for (const route of Object.values(apiRoutes(defaultServerLimits))) {
      expect(document.paths[route.path]?.[route.method]).toBeDefined();
    }
    expect(JSON.stringify(highlight?.responses["422"])).toContain('"$ref":"#/components/schemas/Error"');
    expect(document.components.schemas.Error).toBeDefined();
    expect(JSON.stringify(document.paths["/v1/runs/{id}"])).toContain('"in":"path"');
    expect(JSON.stringify(document.paths["/v1/screen"])).toContain('"in":"query"');
  });
});

describe("pages and headers", () => {
  const app = createApp({ predictors: createKeywordPredictors(), logError: quietLog });

  it("serves the page, the runs page and their assets", async () => {
    for (const [path, type] of [
      ["/", "text/html"],
      ["/runs", "text/html"],
      ["/assets/style.css", "text/css"],
      ["/assets/advert-page.js", "text/javascript"],
      ["/assets/runs-page.js", "text/javascript"],
    ] as const) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain(type);
    }
  });

  it("sends no-sniff everywhere and a script-blocking content security policy", async () => {
    const page = await app.request("/");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-inline");
    const api = await postJson(app, "/v1/highlight", { text: "<script>alert(1)</script> Python" });
    expect(api.headers.get("content-type")).toMatch(/^application\/json/);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("keeps the page's scripts free of innerHTML", async () => {
    for (const path of ["/assets/advert-page.js", "/assets/runs-page.js"]) {
      const script = await (await app.request(path)).text();
      expect(script, path).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});
