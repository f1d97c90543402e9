import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import {
  answerFromDocument,
  labelArgs,
  seedWorkspace,
  spawnCli,
  storedLabels,
  waitFor,
} from "../../../test/label-cli.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const dirs: string[] = [];
let server: OpenAiTestServer;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-label-"));
  dirs.push(dir);
  return dir;
}

beforeEach(async () => {
  server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument });
});

afterEach(async () => {
  await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("jobdistill label", () => {
  it("labels every document, prints a summary, and a rerun only reads the cache", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 30);
    const io = captureIo();
    expect(await runCli(labelArgs(dir, server.url), io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/finished run 1: 30 labelled, 0 cached, 0 failed of 30/);
    const stored = storedLabels(dir);
    expect(stored.rows).toBe(30);
    expect(stored.byDocument.get("doc-3")).toEqual(["cat"]);
    expect(stored.byDocument.get("doc-4")).toEqual(["dog"]);

    const again = captureIo();
    expect(await runCli(labelArgs(dir, server.url), again)).toBe(0);
    expect(again.stdout.join("\n")).toMatch(/0 labelled, 30 cached/);
    expect(server.requests).toHaveLength(30);
  });

  it("--dry-run prints items, cache hits, tokens and cost, and calls nothing", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 10);
    const io = captureIo();
    const args = labelArgs(dir, server.url, "--dry-run", "--limit", "4").map((arg) =>
      arg === "test-model" ? "gpt-4o-mini" : arg,
    );
    expect(await runCli(args, io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toContain("items: 4, cached: 0, to do: 4");
    expect(text).toMatch(/estimated tokens: [\d,]+ in, [\d,]+ out/);
    expect(text).toMatch(/estimated cost: \$0\.\d{4}/);
    expect(server.requests).toHaveLength(0);
  });

  it("--sample draws reproducibly", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 20);
    expect(await runCli(labelArgs(dir, server.url, "--sample", "5", "--seed", "3"), captureIo())).toBe(0);
    const first = [...storedLabels(dir).byDocument.keys()].sort();
    expect(first).toHaveLength(5);
    const other = tempDir();
    seedWorkspace(other, 20);
    expect(await runCli(labelArgs(other, server.url, "--sample", "5", "--seed", "3"), captureIo())).toBe(0);
    expect([...storedLabels(other).byDocument.keys()].sort()).toEqual(first);
  });

  it("rejects bad options with exit code 2 and a message naming the option", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 1);
    const cases: [string[], RegExp][] = [
      [labelArgs(dir, server.url, "--timeout", "soon"), /--timeout/],
      [labelArgs(dir, server.url, "--concurrency", "0"), /--concurrency/],
      [["--workspace", dir, "label", "--task", "classify", "--model", "m", "--api-key", "k"], /--labels/],
      [["--workspace", dir, "label", "--task", "nope"], /unknown --task nope/],
      [labelArgs(dir, server.url, "--provider", "other"), /--provider/],
      [labelArgs(tempDir(), server.url), /nothing to label/],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      expect(await runCli(args, io)).toBe(2);
      expect(io.stderr.join("\n")).toMatch(message);
    }
  });

  it("names every place it looked for a missing API key", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 1);
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const io = captureIo();
      const args = labelArgs(dir, server.url).filter((arg) => arg !== "--api-key" && arg !== "sk-test");
      expect(await runCli(args, io)).toBe(2);
      expect(io.stderr.join("\n")).toMatch(/--api-key option or the OPENAI_API_KEY environment variable/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it("never lets the API key reach the database, the output or an error message", async () => {
    const secret = "sk-jobdistill-SECRET-7f3a9c2e";
    const dir = tempDir();
    seedWorkspace(dir, 12);
    // A hostile endpoint: it echoes the Authorization header in errors and in answers.
    let served = 0;
    server.setDefault((request) => {
      served++;
      const echo = String(request.headers.authorization);
      if (served % 3 === 0) return { kind: "error", status: 401, message: `bad key: ${echo}` };
      if (served % 3 === 1) return { kind: "error", status: 500, message: `upstream failed for ${echo}` };
      return { kind: "text", content: `not json, but your key is ${echo}` };
    });
    const io = captureIo();
    const code = await runCli(
      labelArgs(dir, server.url, "--max-retries", "1", "--max-repairs", "1").map((arg) =>
        arg === "sk-test" ? secret : arg,
      ),
      io,
    );
    expect(code).toBe(1);
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${secret}`)).toBe(
      true,
    );
    const printed = [...io.stdout, ...io.stderr].join("\n");
    expect(printed).toContain("[redacted]");
    expect(printed).not.toContain(secret);
    // The database and its WAL files: at least the database itself, or this checks nothing.
    const databaseFiles = readdirSync(dir).filter((file) => file.startsWith("jobdistill.db"));
    expect(databaseFiles).toContain("jobdistill.db");
    for (const file of databaseFiles) expect(readFileSync(join(dir, file)).includes(secret)).toBe(false);
    const workspace = openWorkspace(dir);
    const failures = workspace.calls.failures();
    workspace.close();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.some((failure) => failure.message.includes("[redacted]"))).toBe(true);
    expect(JSON.stringify(failures)).not.toContain(secret);
  });
});

describe("jobdistill label, interrupted", () => {
  it("resumes after kill -9 to the same final annotations as an uninterrupted run, with no duplicates", async () => {
    await server.close();
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument, latencyMs: 25 });
    const killed = tempDir();
    seedWorkspace(killed, 150);
    const { child, exited } = spawnCli(labelArgs(killed, server.url, "--concurrency", "4"));
    await waitFor(() => server.requests.length >= 40, 20_000);
    child.kill("SIGKILL");
    const ended = await exited;
    expect(ended.signal).toBe("SIGKILL");
    const partial = storedLabels(killed);
    expect(partial.rows).toBeGreaterThan(0);
    expect(partial.rows).toBeLessThan(150);

    const resumed = captureIo();
    expect(await runCli(labelArgs(killed, server.url), resumed)).toBe(0);
    expect(resumed.stdout.join("\n")).toContain(`${150 - partial.rows} labelled, ${partial.rows} cached`);

    const reference = tempDir();
    seedWorkspace(reference, 150);
    expect(await runCli(labelArgs(reference, server.url), captureIo())).toBe(0);

    const final = storedLabels(killed);
    const expected = storedLabels(reference);
    expect(final.rows).toBe(150);
    expect(final.calls).toBe(150);
    expect(final.byDocument).toEqual(expected.byDocument);
    const workspace = openWorkspace(killed);
    const runs = workspace.runs.list();
    workspace.close();
    expect(runs.map((run) => run.status)).toEqual(["done", "interrupted"]);
  });

  it("on Ctrl-C stops taking work, stores every answer in flight, and exits 130", async () => {
    await server.close();
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument, latencyMs: 100 });
    const dir = tempDir();
    seedWorkspace(dir, 100);
    const { child, exited } = spawnCli(labelArgs(dir, server.url, "--concurrency", "4"));
    await waitFor(() => server.requests.length >= 12, 20_000);
    child.kill("SIGINT");
    const ended = await exited;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain("stopping: finishing the calls in flight");
    const stored = storedLabels(dir);
    const answered = server.requests.filter((request) => request.status === 200).length;
    expect(stored.calls).toBe(answered);
    expect(stored.calls).toBe(server.requests.length);
    expect(stored.rows).toBeLessThan(100);
  });

  it("on SIGTERM does as on Ctrl-C: the run is marked interrupted, not left running, and a rerun resumes", async () => {
    await server.close();
    server = await startOpenAiTestServer({ defaultBehaviour: answerFromDocument, latencyMs: 100 });
    const dir = tempDir();
    seedWorkspace(dir, 60);
    const { child, exited } = spawnCli(labelArgs(dir, server.url, "--concurrency", "4"));
    await waitFor(() => server.requests.length >= 8, 20_000);
    child.kill("SIGTERM");
    const ended = await exited;
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain("stopping: finishing the calls in flight (SIGTERM");
    const partial = storedLabels(dir);
    expect(partial.calls).toBe(server.requests.length);
    expect(partial.rows).toBeLessThan(60);
    const workspace = openWorkspace(dir);
    expect(workspace.runs.list().map((run) => run.status)).toEqual(["interrupted"]);
    workspace.close();

    const resumed = captureIo();
    expect(await runCli(labelArgs(dir, server.url), resumed)).toBe(0);
    expect(resumed.stdout.join("\n")).toContain(`${60 - partial.rows} labelled, ${partial.rows} cached`);
    expect(storedLabels(dir).rows).toBe(60);
  });

  it("a second Ctrl-C aborts the calls in flight", async () => {
    await server.close();
    server = await startOpenAiTestServer({ defaultBehaviour: () => ({ kind: "hang" }) });
    const dir = tempDir();
    seedWorkspace(dir, 10);
    const { child, exited } = spawnCli(labelArgs(dir, server.url, "--concurrency", "2", "--timeout", "60s"));
    await waitFor(() => server.requests.length >= 2, 20_000);
    child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBeNull();
    const secondAt = Date.now();
    child.kill("SIGINT");
    const ended = await exited;
    expect(ended.code).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(2);
    expect(storedLabels(dir).calls).toBe(0);
    const workspace = openWorkspace(dir);
    expect(workspace.runs.list()[0]?.status).toBe("interrupted");
    workspace.close();
  });
});

describeWithShared("jobdistill label --provider llama", "fixtures/stories260K.gguf", (modelPath) => {
  it("stores schema-valid annotations made by a local GGUF model", async () => {
    const dir = tempDir();
    seedWorkspace(dir, 4);
    const io = captureIo();
    const code = await runCli(
      [
        "--workspace",
        dir,
        "label",
        "--task",
        "classify",
        "--labels",
        "cat,dog,bird",
        "--provider",
        "llama",
        "--model",
        modelPath,
        "--threads",
        "1",
        "--max-output-tokens",
        "60",
      ],
      io,
    );
    expect(io.stderr.join("\n")).not.toMatch(/failed:/);
    expect(code).toBe(0);
    const workspace = openWorkspace(dir);
    const annotations = workspace.annotations.list({ task: "classify" });
    const runs = workspace.runs.list();
    workspace.close();
    expect(annotations).toHaveLength(4);
    for (const annotation of annotations) {
      expect(annotation.source).toMatchObject({ kind: "teacher", name: "llama/stories260K.gguf" });
      expect(annotation.payload.labels).toHaveLength(1);
      expect(["cat", "dog", "bird"]).toContain(annotation.payload.labels?.[0]);
    }
    expect(runs[0]).toMatchObject({
      provider: "llama",
      model: "stories260K.gguf",
      itemsDone: 4,
      status: "done",
    });
  });
});
