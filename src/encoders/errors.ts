import { JobdistillError } from "../core/errors.ts";

/** An encoder could not load or embed: names the encoder (its id, never a secret) and keeps the cause. */
export function encoderFailed(
  encoderId: string,
  message: string,
  options: { cause?: unknown; isRetryable?: boolean; data?: Record<string, unknown> } = {},
): JobdistillError {
  return new JobdistillError(`encoder ${encoderId}: ${message}`, {
    code: "encoder-failed",
    isRetryable: options.isRetryable ?? false,
    cause: options.cause,
    data: { encoder: encoderId, ...options.data },
  });
}
