import { describe, expect, it } from "vitest";
import { tempWorkspaces } from "../../test/temp-workspaces.ts";
import type { NewBatch } from "./batches-store.ts";
import type { Workspace } from "./workspace.ts";

const workspace = tempWorkspaces("jobdistill-batches-");

const batchOf = (runKey: string, customIds: string[]): NewBatch => ({
  runKey,
  planKey: "plan",
  plan: { task: "classify" },
  task: "classify",
  provider: "openai",
  model: "m",
  inputBytes: 10,
  inputHash: "h",
  customIds,
});

function withRequests(ids: string[]): Workspace {
  const opened = workspace();
  for (const id of ids) {
    opened.batches.addRequest({ customId: id, planKey: "plan", callKey: `key-${id}`, body: `{"n":"${id}"}` });
  }
  return opened;
}

describe("BatchesStore", () => {
  it("keeps a request out of a second open batch, and out of the unsent list while one is open", () => {
    const { batches } = withRequests(["a", "b", "c"]);
    expect(batches.unsent("plan").map((request) => request.customId)).toEqual(["a", "b", "c"]);
    const first = batches.plan(batchOf("run-1", ["a", "b"]));
    expect(first).toBe(1);
    expect(batches.plan(batchOf("run-2", ["b", "c"]))).toBeUndefined();
    expect(batches.list()).toHaveLength(1);
    expect(batches.unsent("plan").map((request) => request.customId)).toEqual(["c"]);
    expect(batches.memberBodies(1)).toEqual([
      { customId: "a", body: '{"n":"a"}' },
      { customId: "b", body: '{"n":"b"}' },
    ]);
  });

  it("records each step, then answers, error lines and the unfinished part of a collected batch", () => {
    const { batches } = withRequests(["a", "b", "c"]);
    const id = batches.plan(batchOf("run-1", ["a", "b", "c"])) as number;
    expect(batches.get(id)?.state).toBe("planned");
    batches.recordUpload(id, "file-1");
    expect(batches.get(id)).toMatchObject({ state: "uploaded", inputFileId: "file-1" });
    batches.recordSubmitted(id, "batch_1", "validating");
    expect(batches.get(id)).toMatchObject({ state: "submitted", providerBatchId: "batch_1" });
    expect(batches.list({ open: true })).toHaveLength(1);
    batches.recordCollected(id, [
      { customId: "a", answer: { text: "{}" } },
      { customId: "b", error: "HTTP 500: boom" },
    ]);
    expect(batches.list({ open: true })).toHaveLength(0);
    expect(batches.request("a")).toMatchObject({ answer: { text: "{}" }, applied: false, inFlight: false });
    expect(batches.request("b")).toMatchObject({ failures: 1, lastError: "HTTP 500: boom" });
    // b failed and c was never reached (an expired batch): both are sent again; a is answered.
    expect(batches.unsent("plan").map((request) => request.customId)).toEqual(["b", "c"]);
    expect(batches.requestsOfCall("key-a")).toHaveLength(1);
    batches.markApplied(["a"]);
    expect(batches.request("a")?.applied).toBe(true);
    // An answered request is never put in a batch again.
    expect(batches.plan(batchOf("run-2", ["a", "c"]))).toBeUndefined();
  });
});
