import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  lastUserMessage,
  type OpenAiTestServer,
  startOpenAiTestServer,
} from "../../test/openai-test-server.ts";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { OpenAiLanguageModel } from "./providers/openai-provider.ts";
import { runTeacher } from "./run-teacher.ts";

const echoTask: TeacherTask<SourceDocument, { text: string }> = {
  name: "echo",
  version: "1",
  outputSchema: z.strictObject({ text: z.string() }),
  itemId: (document) => document.id,
  itemFingerprint: (document) => document.text,
  buildMessages: (document) => [{ role: "user", content: document.text }],
  toAnnotations: (document, output) => [{ documentId: document.id, payload: { data: output.text } }],
};

let dir: string;
let workspace: Workspace;
let server: OpenAiTestServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-content-filter-"));
  workspace = openWorkspace(dir);
  // The endpoint withholds its answer to one advert, over the OpenAI wire protocol.
  server = await startOpenAiTestServer({
    defaultBehaviour: (request) =>
      lastUserMessage(request) === "forbidden"
        ? { kind: "text", content: "", finishReason: "content_filter" }
        : { kind: "json", value: { text: lastUserMessage(request) } },
  });
});

afterEach(async () => {
  workspace.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a content-filter finish", () => {
  it("fails that item once, with its own code and a clear reason, and the run goes on", async () => {
    const items = ["first", "forbidden", "last"].map((text, index) => ({ id: `doc-${index}`, text }));
    workspace.documents.insertMany(items);
    const model = new OpenAiLanguageModel({ model: "test-model", apiKey: "sk-test", baseUrl: server.url });
    const summary = await runTeacher({
      cache: workspace.calls,
      recorder: workspace.runs,
      task: echoTask,
      items,
      model,
      limits: { concurrency: 1, maxRepairs: 2, maxRetries: 3 },
    });
    expect(summary).toMatchObject({ done: 2, failed: 1, interrupted: false });
    // Neither re-asked (a repair) nor retried: one request for the withheld item.
    expect(server.requests.filter((request) => lastUserMessage(request) === "forbidden")).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
    const failures = workspace.calls.failures({ runId: summary.runId });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      itemId: "doc-1",
      final: true,
      attempt: 1,
      errorCode: "content-filter",
      finishReason: "content-filter",
      issues: ["answer withheld by the content filter"],
    });
    expect(failures[0]?.message).toMatch(/content filter withheld the answer/);
    expect(workspace.annotations.list({ task: "echo" }).map((annotation) => annotation.documentId)).toEqual([
      "doc-0",
      "doc-2",
    ]);
    expect(workspace.runs.get(summary.runId)).toMatchObject({ status: "done", itemsDone: 2, itemsFailed: 1 });
  });
});
