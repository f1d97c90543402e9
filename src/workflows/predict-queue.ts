/**
 * Bulk `predict` through the job queue: the coordinator puts the student's model files into Redis
 * once (by content hash) and each run of records becomes a job; any `jobdistill worker` predicts it
 * with the model read from Redis, so workers need no workspace. Output order is the coordinator's
 * (predict.ts writes results in input order whatever order jobs finish in).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { JobdistillError, UsageError } from "../core/errors.ts";
import { hashValue, sha256Hex } from "../core/hash.ts";
import type { Workspace } from "../store/index.ts";
import type { LoadedStudents } from "../student/load-predictors.ts";
import { modelPath, predictorsFrom } from "../student/load-predictors.ts";
import { decodeSegmentClassifier } from "../student/segment-classifier/index.ts";
import { studentModelNames, trainCommandFor } from "../student/student-model-names.ts";
import { deserialiseTagger } from "../student/tagger/index.ts";
import { openJobClient, type QueueConnection, redisClient } from "../teacher/queue/index.ts";
import { type PredictInput, type PredictResult, type PredictTask, predictRecords } from "./predict-record.ts";

/** The BullMQ job name of one run of records to predict. */
export const PREDICT_JOB = "predict";

const modelKey = (hash: string): string => `jobdistill:model:${hash}`;
/** Model bytes stay in Redis this long after a coordinator last put them there. */
const modelTtlSeconds = 7 * 24 * 3600;

const predictJobSchema = z.object({
  task: z.enum(["requirements", "skills"]),
  conll: z.boolean(),
  /** Content hashes of the model files (their bytes are under `jobdistill:model:<hash>`). */
  files: z.object({ tagger: z.string(), segments: z.string().optional() }),
  inputs: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      format: z.enum(["text", "html"]),
      file: z.string(),
      line: z.number().int().optional(),
    }),
  ),
});
type PredictJob = z.infer<typeof predictJobSchema>;

const predictJobResultSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), results: z.array(z.looseObject({ kind: z.string() })) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
type PredictJobResult = z.infer<typeof predictJobResultSchema>;

export interface QueueBatchPredictorOptions {
  task: PredictTask;
  /** Name prefix given to `train --name`. @default the task */
  model?: string | undefined;
  conll?: boolean | undefined;
  connection: QueueConnection;
  /** Records per job. @default 64 */
  batchSize?: number | undefined;
  /** Jobs in the queue at once. @default 32 */
  window?: number | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/** The model files a queue job needs: a tagger, and the lexical segment classifier when there is one. */
function modelFiles(workspace: Workspace, task: "requirements" | "skills", prefix: string | undefined) {
  const names = studentModelNames(task, prefix ?? task);
  const tagger = workspace.models.get(names.tagger);
  if (!tagger) {
    throw new JobdistillError(
      `no trained ${task} student ("${names.tagger}") in this workspace: run \`${trainCommandFor(task)}\` first`,
      { code: "not_found", data: { task, model: names.tagger } },
    );
  }
  const segments = task === "requirements" ? workspace.models.get(names.segments) : undefined;
  if (segments?.kind === "encoder-segment-classifier") {
    throw new UsageError(
      `--queue predicts with lexical students; "${segments.name}" needs a sentence encoder: predict it without --queue`,
    );
  }
  return {
    tagger: readFileSync(modelPath(workspace, tagger)),
    ...(segments ? { segments: readFileSync(modelPath(workspace, segments)) } : {}),
  };
}

/**
 * A batch predictor (predict.ts's BatchPredictor) whose runs of records are jobs on the queue.
 * requirements and skills only: skill-type consults the workspace lexicon, which workers lack.
 */
export async function openQueueBatchPredictor(workspace: Workspace, options: QueueBatchPredictorOptions) {
  const { task, connection } = options;
  if (task === "skill-type") {
    throw new UsageError(
      "--queue predicts requirements and skills; skill-type reads the workspace lexicon: predict it without --queue",
    );
  }
  const bytes = modelFiles(workspace, task, options.model);
  const redis = redisClient(connection);
  redis.on("error", () => undefined);
  const files: PredictJob["files"] = { tagger: sha256Hex(bytes.tagger.toString("base64")) };
  try {
    await redis.connect();
    await redis.set(modelKey(files.tagger), bytes.tagger, "EX", modelTtlSeconds);
    if (bytes.segments) {
      files.segments = sha256Hex(bytes.segments.toString("base64"));
      await redis.set(modelKey(files.segments), bytes.segments, "EX", modelTtlSeconds);
    }
  } catch (cause) {
    throw new JobdistillError(`cannot put the model files into the job queue (${connection.shown})`, {
      code: "queue",
      cause,
    });
  } finally {
    // The client was only for the model bytes; jobs go through the job client.
    redis.disconnect();
  }
  const client = await openJobClient({ connection, onWarning: options.onWarning });
  const conll = Boolean(options.conll);
  return {
    batchSize: options.batchSize ?? 64,
    window: options.window ?? 32,
    predict: async (inputs: readonly PredictInput[]): Promise<PredictResult[]> => {
      const job: PredictJob = { task, conll, files, inputs: [...inputs] };
      const parsed = predictJobResultSchema.safeParse(
        await client.run(PREDICT_JOB, `${PREDICT_JOB}-${hashValue(job)}`, job),
      );
      if (!parsed.success || (parsed.data.ok && parsed.data.results.length !== inputs.length)) {
        throw new JobdistillError("a worker's predictions could not be read (is it a jobdistill worker?)", {
          code: "queue",
        });
      }
      if (!parsed.data.ok) {
        throw new JobdistillError(`a worker could not predict: ${parsed.data.error.message}`, {
          code: "queue",
        });
      }
      // Checked above for shape; the kinds are the worker's predictRecords, the same code as here.
      return parsed.data.results as unknown as PredictResult[];
    },
    close: () => client.close(),
  };
}

/**
 * A worker's answer to a predict job: the students decoded from the bytes in Redis (kept for the
 * next jobs of the same models), then `predictRecords`, the code `predict` runs on one machine.
 */
export function predictJobAnswerer(connection: QueueConnection): {
  answer(data: unknown): Promise<PredictJobResult>;
  close(): void;
} {
  const redis = redisClient(connection);
  redis.on("error", () => undefined);
  const loaded = new Map<string, Promise<LoadedStudents>>();
  const load = async (key: string, what: string): Promise<Buffer> => {
    const bytes = await redis.getBuffer(modelKey(key));
    if (bytes === null) {
      throw new JobdistillError(
        `the ${what} model file ${key.slice(0, 12)} is not in the job queue (expired?)`,
        {
          code: "queue",
        },
      );
    }
    return bytes;
  };
  const students = (job: PredictJob): Promise<LoadedStudents> => {
    const key = `${job.task}:${job.files.tagger}:${job.files.segments ?? ""}`;
    let students = loaded.get(key);
    if (!students) {
      students = (async (): Promise<LoadedStudents> => {
        const tagger = deserialiseTagger(await load(job.files.tagger, "tagger"), `queue:${job.files.tagger}`);
        if (job.task === "skills") return { skills: tagger, models: [] };
        const segments = job.files.segments;
        return {
          requirements: segments
            ? {
                tagger,
                segmentClassifier: decodeSegmentClassifier(
                  await load(segments, "segment"),
                  `queue:${segments}`,
                ),
              }
            : { tagger },
          models: [],
        };
      })();
      // A failed load is not kept: the next job tries again.
      students.catch(() => loaded.delete(key));
      // A worker keeps the students of a few model sets, not every one it ever saw.
      if (loaded.size >= 4) loaded.delete(loaded.keys().next().value ?? "");
      loaded.set(key, students);
    }
    return students;
  };
  return {
    answer: async (data) => {
      try {
        const job = predictJobSchema.parse(data);
        const ready = await students(job);
        const results = await predictRecords(ready, predictorsFrom(ready), job, job.inputs);
        return { ok: true, results: results as unknown as { kind: string }[] };
      } catch (error) {
        return {
          ok: false,
          error: {
            code: error instanceof JobdistillError ? error.code : "internal",
            message: error instanceof Error ? error.message : String(error),
          },
        };
      }
    },
    close: () => redis.disconnect(),
  };
}
