import { basename } from "node:path";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { readableText } from "../align/index.ts";
import { extractDocumentText } from "../dataset/import/index.ts";
import type { Run, Workspace } from "../store/index.ts";
import type { HighlightResult, TextFormat } from "../student/predictors.ts";
import type { ScreenClassifier } from "../student/screen/index.ts";
import { categoryExamples, requirementCategories } from "../tasks/requirements/labels.ts";
import { webAssets } from "../web/index.ts";
import {
  type ScreenDocumentsOptions,
  type ScreenFailure,
  type ScreenInput,
  screenDocuments,
  screenRowsToCsv,
} from "../workflows/screen.ts";
import {
  extractSkillsRequestSchema,
  highlightRequestSchema,
  type RunSummary,
  screenFormOptionsSchema,
  screenRequestSchema,
  typeSkillsRequestSchema,
} from "./api-schemas.ts";
import { errorToResponse, HttpError, validationError } from "./http-errors.ts";
import { defaultServerLimits, type ServerLimits } from "./limits.ts";
import { openApiDocument } from "./openapi.ts";
import type { ServerPredictors } from "./predictor-pool.ts";
import { reportCharts } from "./report-charts.ts";

/** Labels an advert with the teacher LLM; called only when a request asks for it explicitly. */
export type TeacherHighlighter = (input: { text: string; format: TextFormat }) => Promise<HighlightResult>;

export interface CreateAppOptions {
  /** Loaded once by the caller; every request is served from them (in this thread or a worker pool). */
  predictors: ServerPredictors;
  /** Source of runs, spend and registered models; without it `/v1/runs` answers 404. */
  workspace?: Workspace;
  llm?: TeacherHighlighter;
  /** The screen student `/v1/screen` answers with (`serve --screen-model`); without it, 404. */
  screen?: ScreenClassifier;
  limits?: Partial<ServerLimits>;
  /** Where unexpected errors are reported (default: stderr). */
  logError?: (error: unknown) => void;
}

const pageSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const apiSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

async function readJsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) {
    throw new HttpError("unsupported_media_type", "send the body as JSON (content-type: application/json)");
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new HttpError("invalid_json", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

function checkTextLength(text: string, limits: ServerLimits): void {
  if (text.length > limits.maxTextChars) {
    throw new HttpError(
      "text_too_long",
      `the text has ${text.length} characters; this server accepts at most ${limits.maxTextChars}`,
    );
  }
}

interface ScreenRequestParts {
  inputs: ScreenInput[];
  failures: ScreenFailure[];
  settings: ScreenDocumentsOptions;
}

/**
 * A screen request's documents: JSON `documents`, or multipart `files` (each reduced to its text,
 * an unreadable or oversized one reported in `failures` by its name) with options as form fields.
 */
async function readScreenRequest(c: Context, limits: ServerLimits): Promise<ScreenRequestParts> {
  const contentType = c.req.header("content-type") ?? "";
  const tooMany = (count: number) =>
    new HttpError(
      "too_many_documents",
      `${count} documents in one request; this server screens at most ${limits.maxScreenDocuments}`,
    );
  if (/^multipart\/form-data\b/i.test(contentType)) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new HttpError("invalid_body", "the multipart body cannot be read");
    }
    const files = form.getAll("files").filter((value): value is File => typeof value !== "string");
    if (files.length === 0)
      throw new HttpError("invalid_body", 'send one or more files in the "files" field');
    if (files.length > limits.maxScreenDocuments) throw tooMany(files.length);
    const fields = Object.fromEntries(
      [...form.entries()].filter(([key]) => key !== "files").map(([key, value]) => [key, String(value)]),
    );
    const parsed = screenFormOptionsSchema.safeParse(fields);
    if (!parsed.success) throw validationError(parsed.error);
    const inputs: ScreenInput[] = [];
    const failures: ScreenFailure[] = [];
    for (const file of files) {
      const id = basename(file.name || "upload");
      if (file.size > limits.maxScreenFileBytes) {
        failures.push({
          id,
          reason: `larger than this server's limit of ${limits.maxScreenFileBytes} bytes per file`,
        });
        continue;
      }
      const extracted = await extractDocumentText(id, new Uint8Array(await file.arrayBuffer()));
      if (!extracted.ok) failures.push({ id, reason: extracted.reason });
      else if (extracted.text.length > limits.maxTextChars) {
        failures.push({ id, reason: `more than this server's limit of ${limits.maxTextChars} characters` });
      } else inputs.push({ id, text: readableText(extracted) });
    }
    return { inputs, failures, settings: parsed.data };
  }
  const request = await readJsonBody(c, screenRequestSchema);
  if (request.documents.length > limits.maxScreenDocuments) throw tooMany(request.documents.length);
  const inputs = request.documents.map((document, index) => {
    checkTextLength(document.text, limits);
    return {
      id: document.id ?? String(index + 1),
      text: readableText({ text: document.text, format: document.format ?? "text" }),
    };
  });
  const { documents: _documents, ...settings } = request;
  return { inputs, failures: [], settings };
}

function summarizeRun(workspace: Workspace, run: Run): RunSummary {
  const costUsd = workspace.calls.spend(run.id).reduce((sum, row) => sum + row.costUsd, 0);
  const failures = workspace.calls.failures({ runId: run.id, finalOnly: true }).length;
  const headline = run.report === undefined ? undefined : reportCharts(run.report).headlineF1;
  const summary: RunSummary = {
    id: run.id,
    kind: run.kind,
    status: run.status,
    startedAt: run.startedAt,
    itemsTotal: run.itemsTotal,
    itemsDone: run.itemsDone,
    itemsSkipped: run.itemsSkipped,
    itemsFailed: run.itemsFailed,
    costUsd,
    failures,
  };
  if (run.task !== undefined) summary.task = run.task;
  if (run.provider !== undefined) summary.provider = run.provider;
  if (run.model !== undefined) summary.model = run.model;
  if (run.endedAt !== undefined) {
    summary.endedAt = run.endedAt;
    summary.durationMs = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  }
  if (headline !== undefined) summary.f1 = headline;
  if (run.error !== undefined) summary.error = run.error;
  return summary;
}

/**
 * The HTTP API and the web page, as a Hono app (test it with `app.request()`; serve it with
 * `startServer`). A thin adapter: every answer comes from the predictors or the workspace.
 */
export function createApp(options: CreateAppOptions): Hono {
  const { predictors, workspace, llm } = options;
  const limits: ServerLimits = { ...defaultServerLimits, ...options.limits };
  const logError = options.logError ?? ((error: unknown) => console.error("jobdistill serve:", error));
  const startedAt = Date.now();
  const assets = webAssets();
  const openApi = JSON.stringify(openApiDocument(limits));
  const categories = requirementCategories.map((category) => ({
    id: category.id,
    name: category.name,
    definition: category.definition,
    examples: categoryExamples(category),
    color: category.color,
  }));

  const requireWorkspace = (): Workspace => {
    if (!workspace) throw new HttpError("no_workspace", "this server was started without a workspace");
    return workspace;
  };

  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    const isPage = (c.res.headers.get("content-type") ?? "").startsWith("text/html");
    c.header("Content-Security-Policy", isPage ? pageSecurityPolicy : apiSecurityPolicy);
  });
  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        const { status, body } = errorToResponse(
          new HttpError("body_too_large", `the request body is larger than ${maxSize} bytes`),
          logError,
        );
        return c.json(body, status);
      },
    });
  const generalBodyLimit = limitBody(limits.maxBodyBytes);
  // Screening takes uploaded files: its own, larger limit.
  const screenBodyLimit = limitBody(limits.maxScreenBodyBytes);
  app.use("/v1/*", (c, next) =>
    c.req.path === "/v1/screen" ? screenBodyLimit(c, next) : generalBodyLimit(c, next),
  );
  app.onError((error, c) => {
    const { status, body } = errorToResponse(error, logError);
    return c.json(body, status);
  });
  app.notFound((c) => {
    const { status, body } = errorToResponse(
      new HttpError("not_found", `no route for ${c.req.method} ${c.req.path}`),
      logError,
    );
    return c.json(body, status);
  });

  app.post("/v1/highlight", async (c) => {
    const request = await readJsonBody(c, highlightRequestSchema);
    checkTextLength(request.text, limits);
    const format = request.format ?? "text";
    if (request.teacher) {
      if (!llm) {
        throw new HttpError(
          "teacher_unavailable",
          'this server was started without a teacher LLM, so "teacher": true cannot be honoured; leave it out to use the trained student',
        );
      }
      return c.json({ ...(await llm({ text: request.text, format })), source: "teacher" });
    }
    return c.json({ ...(await predictors.highlight({ text: request.text, format })), source: "student" });
  });

  app.post("/v1/skills/type", async (c) => {
    const request = await readJsonBody(c, typeSkillsRequestSchema);
    if (request.skills.length > limits.maxSkills) {
      throw new HttpError(
        "too_many_skills",
        `${request.skills.length} skills in one request; this server accepts at most ${limits.maxSkills}`,
      );
    }
    return c.json({ rows: await predictors.typeSkills(request.skills) });
  });

  app.post("/v1/skills/extract", async (c) => {
    const request = await readJsonBody(c, extractSkillsRequestSchema);
    checkTextLength(request.text, limits);
    return c.json(await predictors.extractSkills({ text: request.text, format: request.format ?? "text" }));
  });

  app.post("/v1/screen", async (c) => {
    const model = options.screen;
    if (!model) {
      throw new HttpError(
        "not_found",
        "this server has no screen model; start it with serve --screen-model NAME",
      );
    }
    const { inputs, failures, settings } = await readScreenRequest(c, limits);
    const rows = await screenDocuments(model, inputs, settings);
    if (c.req.query("format") === "csv") {
      return c.body(screenRowsToCsv(rows, settings.explain ?? 3), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="ranked.csv"',
      });
    }
    const { labels, positiveLabel, student } = model.config;
    return c.json({ rows, failures, model: { labels, positiveLabel, student } });
  });

  app.get("/v1/models", (c) => {
    const registered = (workspace?.models.list() ?? []).map(({ name, task, kind, createdAt }) => ({
      name,
      task,
      kind,
      createdAt,
    }));
    return c.json({ loaded: predictors.models(), registered });
  });

  app.get("/v1/runs", (c) => {
    const store = requireWorkspace();
    return c.json({ runs: store.runs.list().map((run) => summarizeRun(store, run)) });
  });

  app.get("/v1/runs/:id", (c) => {
    const store = requireWorkspace();
    const idText = c.req.param("id");
    const id = /^[1-9]\d{0,15}$/.test(idText) ? Number(idText) : Number.NaN;
    if (!Number.isSafeInteger(id)) throw new HttpError("invalid_id", "a run id is a positive integer");
    const run = store.runs.get(id);
    if (!run) throw new HttpError("not_found", `no run ${id} in this workspace`);
    const charts = reportCharts(run.report);
    return c.json({
      run: {
        ...summarizeRun(store, run),
        params: run.params,
        report: run.report,
      },
      spend: store.calls.spend(id),
      charts: { f1: charts.f1, ...(charts.confusion ? { confusion: charts.confusion } : {}) },
    });
  });

  app.get("/v1/categories", (c) => c.json({ categories }));

  app.get("/v1/health", (c) =>
    c.json({
      status: "ok",
      models: predictors.models().length,
      teacher: llm !== undefined,
      workspace: workspace !== undefined,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    }),
  );

  app.get("/v1/openapi.json", (c) =>
    c.body(openApi, 200, { "content-type": "application/json; charset=utf-8" }),
  );

  for (const [path, asset] of assets) {
    app.get(path, (c) =>
      c.body(asset.body, 200, { "content-type": asset.contentType, "cache-control": "no-cache" }),
    );
  }

  return app;
}
