import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { createApp } from "../../server/app.ts";
import { createKeywordPredictors } from "../../server/keyword-predictors.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

// A key written into the base URL, as an outside test did: it must reach the endpoint and nothing else.
const secret = "sk-in-the-url-123";
let dir: string;
let server: OpenAiTestServer;
let labelIo: ReturnType<typeof captureIo>;

const label = (baseUrl: string, io: ReturnType<typeof captureIo>) =>
  runCli(
    ["--workspace", dir, "label", "--task", "classify", "--labels", "a,b", "--model", "gpt-4o-mini"].concat([
      "--base-url",
      baseUrl,
      "--api-key",
      "sk-test",
    ]),
    io,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-url-credentials-"));
  const workspace = openWorkspace(dir);
  workspace.documents.insertMany([
    { id: "doc-0", text: "first advert" },
    { id: "doc-1", text: "second advert" },
  ]);
  workspace.close();
  server = await startOpenAiTestServer({ defaultBehaviour: () => ({ kind: "json", value: { label: "a" } }) });
  labelIo = captureIo();
  expect(await label(`${server.url}?api-key=${secret}&api-version=2024-06-01`, labelIo)).toBe(0);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("credentials in --base-url", () => {
  it("are sent to the endpoint, said once, and never stored", () => {
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.path).toBe(`/v1/chat/completions?api-key=${secret}&api-version=2024-06-01`);
    }
    const warnings = labelIo.stderr.filter((line) => line.includes("carries credentials"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("(api-key)");
    expect(labelIo.stderr.join("\n")).not.toContain(secret);

    const db = new Database(join(dir, "jobdistill.db"), { readonly: true });
    try {
      const [row] = db.prepare("SELECT params FROM runs").all() as { params: string }[];
      expect(JSON.parse(row?.params ?? "{}").baseUrl).toBe(
        `${server.url}?api-key=REDACTED&api-version=2024-06-01`,
      );
      const everything = JSON.stringify(db.prepare("SELECT * FROM runs").all());
      expect(everything).not.toContain(secret);
    } finally {
      db.close();
    }
  });

  it("are not printed by runs show", async () => {
    for (const extra of [[], ["--json"]]) {
      const io = captureIo();
      expect(await runCli(["--workspace", dir, "runs", "show", "1", ...extra], io)).toBe(0);
      const text = io.stdout.join("\n");
      expect(text).toContain("api-key=REDACTED");
      expect(text).not.toContain(secret);
    }
  });

  it("are not served by GET /v1/runs/N", async () => {
    const workspace = openWorkspace(dir);
    try {
      const app = createApp({ predictors: createKeywordPredictors(), workspace, logError: () => {} });
      const response = await app.request("/v1/runs/1");
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain("api-key=REDACTED");
      expect(text).not.toContain(secret);
    } finally {
      workspace.close();
    }
  });

  it("user:password@ in the URL fails up front with a message that says so, calling nothing", async () => {
    const before = server.requests.length;
    const io = captureIo();
    const url = new URL(server.url);
    url.username = "alice";
    url.password = "s3cret";
    expect(await label(url.toString(), io)).toBe(2);
    const text = io.stderr.join("\n");
    expect(text).toContain("carries a user name and password (user:password@)");
    expect(text).not.toContain("s3cret");
    expect(server.requests).toHaveLength(before);
  });
});
