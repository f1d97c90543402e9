/**
 * Every error code the project raises: a closed union, so the edges (CLI exit codes in
 * src/cli/exit-codes.ts, HTTP statuses in src/server/http-errors.ts) map each one with an
 * exhaustive `switch` and a new code fails to compile until it is mapped there. Add a code by
 * adding one line here (keep related codes together).
 */
export const errorCodes = [
  // The user's intent or data
  "usage",
  "input",
  "not_found",
  // The teacher: provider calls
  "api-call",
  "rate-limited",
  "timeout",
  "network",
  "model-load",
  "llama",
  // The teacher: answers that cannot be used
  "no-object",
  "truncated",
  "content-filter",
  // Runs
  "interrupted",
  "teacher",
  "label-failed",
  "judge-failed",
  "generate-failed",
  // The Redis job queue (label/predict --queue, worker): unreachable, or a job that failed there
  "queue",
  // Sentence encoders (loading or embedding)
  "encoder-failed",
  // The workspace and serving
  "workspace",
  "serve",
  "unavailable",
  "internal",
  // The HTTP API's own request errors
  "body_too_large",
  "text_too_long",
  "too_many_skills",
  "too_many_documents",
  "unsupported_media_type",
  "invalid_json",
  "invalid_body",
  "invalid_id",
  "no_workspace",
  "teacher_unavailable",
  "teacher_busy",
  "misdirected_host",
  "method_not_allowed",
  "no_roles_model",
  "advisor_busy",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

const knownCodes: ReadonlySet<string> = new Set(errorCodes);

/** For codes that crossed a boundary as text (a worker thread's answer). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && knownCodes.has(value);
}

/** For the `default` of an exhaustive `switch`: a missing case fails to compile. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unmapped ${what}: ${String(value)}`);
}

/**
 * One error base for the whole project. Every failure carries a stable `code`, says whether
 * trying again could help (`isRetryable`), and keeps its `cause`.
 */
export interface JobdistillErrorOptions {
  code: ErrorCode;
  isRetryable?: boolean;
  cause?: unknown;
  /** Evidence a user may want to inspect (never secrets). */
  data?: Record<string, unknown>;
}

export class JobdistillError extends Error {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly data: Record<string, unknown>;

  constructor(message: string, options: JobdistillErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "JobdistillError";
    this.code = options.code;
    this.isRetryable = options.isRetryable ?? false;
    this.data = options.data ?? {};
  }

  static is(value: unknown): value is JobdistillError {
    return value instanceof JobdistillError;
  }
}

/** The user asked for something that cannot work as stated (bad option, missing file, bad config). */
export class UsageError extends JobdistillError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, { code: "usage", ...(data ? { data } : {}) });
    this.name = "UsageError";
  }
}

/** Input data (a file, a row, a response) does not have the expected shape. */
export class InputError extends JobdistillError {
  constructor(message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, { code: "input", ...options });
    this.name = "InputError";
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
