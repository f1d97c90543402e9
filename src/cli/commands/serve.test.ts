import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { sampleScreenModel } from "../../server/fixtures.ts";
import { openWorkspace } from "../../store/index.ts";
import { saveScreenClassifier } from "../../student/screen/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

function capturingIo(): CliIo & { output: string[]; errors: string[] } {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    out: (text) => output.push(text),
    err: (text) => errors.push(text),
    interactive: false,
  };
}

/** A new workspace with nothing in it: `serve` opens only an existing one. */
function emptyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-serve-"));
  openWorkspace(dir).close();
  return dir;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("jobdistill serve", () => {
  it("serves the page and the API until Ctrl+C, then exits 0", async () => {
    const io = capturingIo();
    const workspace = emptyWorkspace();
    const exit = runCli(["--workspace", workspace, "serve", "--port", "0"], io);
    const url = await waitFor(() => io.output.join("\n").match(/at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);
    expect(io.output[0]).toMatch(/^jobdistill: serving 0 models at http/);
    const health = (await (await fetch(`${url}v1/health`)).json()) as { status: string; workspace: boolean };
    expect(health).toMatchObject({ status: "ok", workspace: true });
    expect((await fetch(url)).headers.get("content-type")).toContain("text/html");
    const highlight = await fetch(`${url}v1/highlight`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "Python" }),
    });
    expect(highlight.status).toBe(404);
    expect(((await highlight.json()) as { error: { message: string } }).error.message).toMatch(/train/);
    process.emit("SIGINT");
    expect(await exit).toBe(0);
    expect(io.output.at(-1)).toBe("jobdistill: server stopped");
    expect(io.errors).toEqual([]);
  });

  it("answers with the teacher only when a request asks for it and a teacher is configured", async () => {
    const llm = await startOpenAiTestServer({
      defaultBehaviour: () => ({
        kind: "json",
        value: { spans: [{ category: "hard_skills", quote: "Python" }] },
      }),
    });
    const previousKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-serve-test";
    const io = capturingIo();
    const workspace = emptyWorkspace();
    const args = ["--workspace", workspace, "serve", "--port", "0", "--teacher-model", "m"];
    const exit = runCli([...args, "--teacher-base-url", llm.url], io);
    try {
      const url = await waitFor(() => io.output.join("\n").match(/at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);
      const ask = (body: unknown) =>
        fetch(`${url}v1/highlight`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const taught = (await (await ask({ text: "We need Python.", teacher: true })).json()) as {
        spans: { start: number; category: string }[];
        source: string;
      };
      expect(taught).toMatchObject({ source: "teacher", spans: [{ start: 8, category: "hard_skills" }] });
      expect(llm.requests).toHaveLength(1);
      expect((await ask({ text: "We need Python." })).status).toBe(404);
      expect(llm.requests).toHaveLength(1);
    } finally {
      process.emit("SIGINT");
      await exit;
      await llm.close();
      if (previousKey === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previousKey;
    }
  });

  it("answers /v1/screen with --screen-model, and refuses a screen model that is not there", async () => {
    const workspace = emptyWorkspace();
    const modelFile = join(workspace, "screen.jdsm");
    saveScreenClassifier(await sampleScreenModel(), modelFile);
    const io = capturingIo();
    const exit = runCli(
      ["--workspace", workspace, "serve", "--port", "0", "--threads", "0", "--screen-model", modelFile],
      io,
    );
    const url = await waitFor(() => io.output.join("\n").match(/at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);
    expect(io.output.join("\n")).toMatch(
      /screening with the ngram screen model \(labels devops, other\) at \/v1\/screen/,
    );
    const response = await fetch(`${url}v1/screen`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: [{ id: "a", text: "Ran Kubernetes clusters on AWS." }] }),
    });
    expect(((await response.json()) as { rows: { id: string; label: string }[] }).rows).toMatchObject([
      { id: "a", label: "devops" },
    ]);
    process.emit("SIGINT");
    expect(await exit).toBe(0);
    const missing = capturingIo();
    expect(
      await runCli(["--workspace", workspace, "serve", "--port", "0", "--screen-model", "nope"], missing),
    ).toBe(2);
    expect(missing.errors.join("\n")).toMatch(/no screen model nope/);
  });

  it("warns when the host is not loopback", async () => {
    const io = capturingIo();
    const workspace = emptyWorkspace();
    const exit = runCli(["--workspace", workspace, "serve", "--host", "0.0.0.0", "--port", "0"], io);
    await waitFor(() => (io.output.length > 0 ? true : undefined));
    expect(io.errors.join("\n")).toMatch(/reachable from other machines/);
    process.emit("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("rejects a bad port as a usage error naming the option", async () => {
    const io = capturingIo();
    const workspace = emptyWorkspace();
    expect(await runCli(["--workspace", workspace, "serve", "--port", "eighty"], io)).toBe(2);
    expect(io.errors.join("\n")).toMatch(/--port must be a whole number/);
  });

  it("fails clearly when the port is taken", async () => {
    const first = capturingIo();
    const workspace = emptyWorkspace();
    const running = runCli(["--workspace", workspace, "serve", "--port", "0"], first);
    const port = await waitFor(() => first.output.join("\n").match(/:(\d+)\//)?.[1]);
    const second = capturingIo();
    expect(await runCli(["--workspace", workspace, "serve", "--port", port], second)).toBe(1);
    expect(second.errors.join("\n")).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    process.emit("SIGINT");
    expect(await running).toBe(0);
  });
});
