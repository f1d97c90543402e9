import { errorMessage, JobdistillError, UsageError } from "../../core/errors.ts";
import { redactUrl, redactUrlsInText } from "../../core/redact-url.ts";

/*
 * Only parsing here: it is what `label` and `predict` load up front; the Redis and BullMQ clients
 * (redis-client.ts, job-client.ts) load when --queue is given.
 */

/** The BullMQ queue every coordinator and worker of one Redis database shares. */
export const QUEUE_NAME = "jobdistill";

/** Where the job queue is: a Redis database, and how to name it without its credentials. */
export interface QueueConnection {
  /** The URL as given, credentials included: handed to the Redis client and nowhere else. */
  readonly url: string;
  /** The URL with `user:password@` and secret-looking query values taken out: what messages show. */
  readonly shown: string;
  readonly queueName: string;
}

/** `redis://[:password@]host:port[/db]` (or `rediss://`), checked; the error never repeats a password. */
export function parseQueueUrl(url: string): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Unparseable text cannot be redacted reliably, so it is not repeated at all.
    throw new UsageError("--queue must be a URL such as redis://host:6379/0");
  }
  const shown = redactUrl(url).url;
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new UsageError(`--queue must be a redis:// or rediss:// URL, not ${shown}`);
  }
  const database = parsed.pathname.replace(/^\//, "");
  if (database !== "" && !/^\d+$/.test(database)) {
    throw new UsageError(`--queue: the path of ${shown} must be a database number (redis://host:6379/0)`);
  }
  return { url, shown, queueName: QUEUE_NAME };
}

/** An error of the queue, its message cleared of URLs with credentials. */
export function queueError(what: string, connection: QueueConnection, cause: unknown): JobdistillError {
  const reason = redactUrlsInText(errorMessage(cause));
  return new JobdistillError(`${what} (${connection.shown}): ${reason}`, { code: "queue", cause });
}
