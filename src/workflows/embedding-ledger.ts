import { randomUUID } from "node:crypto";
import type { CreateEncoderOptions, EmbeddingUsage } from "../encoders/index.ts";
import type { CallsStore } from "../store/index.ts";

/** The task name an openai: encoder's requests are recorded under in the ledger (`calls`). */
export const EMBEDDINGS_TASK = "embeddings";

/**
 * `createEncoder` options that record every request of an `openai:` encoder as a call of run
 * `runId` in the ledger (task `embeddings`, provider `openai`, the model, its prompt tokens and
 * cost by src/teacher/prices.ts), so `jobdistill runs` shows what embedding cost beside what the
 * teacher cost. Other encoders make no requests and record nothing.
 */
export function ledgerEncoderOptions(
  calls: Pick<CallsStore, "recordSuccess">,
  runId: number,
  encoderId: string,
): CreateEncoderOptions {
  const model = encoderId.startsWith("openai:") ? encoderId.slice("openai:".length) : encoderId;
  // One encoder's running totals; each request is the difference from the previous ones.
  const session = randomUUID();
  let previous: EmbeddingUsage = { requests: 0, inputTokens: 0, costUsd: 0 };
  return {
    openai: {
      onUsage: (usage) => {
        const tokensIn = usage.inputTokens - previous.inputTokens;
        const costUsd = (usage.costUsd ?? 0) - (previous.costUsd ?? 0);
        previous = usage;
        calls.recordSuccess(
          {
            key: `${EMBEDDINGS_TASK}:${session}:${usage.requests}`,
            runId,
            task: EMBEDDINGS_TASK,
            taskVersion: encoderId,
            provider: "openai",
            model,
            itemId: `request ${usage.requests}`,
            output: null,
            tokensIn,
            tokensOut: 0,
            costUsd,
            attempts: 1,
          },
          [],
        );
      },
    },
  };
}
