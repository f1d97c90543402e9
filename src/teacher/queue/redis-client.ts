import { Redis } from "ioredis";
import { type QueueConnection, queueError } from "./queue-url.ts";

/** A Redis client of our own (model bytes of predict jobs, the reachability check). */
export function redisClient(connection: QueueConnection, options: { failFast?: boolean } = {}): Redis {
  return new Redis(connection.url, {
    lazyConnect: true,
    ...(options.failFast
      ? { maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: () => null }
      : { maxRetriesPerRequest: null }),
  });
}

/**
 * Connects once and pings, so a wrong host, port or password fails at start with one clear line
 * instead of as endless reconnection attempts.
 */
export async function checkQueueReachable(connection: QueueConnection): Promise<void> {
  const client = redisClient(connection, { failFast: true });
  // The connection's own error (refused, WRONGPASS) says more than the rejected connect's "closed".
  let reason: unknown;
  client.on("error", (error: unknown) => {
    reason ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (cause) {
    throw queueError("cannot reach the job queue", connection, reason ?? cause);
  } finally {
    client.disconnect();
  }
}
