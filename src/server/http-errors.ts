import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { assertNever, type ErrorCode, JobdistillError } from "../core/errors.ts";

/**
 * The HTTP status of each error code: the one place errors become statuses. Exhaustive, so a
 * new code fails to compile until it is mapped here. Caller mistakes are 4xx; a teacher LLM that
 * failed or answered unusably is 502 (503 when trying again may help); the rest is the server's 500.
 */
export function httpStatusOf(code: ErrorCode, isRetryable = false): ContentfulStatusCode {
  switch (code) {
    case "usage":
    case "invalid_json":
    case "teacher_unavailable":
      return 400;
    case "not_found":
    case "no_workspace":
    case "no_roles_model":
      return 404;
    case "method_not_allowed":
      return 405;
    case "body_too_large":
    case "text_too_long":
    case "too_many_skills":
    case "too_many_documents":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "misdirected_host":
      return 421;
    case "advisor_busy":
      return 429;
    case "input":
    case "invalid_body":
    case "invalid_id":
      return 422;
    case "teacher_busy":
      return 429;
    case "unavailable":
    case "queue":
    case "interrupted":
    case "rate-limited":
    case "timeout":
    case "network":
      return 503;
    case "api-call":
      return isRetryable ? 503 : 502;
    case "no-object":
    case "truncated":
    case "content-filter":
    case "teacher":
    case "label-failed":
    case "judge-failed":
    case "generate-failed":
    case "encoder-failed":
      return 502;
    case "model-load":
    case "llama":
    case "workspace":
    case "serve":
    case "internal":
      return 500;
    default:
      return assertNever(code, "error code");
  }
}

/** A failure the API reports to its caller; its status follows from its code. */
export class HttpError extends JobdistillError {
  readonly status: ContentfulStatusCode;

  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>) {
    super(message, { code, ...(data ? { data } : {}) });
    this.name = "HttpError";
    this.status = httpStatusOf(code);
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: { path: string; message: string }[] };
}

/**
 * The one place errors become HTTP responses. Unexpected errors keep their details in the server
 * log (`report`) and show the caller only a generic message.
 */
export function errorToResponse(
  error: unknown,
  report: (error: unknown) => void,
): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof JobdistillError) {
    const status = httpStatusOf(error.code, error.isRetryable);
    if (status >= 500) report(error);
    const issues =
      error instanceof HttpError ? (error.data.issues as ErrorBody["error"]["issues"]) : undefined;
    return {
      status,
      body: { error: { code: error.code, message: error.message, ...(issues ? { issues } : {}) } },
    };
  }
  report(error);
  return { status: 500, body: { error: { code: "internal", message: "internal server error" } } };
}

export function validationError(error: z.ZodError): HttpError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : "invalid body";
  return new HttpError("invalid_body", `invalid request body: ${summary}`, { issues });
}
