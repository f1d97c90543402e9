import type { GenerateRequest, GenerateResult } from "./language-model.ts";

/** A provider batch's status, as the provider names it (OpenAI's Batch object). */
export const providerBatchStatuses = [
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
] as const;
export type ProviderBatchStatus = (typeof providerBatchStatuses)[number];

/** Statuses after which a batch changes no more: its output and error files are final. */
export const finishedBatchStatuses: ReadonlySet<ProviderBatchStatus> = new Set([
  "failed",
  "completed",
  "expired",
  "cancelled",
]);

export interface ProviderBatch {
  id: string;
  status: ProviderBatchStatus;
  inputFileId: string;
  outputFileId?: string | undefined;
  errorFileId?: string | undefined;
  counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string>;
}

/** One line of a batch's output or error file: the answer to one request, or why there is none. */
export type BatchOutputLine =
  | { customId: string; ok: true; result: GenerateResult }
  | { customId: string; ok: false; error: string };

/**
 * A provider's Files and Batches endpoints (OpenAI's wire protocol): what `label --batch` submits
 * through and collects from. Requests are rendered by the same model that answers online, so a
 * batch asks exactly what the online path would.
 */
export interface BatchApi {
  /** The endpoint path of every request line ("/v1/chat/completions"). */
  readonly endpoint: string;
  /** The request body the online path sends for `request`. */
  requestBody(request: GenerateRequest): object;
  /** Uploads a batch input file (purpose "batch"); returns its id. */
  uploadFile(name: string, content: Buffer, signal?: AbortSignal): Promise<string>;
  /** The id of an uploaded batch input file of that name, if there is one. */
  findFile(name: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Creates a batch over an uploaded input file ("24h" completion window). */
  createBatch(
    inputFileId: string,
    metadata: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<ProviderBatch>;
  /** A batch whose metadata carries `key` = `value`, if one was created. */
  findBatch(key: string, value: string, signal?: AbortSignal): Promise<ProviderBatch | undefined>;
  getBatch(id: string, signal?: AbortSignal): Promise<ProviderBatch>;
  cancelBatch(id: string, signal?: AbortSignal): Promise<ProviderBatch>;
  /** The lines of an output or error file, each parsed (a line that cannot be read is an error line). */
  fileLines(fileId: string, signal?: AbortSignal): Promise<BatchOutputLine[]>;
}
