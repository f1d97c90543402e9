import { isIP } from "node:net";
import { basename } from "node:path";
import { type Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { BlankEnv } from "hono/types";
import type { z } from "zod";
import { readableText } from "../align/index.ts";
import type { RoleQuery, RolesPredictor } from "../core/roles.ts";
import { extractDocumentText } from "../dataset/import/index.ts";
import type { Workspace } from "../store/index.ts";
import type { ScreenClassifier } from "../student/screen/index.ts";
import { categoryExamples, requirementCategories } from "../tasks/requirements/labels.ts";
import { webAssets } from "../web/index.ts";
import { cleanSkills, type RolesAdvice, suggestRoles } from "../workflows/roles-advice.ts";
import { listRunLedger, type RunLedgerEntry, runLedgerDetail } from "../workflows/runs.ts";
import {
  type ScreenDocumentsOptions,
  type ScreenFailure,
  type ScreenInput,
  screenDocuments,
  screenRowsToCsv,
} from "../workflows/screen.ts";
import { AdviceGate } from "./advice-gate.ts";
import {
  type RolesRequest,
  type RunSummary,
  screenFormOptionsSchema,
  screenRequestSchema,
} from "./api-schemas.ts";
import { errorToResponse, HttpError, validationError } from "./http-errors.ts";
import { defaultServerLimits, type ServerLimits } from "./limits.ts";
import { apiRoutes, openApiDocument } from "./openapi.ts";
import type { ServerPredictors } from "./predictor-pool.ts";
import { reportCharts } from "./report-charts.ts";
import { isLoopbackHost } from "./start-server.ts";
import { TeacherGuard, type TeacherGuardLimits, type TeacherHighlighter } from "./teacher-guard.ts";

export type { TeacherHighlighter } from "./teacher-guard.ts";

export interface CreateAppOptions {
  /** Loaded once by the caller; every request is served from them (in this thread or a worker pool). */
  predictors: ServerPredictors;
  /** Source of runs, spend and registered models; without it `/v1/runs` answers 404. */
  workspace?: Workspace;
  llm?: TeacherHighlighter;
  /** The screen student `/v1/screen` answers with (`serve --screen-model`); without it, 404. */
  screen?: ScreenClassifier;
  /** Caps on `"teacher": true` requests (see TeacherGuardLimits for the defaults). */
  teacherLimits?: Partial<TeacherGuardLimits>;
  /**
   * The host the server is bound to. Requests whose Host header is neither it, nor loopback, nor
   * one of `allowedHosts` are refused with 421 (DNS rebinding). An all-interfaces bind (0.0.0.0,
   * ::) also accepts any IP address. @default loopback only
   */
  host?: string;
  allowedHosts?: readonly string[];
  /** The roles model: `/v1/roles` answers from it (404 without it). */
  rolesPredictor?: RolesPredictor;
  /** The career advisor (`adviseRoles` with the server's teacher): `/v1/roles/advice` needs it. */
  adviseRoles?: (query: RoleQuery) => Promise<RolesAdvice>;
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

/** The content types the JSON validator of @hono/zod-openapi accepts (and nothing else). */
const jsonContentType = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/;

/** Refuses a body that is not JSON with this API's own errors (415, 400), before the schema is checked. */
async function requireJsonBody(c: Context): Promise<unknown> {
  if (!jsonContentType.test(c.req.header("content-type") ?? "")) {
    throw new HttpError("unsupported_media_type", "send the body as JSON (content-type: application/json)");
  }
  try {
    return await c.req.json();
  } catch {
    throw new HttpError("invalid_json", "the request body is not valid JSON");
  }
}

async function readJsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  const parsed = schema.safeParse(await requireJsonBody(c));
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** A request the route schemas refuse, as this API's errors: a bad run id, or a body off its schema. */
const refuseInvalid: Hook<unknown, BlankEnv, string, unknown> = (result) => {
  if (result.success) return;
  if (result.target === "param") throw new HttpError("invalid_id", "a run id is a positive integer");
  throw validationError(result.error);
};

function checkTextLength(text: string, limits: ServerLimits): void {
  if (text.length > limits.maxTextChars) {
    throw new HttpError(
      "text_too_long",
      `the text has ${text.length} characters; this server accepts at most ${limits.maxTextChars}`,
    );
  }
}

/** The name in a Host header, without its port or IPv6 brackets, lower-cased. */
function hostName(header: string): string {
  const trimmed = header.trim().toLowerCase();
  const name = trimmed.startsWith("[")
    ? trimmed.slice(1, trimmed.indexOf("]") === -1 ? undefined : trimmed.indexOf("]"))
    : (trimmed.split(":")[0] ?? "");
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** Whether a request for `header` may be answered by a server bound to `boundHost` (DNS rebinding defence). */
export function isAllowedHost(
  header: string,
  boundHost: string | undefined,
  allowedHosts: readonly string[] = [],
): boolean {
  const name = hostName(header);
  if (name === "" || isLoopbackHost(name) || name.endsWith(".localhost")) return true;
  const bound =
    boundHost === undefined ? undefined : hostName(boundHost.includes(":") ? `[${boundHost}]` : boundHost);
  if (bound !== undefined && name === bound) return true;
  if ((bound === "0.0.0.0" || bound === "::") && isIP(name) !== 0) return true;
  return allowedHosts.some((allowed) => hostName(allowed) === name);
}

/** A route pattern (`/v1/runs/:id`, `/v1/*`) as a regular expression over paths. */
function routePattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((part) =>
      part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
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
/** A ledger entry (src/workflows/runs.ts: what `jobdistill runs` shows) in the API's shape. */
function summarizeRun(entry: RunLedgerEntry): RunSummary {
  const { run, costUsd, finalFailures: failures } = entry;
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
    summary.durationMs = entry.durationMs;
  }
  if (headline !== undefined) summary.f1 = headline;
  if (run.error !== undefined) summary.error = run.error;
  return summary;
}

/** A roles request as the student and the advisor read it (also the identical-request key). */
function roleQueryOf(request: RolesRequest): RoleQuery {
  return {
    skills: cleanSkills(request.skills),
    currentRole: request.currentRole?.trim() || undefined,
    top: request.top ?? 5,
  };
}

/**
 * The HTTP API and the web page, as a Hono app (test it with `app.request()`; serve it with
 * `startServer`). A thin adapter: every answer comes from the predictors or the workspace.
 */
export function createApp(options: CreateAppOptions): OpenAPIHono<BlankEnv> {
  const { predictors, workspace, llm } = options;
  const limits: ServerLimits = { ...defaultServerLimits, ...options.limits };
  const logError = options.logError ?? ((error: unknown) => console.error("jobdistill serve:", error));
  const teacher = llm === undefined ? undefined : new TeacherGuard(llm, options.teacherLimits);
  const startedAt = Date.now();
  const assets = webAssets();
  const routes = apiRoutes(limits);
  const categories = requirementCategories.map((category) => ({
    id: category.id,
    name: category.name,
    definition: category.definition,
    examples: categoryExamples(category),
    color: category.color,
  }));

  const adviceGate = new AdviceGate<RolesAdvice>({
    maxConcurrent: limits.maxConcurrentAdvice,
    cacheEntries: limits.adviceCacheEntries,
  });
  const requireRolesPredictor = (): RolesPredictor => {
    if (!options.rolesPredictor) {
      throw new HttpError(
        "no_roles_model",
        "this server was started without a roles model (serve --roles-model FILE)",
      );
    }
    return options.rolesPredictor;
  };

  const requireWorkspace = (): Workspace => {
    if (!workspace) throw new HttpError("no_workspace", "this server was started without a workspace");
    return workspace;
  };

  const app = new OpenAPIHono<BlankEnv>({ defaultHook: refuseInvalid });

  app.use("*", async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!isAllowedHost(host, options.host, options.allowedHosts)) {
      throw new HttpError(
        "misdirected_host",
        `this server does not answer for the host ${JSON.stringify(hostName(host))}; use its own address or localhost`,
      );
    }
    await next();
  });
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
  // JSON routes refuse other bodies with 415 and malformed JSON with 400 before their schema is checked
  // (screening reads its own JSON or multipart body).
  const jsonPostPaths = new Set(
    [routes.highlight, routes.typeSkills, routes.extractSkills, routes.roles, routes.rolesAdvice].map(
      (route) => route.path,
    ),
  );
  app.use("/v1/*", async (c, next) => {
    if (c.req.method === "POST" && jsonPostPaths.has(c.req.path)) await requireJsonBody(c);
    await next();
  });
  app.onError((error, c) => {
    const { status, body } = errorToResponse(error, logError);
    const retryAfter = error instanceof HttpError ? error.data.retryAfterSeconds : undefined;
    if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
    return c.json(body, status);
  });
  app.notFound((c) => {
    // A route that exists for other methods (GET or OPTIONS on a POST route): 405 with Allow.
    const allowed = new Set(
      app.routes
        .filter((route) => route.method !== "ALL" && routePattern(route.path).test(c.req.path))
        .flatMap((route) => (route.method === "GET" ? ["GET", "HEAD"] : [route.method])),
    );
    const error =
      allowed.size > 0
        ? new HttpError(
            "method_not_allowed",
            `${c.req.method} is not allowed on ${c.req.path}; use ${[...allowed].join(" or ")}`,
          )
        : new HttpError("not_found", `no route for ${c.req.method} ${c.req.path}`);
    if (allowed.size > 0) c.header("Allow", [...allowed].join(", "));
    const { status, body } = errorToResponse(error, logError);
    return c.json(body, status);
  });

  app.openapi(routes.highlight, async (c) => {
    const request = c.req.valid("json");
    checkTextLength(request.text, limits);
    const format = request.format ?? "text";
    if (request.teacher) {
      if (!teacher) {
        throw new HttpError(
          "teacher_unavailable",
          'this server was started without a teacher LLM, so "teacher": true cannot be honoured; leave it out to use the trained student',
        );
      }
      return c.json({ ...(await teacher.highlight({ text: request.text, format })), source: "teacher" });
    }
    return c.json({ ...(await predictors.highlight({ text: request.text, format })), source: "student" });
  });

  app.openapi(routes.typeSkills, async (c) => {
    const request = c.req.valid("json");
    if (request.skills.length > limits.maxSkills) {
      throw new HttpError(
        "too_many_skills",
        `${request.skills.length} skills in one request; this server accepts at most ${limits.maxSkills}`,
      );
    }
    return c.json({ rows: await predictors.typeSkills(request.skills) });
  });

  app.openapi(routes.extractSkills, async (c) => {
    const request = c.req.valid("json");
    checkTextLength(request.text, limits);
    return c.json(await predictors.extractSkills({ text: request.text, format: request.format ?? "text" }));
  });

  app.openapi(routes.roles, async (c) => {
    const predictor = requireRolesPredictor();
    const query = roleQueryOf(c.req.valid("json"));
    const suggestions = await suggestRoles(predictor, query);
    return c.json({ skills: [...query.skills], currentRole: query.currentRole, suggestions });
  });

  app.openapi(routes.rolesAdvice, async (c) => {
    requireRolesPredictor();
    const advise = options.adviseRoles;
    if (!advise) {
      throw new HttpError(
        "teacher_unavailable",
        "this server was started without a teacher LLM, so it gives no advice (serve --teacher-model M --roles-model FILE); /v1/roles answers from the student alone",
      );
    }
    const query = roleQueryOf(c.req.valid("json"));
    const outcome = await adviceGate.run(query, () => advise(query));
    if (outcome.kind === "busy") {
      throw new HttpError(
        "advisor_busy",
        `the advisor is answering ${outcome.active} questions, this server's limit; try again in a few seconds`,
        { retryAfterSeconds: 5 },
      );
    }
    const advice = outcome.value;
    return c.json(
      outcome.shared !== "no"
        ? { ...advice, spend: { ...advice.spend, cached: true, tokensIn: 0, tokensOut: 0, costUsd: 0 } }
        : advice,
    );
  });

  // Described by routes.screen; mounted as a plain route because it reads multipart bodies itself.
  app.openAPIRegistry.registerPath(routes.screen);
  app.post(routes.screen.path, async (c) => {
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

  app.openapi(routes.models, (c) => {
    const registered = (workspace?.models.list() ?? []).map(({ name, task, kind, createdAt }) => ({
      name,
      task,
      kind,
      createdAt,
    }));
    return c.json({ loaded: predictors.models(), registered });
  });

  app.openapi(routes.runs, (c) => {
    const store = requireWorkspace();
    return c.json({ runs: listRunLedger(store).map(summarizeRun) });
  });

  app.openapi(routes.run, (c) => {
    const store = requireWorkspace();
    const id = Number(c.req.valid("param").id);
    if (!Number.isSafeInteger(id)) throw new HttpError("invalid_id", "a run id is a positive integer");
    const detail = runLedgerDetail(store, id);
    if (!detail) throw new HttpError("not_found", `no run ${id} in this workspace`);
    const { run, spend, learningCurves: curves } = detail;
    const charts = reportCharts(run.report);
    return c.json({
      run: {
        ...summarizeRun(detail),
        params: run.params,
        report: run.report,
      },
      spend,
      charts: { f1: charts.f1, ...(charts.confusion ? { confusion: charts.confusion } : {}) },
      ...(curves.length > 0 ? { learningCurves: curves } : {}),
    });
  });

  app.openapi(routes.categories, (c) => c.json({ categories }));

  app.openapi(routes.health, (c) =>
    c.json({
      status: "ok",
      models: predictors.models().length,
      teacher: llm !== undefined,
      workspace: workspace !== undefined,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    }),
  );

  const openApi = JSON.stringify(openApiDocument(app, limits));
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
