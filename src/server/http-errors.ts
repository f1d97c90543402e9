import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { JobdistillError } from "../core/errors.ts";

/** A failure the API reports to its caller with a chosen status. */
export class HttpError extends JobdistillError {
  readonly status: ContentfulStatusCode;

  constructor(status: ContentfulStatusCode, code: string, message: string, data?: Record<string, unknown>) {
    super(message, { code, ...(data ? { data } : {}) });
    this.name = "HttpError";
    this.status = status;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** Status per error code of the lower layers; anything else is the server's fault. */
const statusByCode: Record<string, ContentfulStatusCode> = {
  usage: 400,
  input: 422,
  not_found: 404,
};

/**
 * The one place errors become HTTP responses. Unexpected errors keep their details in the server
 * log (`report`) and show the caller only a generic message.
 */
export function errorToResponse(
  error: unknown,
  report: (error: unknown) => void,
): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof HttpError) {
    const issues = error.data.issues as ErrorBody["error"]["issues"] | undefined;
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...(issues ? { issues } : {}) } },
    };
  }
  if (error instanceof JobdistillError) {
    const status = statusByCode[error.code] ?? (error.isRetryable ? 503 : 500);
    if (status >= 500) report(error);
    return { status, body: { error: { code: error.code, message: error.message } } };
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
  return new HttpError(422, "invalid_body", `invalid request body: ${summary}`, { issues });
}
