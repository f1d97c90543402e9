import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import {
  categoriesResponseSchema,
  errorResponseSchema,
  extractSkillsRequestSchema,
  extractSkillsResponseSchema,
  healthResponseSchema,
  highlightRequestSchema,
  highlightResponseSchema,
  modelsResponseSchema,
  rolesAdviceResponseSchema,
  rolesRequestSchema,
  rolesResponseSchema,
  runDetailResponseSchema,
  runIdParamsSchema,
  runsResponseSchema,
  screenQuerySchema,
  screenRequestSchema,
  screenResponseSchema,
  typeSkillsRequestSchema,
  typeSkillsResponseSchema,
} from "./api-schemas.ts";
import type { ServerLimits } from "./limits.ts";

/*
 * The routes of `/v1` as @hono/zod-openapi route definitions: the request schemas here are the ones
 * that validate requests (app.ts mounts each handler with `app.openapi(route, …)`), and the OpenAPI
 * document is generated from them by the library, not written by hand.
 */

/** Every error answer has this body; the document names it once, as the component `Error`. */
const errorSchema = errorResponseSchema.meta({ id: "Error" });

function errorResponses(statuses: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: errorSchema } } },
    ]),
  );
}

const commonPostErrors = {
  400: "Malformed JSON, or a request the server cannot honour (teacher without an LLM).",
  413: "Body, text or list larger than the server's limits.",
  415: "Body is not application/json.",
  422: "Body does not match the schema.",
};

function jsonPost<Request extends ZodType, Response extends ZodType>(
  path: string,
  summary: string,
  description: string,
  request: Request,
  response: Response,
  errors: Record<number, string> = {},
) {
  return createRoute({
    method: "post",
    path,
    summary,
    description,
    request: { body: { required: true, content: { "application/json": { schema: request } } } },
    responses: {
      200: { description: "OK", content: { "application/json": { schema: response } } },
      ...errorResponses({ ...commonPostErrors, ...errors }),
    },
  });
}

function jsonGet<Response extends ZodType>(
  path: string,
  summary: string,
  response: Response,
  errors: Record<number, string> = {},
) {
  return createRoute({
    method: "get",
    path,
    summary,
    responses: {
      200: { description: "OK", content: { "application/json": { schema: response } } },
      ...errorResponses(errors),
    },
  });
}

/** Every route of `/v1`, described with the limits the server was started with. */
export function apiRoutes(limits: ServerLimits) {
  return {
    highlight: jsonPost(
      "/v1/highlight",
      "Highlight an advert by requirement category",
      "Spans of `text` (or of the visible text of an HTML advert) with their category and score. " +
        'With "teacher": true, identical requests share one teacher call and its cached answer.',
      highlightRequestSchema,
      highlightResponseSchema,
      {
        429: "A teacher request past the server's caps (calls at once, per minute, dollars per minute); see Retry-After. Not queued.",
        502: "The teacher LLM failed or answered unusably.",
      },
    ),
    typeSkills: jsonPost(
      "/v1/skills/type",
      "Type skills as hard or soft",
      "One row per input skill, in input order.",
      typeSkillsRequestSchema,
      typeSkillsResponseSchema,
    ),
    extractSkills: jsonPost(
      "/v1/skills/extract",
      "Find skill and knowledge mentions in a text",
      "Mentions by offsets, SkillSpan layers.",
      extractSkillsRequestSchema,
      extractSkillsResponseSchema,
    ),
    roles: jsonPost(
      "/v1/roles",
      "Roles (O*NET occupations) that fit a person's skills",
      "The roles student's top roles with scores, and the current role normalised to an occupation. No LLM is called.",
      rolesRequestSchema,
      rolesResponseSchema,
      { 404: "The server has no roles model (serve --roles-model FILE)." },
    ),
    rolesAdvice: jsonPost(
      "/v1/roles/advice",
      "The career advisor's analysis of the student's top roles",
      `The teacher LLM keeps or replaces each of the student's roles and analyses the person's skills for every final role (a Weak/Medium/Strong match per skill, advice). Checked: an analysed skill the person did not give is dropped and a role that maps to no occupation with confidence is marked, each with a flag. At most ${limits.maxConcurrentAdvice} different questions at once; an identical question is answered from memory or the call cache without a new call.`,
      rolesRequestSchema,
      rolesAdviceResponseSchema,
      {
        404: "The server has no roles model.",
        429: "The advisor is at its limit of concurrent questions: retry after the retry-after header's seconds.",
        502: "The advisor gave no usable answer.",
        503: "The advisor could not be reached (try again).",
      },
    ),
    // Screening reads JSON or multipart itself (files become text first), so this route only
    // describes its bodies; app.ts validates the JSON body with screenRequestSchema.
    screen: createRoute({
      method: "post",
      path: "/v1/screen",
      summary: "Screen documents (resumes) with the server's screen model, ranked",
      description: `One row per document, best first by the positive label's probability, with the sentences that drove it. JSON \`documents\`, or multipart/form-data with \`files\` (.txt, .md, .html, .pdf, .docx) and \`threshold\`, \`top\`, \`explain\` as fields; a file with no readable text is listed in \`failures\`. \`?format=csv\` answers CSV. Limits: body ${limits.maxScreenBodyBytes} bytes, ${limits.maxScreenFileBytes} bytes per file, ${limits.maxScreenDocuments} documents.`,
      request: {
        query: screenQuerySchema,
        body: {
          required: true,
          content: {
            "application/json": { schema: screenRequestSchema },
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["files"],
                properties: {
                  files: { type: "array", items: { type: "string", format: "binary" } },
                  threshold: { type: "number", minimum: 0, maximum: 1 },
                  top: { type: "integer", minimum: 1 },
                  explain: { type: "integer", minimum: 0, maximum: 10 },
                },
              },
            },
          },
        },
      },
      responses: {
        200: {
          description: "OK",
          content: {
            "application/json": { schema: screenResponseSchema },
            "text/csv": { schema: { type: "string" } },
          },
        },
        ...errorResponses({
          400: "Malformed JSON.",
          404: "The server has no screen model.",
          413: "Body, a text or the number of documents beyond the server's limits.",
          415: "Body is neither JSON nor multipart/form-data.",
          422: "Body does not match the schema.",
        }),
      },
    }),
    models: jsonGet(
      "/v1/models",
      "Models loaded by this server and registered in its workspace",
      modelsResponseSchema,
    ),
    runs: jsonGet("/v1/runs", "Labelling, training and evaluation runs, newest first", runsResponseSchema, {
      404: "The server has no workspace.",
    }),
    run: createRoute({
      method: "get",
      path: "/v1/runs/{id}",
      summary: "One run with its spend per model, failures, report and plottable figures",
      request: { params: runIdParamsSchema },
      responses: {
        200: { description: "OK", content: { "application/json": { schema: runDetailResponseSchema } } },
        ...errorResponses({
          404: "No such run, or no workspace.",
          422: "The id is not a positive integer.",
        }),
      },
    }),
    categories: jsonGet(
      "/v1/categories",
      "Requirement categories with names, definitions and colours",
      categoriesResponseSchema,
    ),
    health: jsonGet("/v1/health", "Liveness and what this server can do", healthResponseSchema),
  };
}

export type ApiRoutes = ReturnType<typeof apiRoutes>;

/**
 * The OpenAPI 3.1 description of `/v1`, generated by @hono/zod-openapi from the routes `app`
 * registered (see apiRoutes). Every route also answers another method with 405 and Allow, and a
 * Host that is neither the server's own nor loopback with 421.
 */
export function openApiDocument(app: OpenAPIHono, limits: ServerLimits): Record<string, unknown> {
  const sizes = `Limits: body ${limits.maxBodyBytes} bytes, text ${limits.maxTextChars} characters, ${limits.maxSkills} skills.`;
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/openapi.json",
    summary: "This document",
    responses: { 200: { description: "OK" } },
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "jobdistill",
      version: "1",
      description: `Trained students that highlight job adverts and type skills, served from memory. An LLM is called only when a request sets "teacher": true and the server was started with one. ${sizes}`,
    },
  }) as unknown as Record<string, unknown>;
}
