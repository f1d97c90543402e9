import { readFileSync } from "node:fs";
import { z } from "zod";
import { errorMessage, UsageError } from "../core/errors.ts";
import type { TokenUsage } from "./errors.ts";

export const modelPriceSchema = z.strictObject({
  /** USD per million input tokens. */
  input: z.number().nonnegative(),
  /** USD per million output tokens. */
  output: z.number().nonnegative(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

export const priceTableSchema = z.record(z.string().min(1), modelPriceSchema);
export type PriceTable = z.infer<typeof priceTableSchema>;

/**
 * List prices of OpenAI models (chat and embedding), USD per 1M tokens, standard tier, as of 2025-08. Prices change:
 * override them with `--prices FILE` (a JSON object of the same shape). Local models cost 0.
 */
export const priceTable: PriceTable = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  // Embedding models (the openai: encoder): input tokens only.
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
};

/** The default table with a user's JSON file laid over it. */
export function loadPrices(file?: string): PriceTable {
  if (file === undefined) return { ...priceTable };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new UsageError(`cannot read the price file ${file}: ${errorMessage(cause)}`);
  }
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `the price file ${file} is not a table of {"model": {"input": USD per 1M, "output": USD per 1M}}: ` +
        `${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
    );
  }
  return { ...priceTable, ...parsed.data };
}

/** The price of a model: exact id, then without a router prefix (`openai/…`), then the longest dated-id prefix. */
export function findPrice(prices: PriceTable, provider: string, modelId: string): ModelPrice | undefined {
  // A local model and a replay of recorded answers cost nothing.
  if (provider === "llama" || provider === "replay") return { input: 0, output: 0 };
  const candidates = [modelId, modelId.slice(modelId.lastIndexOf("/") + 1)];
  for (const candidate of candidates) {
    const exact = prices[candidate];
    if (exact) return exact;
  }
  const bare = candidates[1] ?? modelId;
  const prefix = Object.keys(prices)
    .filter((name) => bare.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : prices[prefix];
}

/** USD for `usage` at `price` (0 when the price is unknown). */
export function estimateCost(price: ModelPrice | undefined, usage: TokenUsage): number {
  if (price === undefined) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * What a provider batch costs against the online price: OpenAI's Batch API bills half the standard
 * rate (override with `--batch-price-factor`).
 */
export const DEFAULT_BATCH_PRICE_FACTOR = 0.5;

/** `prices` with every model at `factor` times its price: the table a batch's answers are billed at. */
export function batchPriceTable(prices: PriceTable, factor: number = DEFAULT_BATCH_PRICE_FACTOR): PriceTable {
  return Object.fromEntries(
    Object.entries(prices).map(([model, price]) => [
      model,
      { input: price.input * factor, output: price.output * factor },
    ]),
  );
}
