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
export { parseQueueUrl, QUEUE_NAME, type QueueConnection, queueError } from "./queue-url.ts";
export { checkQueueReachable, redisClient } from "./redis-client.ts";
