import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openWorkspace } from "../store/workspace.ts";
import {
  type EmbeddingCache,
  type EmbeddingProgress,
  embedWithCache,
  InMemoryEmbeddingCache,
} from "./embedding-cache.ts";
import type { SentenceEncoder } from "./encoder.ts";

/** A deterministic encoder that records what it was asked, and can be told to fail on a call. */
class CountingEncoder implements SentenceEncoder {
  readonly id = "fake:counting";
  readonly dimensions = 3;
  readonly normalized = false;
  readonly calls: string[][] = [];
  constructor(
    readonly version = "v1",
    private readonly failOnCall?: number,
  ) {}
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    if (this.calls.length === this.failOnCall) throw new Error("killed mid-run");
    return texts.map((text) => Float32Array.of(text.length, text.charCodeAt(0) || 0, this.version.length));
  }
  async close(): Promise<void> {}
}

const texts = ["alpha", "beta", "gamma", "beta", "delta", "epsilon", "alpha"];

function cachesUnderTest(): [
  string,
  () => { cache: EmbeddingCache; reopen: () => EmbeddingCache; done: () => void },
][] {
  return [
    [
      "in memory",
      () => {
        const cache = new InMemoryEmbeddingCache();
        return { cache, reopen: () => cache, done: () => undefined };
      },
    ],
    [
      "in the workspace",
      () => {
        const dir = mkdtempSync(join(tmpdir(), "jobdistill-embeddings-"));
        let current = openWorkspace(dir);
        return {
          cache: current.embeddings,
          reopen: () => {
            current.close();
            current = openWorkspace(dir);
            return current.embeddings;
          },
          done: () => {
            current.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
  ];
}

describe.each(cachesUnderTest())("embedWithCache, cache %s", (_name, setUp) => {
  let cleanUp: () => void = () => undefined;
  afterEach(() => cleanUp());

  it("embeds each distinct text once, in batches, and answers every text in order", async () => {
    const { cache, done } = setUp();
    cleanUp = done;
    const encoder = new CountingEncoder();
    const progress: EmbeddingProgress[] = [];
    const vectors = await embedWithCache(encoder, texts, cache, {
      batchSize: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(encoder.calls).toEqual([["alpha", "beta"], ["gamma", "delta"], ["epsilon"]]);
    expect(vectors.map((vector) => vector[0])).toEqual(texts.map((text) => text.length));
    expect(vectors[3]).toBe(vectors[1]);
    expect(progress).toEqual([
      { total: 5, cached: 0, computed: 0 },
      { total: 5, cached: 0, computed: 2 },
      { total: 5, cached: 0, computed: 4 },
      { total: 5, cached: 0, computed: 5 },
    ]);
  });

  it("computes nothing the second time, and the cached vectors are the same numbers", async () => {
    const { cache, reopen, done } = setUp();
    cleanUp = done;
    const first = await embedWithCache(new CountingEncoder(), texts, cache);
    const encoder = new CountingEncoder();
    const second = await embedWithCache(encoder, texts, reopen());
    expect(encoder.calls).toEqual([]);
    expect(second.map((vector) => Array.from(vector))).toEqual(first.map((vector) => Array.from(vector)));
  });

  it("keeps other versions apart: a new encoder version embeds again", async () => {
    const { cache, done } = setUp();
    cleanUp = done;
    await embedWithCache(new CountingEncoder("v1"), ["alpha"], cache);
    const newer = new CountingEncoder("v2.0");
    const [vector] = await embedWithCache(newer, ["alpha"], cache);
    expect(newer.calls).toEqual([["alpha"]]);
    expect(vector?.[2]).toBe(4);
  });

  it("resumes a run killed between batches without recomputing what was stored", async () => {
    const { cache, reopen, done } = setUp();
    cleanUp = done;
    const killed = new CountingEncoder("v1", 2);
    await expect(embedWithCache(killed, texts, cache, { batchSize: 2 })).rejects.toThrow("killed mid-run");
    const resumed = new CountingEncoder();
    const progress: EmbeddingProgress[] = [];
    const vectors = await embedWithCache(resumed, texts, reopen(), {
      batchSize: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(resumed.calls).toEqual([["gamma", "delta"], ["epsilon"]]);
    expect(progress[0]).toEqual({ total: 5, cached: 2, computed: 0 });
    expect(vectors).toHaveLength(texts.length);
  });

  it("gives nothing for nothing, without calling the encoder", async () => {
    const { cache, done } = setUp();
    cleanUp = done;
    const encoder = new CountingEncoder();
    expect(await embedWithCache(encoder, [], cache)).toEqual([]);
    expect(encoder.calls).toEqual([]);
  });
});

describe("embedWithCache guards", () => {
  it("fails with encoder-failed when an encoder answers the wrong number or width of vectors", async () => {
    const short: SentenceEncoder = {
      ...new CountingEncoder(),
      id: "fake:short",
      version: "v1",
      dimensions: 3,
      normalized: false,
      embed: async () => [Float32Array.of(1, 2, 3)],
      close: async () => undefined,
    };
    await expect(embedWithCache(short, ["a", "b"], new InMemoryEmbeddingCache())).rejects.toMatchObject({
      code: "encoder-failed",
      message: "encoder fake:short: returned 1 vectors for 2 texts",
    });
    const narrow: SentenceEncoder = { ...short, embed: async (batch) => batch.map(() => Float32Array.of(1)) };
    await expect(embedWithCache(narrow, ["a"], new InMemoryEmbeddingCache())).rejects.toMatchObject({
      code: "encoder-failed",
      message: "encoder fake:short: returned a 1-d vector, expected 3",
    });
  });

  it("stops between batches when its signal aborts, keeping the batches done", async () => {
    const controller = new AbortController();
    const cache = new InMemoryEmbeddingCache();
    const encoder = new CountingEncoder();
    const run = embedWithCache(encoder, texts, cache, {
      batchSize: 2,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.computed === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "interrupted" });
    expect(cache.size).toBe(2);
  });
});
