import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.ts";
import { estimateCost, findPrice, loadPrices, priceTable } from "./prices.ts";

describe("prices", () => {
  it("finds a model's price by exact id, router prefix or dated id; local models are free", () => {
    expect(findPrice(priceTable, "openai", "gpt-4o-mini")).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice(priceTable, "openai", "openai/gpt-4o-mini")).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice(priceTable, "openai", "gpt-4o-mini-2024-07-18")).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice(priceTable, "openai", "gpt-4o-2024-08-06")).toEqual({ input: 2.5, output: 10 });
    expect(findPrice(priceTable, "llama", "model.gguf")).toEqual({ input: 0, output: 0 });
    expect(findPrice(priceTable, "openai", "qwen2.5:7b")).toBeUndefined();
  });

  it("costs tokens per million", () => {
    expect(estimateCost({ input: 2, output: 8 }, { inputTokens: 1_000_000, outputTokens: 500_000 })).toBe(6);
    expect(estimateCost(undefined, { inputTokens: 10, outputTokens: 10 })).toBe(0);
  });

  it("lays a user's JSON table over the defaults and rejects a malformed one", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-prices-"));
    try {
      const good = join(dir, "prices.json");
      writeFileSync(
        good,
        JSON.stringify({ "qwen2.5:7b": { input: 0.01, output: 0.02 }, "gpt-4o": { input: 1, output: 2 } }),
      );
      const prices = loadPrices(good);
      expect(prices["qwen2.5:7b"]).toEqual({ input: 0.01, output: 0.02 });
      expect(prices["gpt-4o"]).toEqual({ input: 1, output: 2 });
      expect(prices["gpt-4.1"]).toEqual(priceTable["gpt-4.1"]);
      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ m: { input: "cheap" } }));
      expect(() => loadPrices(bad)).toThrow(UsageError);
      expect(() => loadPrices(join(dir, "missing.json"))).toThrow(/cannot read the price file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
