import { z } from "zod";
import { hashValue } from "../core/hash.ts";
import type { BatchApi } from "./batch-api.ts";
import { ApiCallError, InterruptedError } from "./errors.ts";
import type { GenerateRequest, GenerateResult, LanguageModel } from "./language-model.ts";

/** What the answers model reads and writes of the batch ledger (the store's BatchesStore implements it). */
export interface BatchRequestLedger {
  request(
    customId: string,
  ): { answer?: unknown; applied: boolean; failures: number; lastError?: string } | undefined;
  addRequest(request: { customId: string; planKey: string; callKey: string; body: string }): void;
}

export interface BatchAnswersModelOptions {
  /** The online model: its provider and id make the cache keys, its API renders the requests. */
  online: Pick<LanguageModel, "provider" | "modelId">;
  api: BatchApi;
  ledger: BatchRequestLedger;
  /** The plan the requests belong to (what `label --batch` was asked to label). */
  planKey: string;
  /** Error lines a request may get from batches before its item is given up. @default 3 */
  maxBatchFailures?: number | undefined;
}

const storedAnswerSchema = z.object({
  text: z.string(),
  finishReason: z.enum(["stop", "length", "content-filter", "other"]),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
});

/** A batch line's custom id: the request, and the item it asks for. */
export function batchCustomId(callKey: string, body: object): string {
  return hashValue({ callKey, body });
}

/**
 * A LanguageModel that answers from provider batches, so batch answers go through the engine's own
 * parse → repair → validate → align path (runTeacher, generateObject) exactly as online answers do.
 * A request with a stored answer gets it; any other request (an item's first ask, a repair after
 * an invalid answer, a re-ask after a truncated one) is recorded for the next batch and the item is
 * left for later (an InterruptedError, which the engine treats as "not done yet", not as a failure).
 */
export class BatchAnswersModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  /** Custom ids of the stored answers this model gave. */
  readonly served = new Set<string>();
  /** Call keys that need a further request after an answer or an error line: follow-ups. */
  readonly followUps = new Set<string>();
  private readonly answered = new Set<string>();
  private readonly replayed = new Set<string>();
  private readonly maxBatchFailures: number;

  constructor(private readonly options: BatchAnswersModelOptions) {
    this.provider = options.online.provider;
    this.modelId = options.online.modelId;
    this.maxBatchFailures = options.maxBatchFailures ?? 3;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { callKey } = request;
    if (callKey === undefined) throw new Error("BatchAnswersModel: a request without a call key");
    const body = this.options.api.requestBody(request);
    const customId = batchCustomId(callKey, body);
    const known = this.options.ledger.request(customId);
    if (known?.answer !== undefined) {
      const answer = storedAnswerSchema.parse(known.answer);
      this.served.add(customId);
      this.answered.add(callKey);
      if (known.applied) this.replayed.add(`${callKey}\n${answer.text}`);
      return answer;
    }
    if (known === undefined) {
      this.options.ledger.addRequest({
        customId,
        planKey: this.options.planKey,
        callKey,
        body: JSON.stringify(body),
      });
    } else if (known.failures >= this.maxBatchFailures) {
      throw new ApiCallError(
        `the provider's batches answered this request with an error ${known.failures} times: ${known.lastError ?? ""}`,
        { isRetryable: false },
      );
    }
    if (this.answered.has(callKey) || (known?.failures ?? 0) > 0) this.followUps.add(callKey);
    throw new InterruptedError();
  }

  /**
   * Whether an answer was already read by an earlier pass: a pass replays an item's earlier answers
   * on the way to its newest one, and their failed attempts are on record already.
   */
  isReplay(callKey: string, rawText: string): boolean {
    return this.replayed.has(`${callKey}\n${rawText}`);
  }
}
