import { Job, Queue, QueueEvents } from "bullmq";
import { errorMessage, JobdistillError } from "../../core/errors.ts";
import { redactUrlsInText } from "../../core/redact-url.ts";
import { InterruptedError } from "../errors.ts";
import { type QueueConnection, queueError } from "./queue-url.ts";
import { checkQueueReachable } from "./redis-client.ts";

/** The coordinator's side of the queue: jobs in, their results out. */
export interface JobClient {
  /**
   * Adds the job unless one with this id is there already (a coordinator restarted after it added
   * it), and resolves with the result once a worker has finished it. The finished job stays in
   * Redis until it has been collected: a second later it is removed.
   */
  run(name: string, jobId: string, data: unknown, signal?: AbortSignal): Promise<unknown>;
  /** Jobs added or waited for and not finished yet. */
  readonly waiting: number;
  close(): Promise<void>;
}

export interface JobClientOptions {
  connection: QueueConnection;
  onWarning?: ((message: string) => void) | undefined;
  /**
   * A finished job nobody collects (its coordinator died after storing it and before removing it)
   * is removed after this long. @default 7 days
   */
  keepFinishedSeconds?: number | undefined;
  /** How often the state of every awaited job is read again, in case a queue event was missed. @default 5000 */
  sweepEveryMs?: number | undefined;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Delay between a job's result reaching its caller and the job's removal from Redis. */
const removeAfterMs = 1_000;

/**
 * A BullMQ queue and its events for a coordinator (`label --queue`, `predict --queue`). A job id
 * is the caller's deterministic key, so adding the same work twice never makes two jobs.
 */
export async function openJobClient(options: JobClientOptions): Promise<JobClient> {
  const { connection } = options;
  await checkQueueReachable(connection);
  const warn = (error: unknown): void =>
    options.onWarning?.(`job queue ${connection.shown}: ${redactUrlsInText(errorMessage(error))}`);
  const redis = { url: connection.url };
  const queue = new Queue(connection.queueName, { connection: redis });
  const events = new QueueEvents(connection.queueName, { connection: redis });
  queue.on("error", warn);
  events.on("error", warn);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (cause) {
    await Promise.allSettled([events.close(), queue.close()]);
    throw queueError("cannot open the job queue", connection, cause);
  }
  const keepFinished = { age: options.keepFinishedSeconds ?? 7 * 24 * 3600 };
  const waiters = new Map<string, Waiter[]>();
  /** Jobs whose result reached its caller, and when: removed from Redis a moment later. */
  const collected = new Map<string, number>();

  const finish = (jobId: string, settle: (waiter: Waiter) => void): void => {
    const list = waiters.get(jobId);
    if (!list) return;
    waiters.delete(jobId);
    // Removed a moment later, not now: the caller stores the result in the same tick it gets it
    // (run-teacher's store is synchronous), so a coordinator killed before that finds the job again.
    collected.set(jobId, performance.now());
    for (const waiter of list) settle(waiter);
  };
  const add = (name: string, jobId: string, data: unknown): Promise<unknown> =>
    queue.add(name, data, { jobId, attempts: 1, removeOnComplete: keepFinished, removeOnFail: keepFinished });
  const jobData = new Map<string, { name: string; data: unknown }>();

  /** Reads the job's state; settles its waiters when it has finished, adds it again when it vanished. */
  const look = async (jobId: string): Promise<void> => {
    if (!waiters.has(jobId)) return;
    // The state first, then the job: a job read first and finished in between would be "completed"
    // with the result it had when read (none). A finished job stays finished until it is removed.
    const state = await queue.getJobState(jobId);
    const job = state === "completed" || state === "failed" ? await Job.fromId(queue, jobId) : undefined;
    if (state === "unknown" || (job === undefined && (state === "completed" || state === "failed"))) {
      const spec = jobData.get(jobId);
      if (spec) await add(spec.name, jobId, spec.data);
      return;
    }
    if (job === undefined) return;
    if (state === "completed") {
      jobData.delete(jobId);
      finish(jobId, (waiter) => waiter.resolve(job.returnvalue));
    } else if (state === "failed") {
      jobData.delete(jobId);
      const reason = redactUrlsInText(job.failedReason || "no reason given");
      finish(jobId, (waiter) =>
        waiter.reject(
          new JobdistillError(`a worker could not finish job ${jobId}: ${reason}`, { code: "queue" }),
        ),
      );
    }
  };
  const lookSafely = (jobId: string): void => {
    look(jobId).catch(warn);
  };
  events.on("completed", ({ jobId }) => lookSafely(jobId));
  events.on("failed", ({ jobId }) => lookSafely(jobId));
  let workerlessSweeps = 0;
  const sweep = setInterval(() => {
    for (const jobId of waiters.keys()) lookSafely(jobId);
    if (waiters.size === 0) return;
    // Jobs waiting and nobody to take them: say so (once a minute), rather than wait in silence.
    queue.getWorkersCount().then((workers) => {
      workerlessSweeps = workers > 0 ? 0 : workerlessSweeps + 1;
      if (workers === 0 && workerlessSweeps % 12 === 1) {
        options.onWarning?.(
          `${waiters.size} jobs wait on ${connection.shown} and no worker is connected: start \`jobdistill worker --queue …\``,
        );
      }
    }, warn);
  }, options.sweepEveryMs ?? 5_000);
  sweep.unref();

  const removeCollected = async (before: number): Promise<void> => {
    for (const [jobId, at] of [...collected]) {
      if (at > before) continue;
      collected.delete(jobId);
      try {
        await queue.remove(jobId);
      } catch (error) {
        warn(error);
      }
    }
  };
  let removing: Promise<void> = Promise.resolve();
  const removal = setInterval(() => {
    removing = removing.then(() => removeCollected(performance.now() - removeAfterMs));
  }, removeAfterMs);
  removal.unref();

  return {
    get waiting() {
      return waiters.size;
    },
    run: (name, jobId, data, signal) =>
      new Promise<unknown>((resolve, reject) => {
        if (signal?.aborted) {
          reject(new InterruptedError());
          return;
        }
        const onAbort = (): void => {
          const list = (waiters.get(jobId) ?? []).filter((entry) => entry !== waiter);
          if (list.length === 0) waiters.delete(jobId);
          else waiters.set(jobId, list);
          // The job stays: a worker may finish it, and the next run collects it.
          reject(new InterruptedError());
        };
        const waiter: Waiter = {
          resolve: (value) => {
            signal?.removeEventListener("abort", onAbort);
            resolve(value);
          },
          reject: (error) => {
            signal?.removeEventListener("abort", onAbort);
            reject(error);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        // Waiting before adding: a job finished the instant it was added is not missed.
        waiters.set(jobId, [...(waiters.get(jobId) ?? []), waiter]);
        jobData.set(jobId, { name, data });
        add(name, jobId, data)
          .then(
            () => look(jobId),
            (cause: unknown) => {
              waiters.delete(jobId);
              jobData.delete(jobId);
              waiter.reject(queueError(`cannot add job ${jobId}`, connection, cause));
            },
          )
          .catch(warn);
      }),
    close: async () => {
      clearInterval(sweep);
      clearInterval(removal);
      await removing;
      // The caller has stored every result it got by now; a job still awaited stays for the next run.
      await removeCollected(Number.POSITIVE_INFINITY);
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}
