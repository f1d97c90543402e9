import { type ZodType, z } from "zod";
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
  runsResponseSchema,
  screenRequestSchema,
  screenResponseSchema,
  typeSkillsRequestSchema,
  typeSkillsResponseSchema,
} from "./api-schemas.ts";
import type { ServerLimits } from "./limits.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function jsonContent(schema: ZodType, io: "input" | "output") {
  return { "application/json": { schema: jsonSchema(schema, io) } };
}

const errorRef = { $ref: "#/components/schemas/Error" };

function errorResponses(statuses: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: errorRef } } },
    ]),
  );
}

function post(
  summary: string,
  request: ZodType,
  response: ZodType,
  description: string,
  errors: Record<number, string> = {},
) {
  return {
    post: {
      summary,
      description,
      requestBody: { required: true, content: jsonContent(request, "input") },
      responses: {
        200: { description: "OK", content: jsonContent(response, "output") },
        ...errorResponses({
          400: "Malformed JSON, or a request the server cannot honour (teacher without an LLM).",
          413: "Body, text or list larger than the server's limits.",
          415: "Body is not application/json.",
          422: "Body does not match the schema.",
          ...errors,
        }),
      },
    },
  };
}

function get(summary: string, response: ZodType, errors: Record<number, string> = {}) {
  return {
    get: {
      summary,
      responses: {
        200: { description: "OK", content: jsonContent(response, "output") },
        ...errorResponses(errors),
      },
    },
  };
}

/** `post` with the errors a route adds to the common ones. */
function postWithErrors(
  summary: string,
  request: ZodType,
  response: ZodType,
  description: string,
  errors: Record<number, string>,
) {
  const operation = post(summary, request, response, description);
  return {
    post: { ...operation.post, responses: { ...operation.post.responses, ...errorResponses(errors) } },
  };
}

/** The OpenAPI 3.1 description of `/v1`, generated from the same zod schemas that validate requests. */
export function openApiDocument(limits: ServerLimits): JsonSchema {
  const sizes = `Limits: body ${limits.maxBodyBytes} bytes, text ${limits.maxTextChars} characters, ${limits.maxSkills} skills.`;
  return {
    openapi: "3.1.0",
    info: {
      title: "jobdistill",
      version: "1",
      description: `Trained students that highlight job adverts and type skills, served from memory. An LLM is called only when a request sets "teacher": true and the server was started with one. ${sizes}`,
    },
    paths: {
      "/v1/highlight": post(
        "Highlight an advert by requirement category",
        highlightRequestSchema,
        highlightResponseSchema,
        "Spans of `text` (or of the visible text of an HTML advert) with their category and score. " +
          'With "teacher": true, identical requests share one teacher call and its cached answer.',
        {
          429: "A teacher request past the server's caps (calls at once, per minute, dollars per minute); see Retry-After. Not queued.",
          502: "The teacher LLM failed or answered unusably.",
        },
      ),
      "/v1/skills/type": post(
        "Type skills as hard or soft",
        typeSkillsRequestSchema,
        typeSkillsResponseSchema,
        "One row per input skill, in input order.",
      ),
      "/v1/skills/extract": post(
        "Find skill and knowledge mentions in a text",
        extractSkillsRequestSchema,
        extractSkillsResponseSchema,
        "Mentions by offsets, SkillSpan layers.",
      ),
      "/v1/roles": postWithErrors(
        "Roles (O*NET occupations) that fit a person's skills",
        rolesRequestSchema,
        rolesResponseSchema,
        "The roles student's top roles with scores, and the current role normalised to an occupation. No LLM is called.",
        { 404: "The server has no roles model (serve --roles-model FILE)." },
      ),
      "/v1/roles/advice": postWithErrors(
        "The career advisor's analysis of the student's top roles",
        rolesRequestSchema,
        rolesAdviceResponseSchema,
        `The teacher LLM keeps or replaces each of the student's roles and analyses the person's skills for every final role (a Weak/Medium/Strong match per skill, advice). Checked: an analysed skill the person did not give is dropped and a role that maps to no occupation with confidence is marked, each with a flag. At most ${limits.maxConcurrentAdvice} different questions at once; an identical question is answered from memory or the call cache without a new call.`,
        {
          404: "The server has no roles model.",
          429: "The advisor is at its limit of concurrent questions: retry after the retry-after header's seconds.",
          502: "The advisor gave no usable answer.",
          503: "The advisor could not be reached (try again).",
        },
      ),
      "/v1/screen": {
        post: {
          summary: "Screen documents (resumes) with the server's screen model, ranked",
          description: `One row per document, best first by the positive label's probability, with the sentences that drove it. JSON \`documents\`, or multipart/form-data with \`files\` (.txt, .md, .html, .pdf, .docx) and \`threshold\`, \`top\`, \`explain\` as fields; a file with no readable text is listed in \`failures\`. \`?format=csv\` answers CSV. Limits: body ${limits.maxScreenBodyBytes} bytes, ${limits.maxScreenFileBytes} bytes per file, ${limits.maxScreenDocuments} documents.`,
          parameters: [
            {
              name: "format",
              in: "query",
              required: false,
              schema: { type: "string", enum: ["json", "csv"] },
            },
          ],
          requestBody: {
            required: true,
            content: {
              ...jsonContent(screenRequestSchema, "input"),
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
          responses: {
            200: {
              description: "OK",
              content: {
                ...jsonContent(screenResponseSchema, "output"),
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
        },
      },
      "/v1/models": get("Models loaded by this server and registered in its workspace", modelsResponseSchema),
      "/v1/runs": get("Labelling, training and evaluation runs, newest first", runsResponseSchema, {
        404: "The server has no workspace.",
      }),
      "/v1/runs/{id}": {
        get: {
          summary: "One run with its spend per model, failures, report and plottable figures",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
          responses: {
            200: { description: "OK", content: jsonContent(runDetailResponseSchema, "output") },
            ...errorResponses({
              404: "No such run, or no workspace.",
              422: "The id is not a positive integer.",
            }),
          },
        },
      },
      "/v1/categories": get(
        "Requirement categories with names, definitions and colours",
        categoriesResponseSchema,
      ),
      "/v1/health": get("Liveness and what this server can do", healthResponseSchema),
      "/v1/openapi.json": { get: { summary: "This document", responses: { 200: { description: "OK" } } } },
    },
    // Every route: another method answers 405 with Allow; a Host that is neither the server's own nor loopback, 421.
    components: { schemas: { Error: jsonSchema(errorResponseSchema, "output") } },
  };
}
