export {
  GENERATE_JOB,
  type GenerateJob,
  type GenerateJobAnswererOptions,
  type GenerateJobResult,
  generateJobAnswerer,
  generateJobId,
  queueLanguageModel,
} from "./generate-jobs.ts";
export { type JobClient, type JobClientOptions, openJobClient } from "./job-client.ts";
export {
  checkQueueReachable,
  parseQueueUrl,
  QUEUE_NAME,
  type QueueConnection,
  queueError,
  redisClient,
} from "./queue-url.ts";
