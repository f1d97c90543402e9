import { describe, expect, it } from "vitest";
import { AdviceGate } from "./advice-gate.ts";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("AdviceGate", () => {
  it("refuses a question beyond the cap, shares an identical one in flight, and replays answers", async () => {
    const gate = new AdviceGate<string>({ maxConcurrent: 1, cacheEntries: 1 });
    const first = deferred<string>();
    let calls = 0;
    const slow = () => {
      calls++;
      return first.promise;
    };
    const a = gate.run({ q: 1 }, slow);
    const same = gate.run({ q: 1 }, slow);
    expect(await gate.run({ q: 2 }, async () => "never")).toEqual({ kind: "busy", active: 1 });
    first.resolve("one");
    expect(await a).toEqual({ kind: "answered", value: "one", shared: "no" });
    expect(await same).toEqual({ kind: "answered", value: "one", shared: "in-flight" });
    expect(calls).toBe(1);
    expect(await gate.run({ q: 1 }, async () => "again")).toMatchObject({ value: "one", shared: "cache" });
    expect(await gate.run({ q: 2 }, async () => "two")).toMatchObject({ value: "two", shared: "no" });
    expect(await gate.run({ q: 1 }, async () => "fresh")).toMatchObject({ value: "fresh", shared: "no" });
    expect(gate.active).toBe(0);
  });

  it("frees the slot and caches nothing when the answer fails", async () => {
    const gate = new AdviceGate<string>({ maxConcurrent: 1, cacheEntries: 4 });
    await expect(gate.run("q", async () => Promise.reject(new Error("llm down")))).rejects.toThrow(
      "llm down",
    );
    expect(gate.active).toBe(0);
    expect(await gate.run("q", async () => "ok")).toMatchObject({ value: "ok", shared: "no" });
  });
});
