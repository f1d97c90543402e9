import { assertNever, type ErrorCode } from "../core/errors.ts";

/** The documented exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (as after SIGINT). */
export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The exit code of each error code. Exhaustive: a new code fails to compile until it is mapped here. */
export function exitCodeOf(code: ErrorCode): number {
  switch (code) {
    case "usage":
      return exitCodes.usage;
    case "interrupted":
      return exitCodes.interrupted;
    case "input":
    case "not_found":
    case "api-call":
    case "rate-limited":
    case "timeout":
    case "network":
    case "model-load":
    case "llama":
    case "no-object":
    case "truncated":
    case "content-filter":
    case "teacher":
    case "label-failed":
    case "judge-failed":
    case "generate-failed":
    case "queue":
    case "encoder-failed":
    case "workspace":
    case "serve":
    case "unavailable":
    case "internal":
    case "body_too_large":
    case "text_too_long":
    case "too_many_skills":
    case "too_many_documents":
    case "unsupported_media_type":
    case "invalid_json":
    case "invalid_body":
    case "invalid_id":
    case "no_workspace":
    case "teacher_unavailable":
    case "teacher_busy":
    case "misdirected_host":
    case "method_not_allowed":
    case "no_roles_model":
    case "advisor_busy":
      return exitCodes.failure;
    default:
      return assertNever(code, "error code");
  }
}
