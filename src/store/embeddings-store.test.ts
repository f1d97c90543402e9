import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { EmbeddingsStore } from "./embeddings-store.ts";
import { migrate } from "./migrations.ts";

describe("EmbeddingsStore", () => {
  let db: Database.Database;
  let store: EmbeddingsStore;
  beforeEach(() => {
    db = new Database(":memory:");
    migrate(db);
    store = new EmbeddingsStore(db);
  });

  const source = { id: "use-lite", version: "embeddings@0.2.0+model-embeddings-en@0.2.0" };

  it("gives back every float32 bit for bit, from a vector that is a view into a larger buffer", () => {
    const backing = new Float32Array([9, 0.1, -1e-30, Math.PI, Number.MAX_VALUE, 9]);
    const view = backing.subarray(1, 5);
    store.putMany(source, [{ textHash: "h1", vector: view }]);
    const found = store.getMany(source, ["h1", "h2"]);
    expect([...found.keys()]).toEqual(["h1"]);
    expect(Array.from(found.get("h1") ?? [])).toEqual(Array.from(view));
    expect(store.count(source)).toBe(1);
    expect(store.count({ ...source, version: "other" })).toBe(0);
  });

  it("reads a row whose blob does not match its width as missing", () => {
    db.prepare("INSERT INTO embeddings VALUES (?, ?, ?, ?, ?, ?)").run(
      source.id,
      source.version,
      "broken",
      4,
      Buffer.alloc(6),
      new Date().toISOString(),
    );
    expect(store.getMany(source, ["broken"]).size).toBe(0);
  });

  it("writes a batch all or nothing", () => {
    const bad = { textHash: "b", vector: undefined as unknown as Float32Array };
    expect(() => store.putMany(source, [{ textHash: "a", vector: Float32Array.of(1) }, bad])).toThrow();
    expect(store.count()).toBe(0);
  });
});
