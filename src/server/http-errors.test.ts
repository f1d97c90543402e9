import { describe, expect, it } from "vitest";
import { type ErrorCode, errorCodes, JobdistillError } from "../core/errors.ts";
import { errorToResponse, HttpError, httpStatusOf } from "./http-errors.ts";

/** The documented HTTP status of every code (http-errors.ts). `api-call` depends on retryability. */
const documented: Record<ErrorCode, number> = {
  usage: 400,
  input: 422,
  not_found: 404,
  "api-call": 502,
  "rate-limited": 503,
  timeout: 503,
  network: 503,
  "model-load": 500,
  llama: 500,
  "no-object": 502,
  truncated: 502,
  "content-filter": 502,
  interrupted: 503,
  teacher: 502,
  "label-failed": 502,
  "generate-failed": 502,
  "judge-failed": 502,
  "encoder-failed": 502,
  workspace: 500,
  serve: 500,
  unavailable: 503,
  queue: 503,
  internal: 500,
  body_too_large: 413,
  text_too_long: 413,
  too_many_skills: 413,
  too_many_documents: 413,
  unsupported_media_type: 415,
  invalid_json: 400,
  invalid_body: 422,
  invalid_id: 422,
  no_workspace: 404,
  teacher_unavailable: 400,
  teacher_busy: 429,
  misdirected_host: 421,
  method_not_allowed: 405,
  no_roles_model: 404,
  advisor_busy: 429,
};

describe("httpStatusOf", () => {
  it.each(errorCodes)("maps %s to its documented status", (code) => {
    expect(httpStatusOf(code)).toBe(documented[code]);
  });

  it("answers a failed call that may succeed on a retry with 503", () => {
    expect(httpStatusOf("api-call", true)).toBe(503);
  });
});

describe("errorToResponse", () => {
  it("uses the status of the error's code, and reports only server-side failures", () => {
    const reported: unknown[] = [];
    const report = (error: unknown) => reported.push(error);
    const usage = errorToResponse(new JobdistillError("bad", { code: "usage" }), report);
    expect(usage).toEqual({ status: 400, body: { error: { code: "usage", message: "bad" } } });
    expect(errorToResponse(new HttpError("too_many_skills", "too many"), report).status).toBe(413);
    expect(reported).toEqual([]);
    const failed = errorToResponse(new JobdistillError("no answer", { code: "no-object" }), report);
    expect(failed.status).toBe(502);
    expect(reported).toHaveLength(1);
  });

  it("hides unexpected errors behind a generic 500", () => {
    const reported: unknown[] = [];
    const response = errorToResponse(new Error("secret detail"), (error) => reported.push(error));
    expect(response).toEqual({
      status: 500,
      body: { error: { code: "internal", message: "internal server error" } },
    });
    expect(reported).toHaveLength(1);
  });
});
