/**
 * One error base for the whole project. Every failure carries a stable `code`, says whether
 * trying again could help (`isRetryable`), and keeps its `cause`.
 */
export interface JobdistillErrorOptions {
  code: string;
  isRetryable?: boolean;
  cause?: unknown;
  /** Evidence a user may want to inspect (never secrets). */
  data?: Record<string, unknown>;
}

export class JobdistillError extends Error {
  readonly code: string;
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
