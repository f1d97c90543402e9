import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { adviceQuestion, FakeRolesPredictor, scriptedAdvice } from "../../../test/fake-roles-predictor.ts";
import { startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

// The roles model file is the roles student's; here it opens as a fake over six occupations.
vi.mock("../../workflows/roles-model.ts", () => ({
  openRolesModel: async () => new FakeRolesPredictor(),
}));

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("jobdistill serve --roles-model", () => {
  it("with a teacher serves /v1/roles and /v1/roles/advice, the advice costed in the workspace's ledger", async () => {
    const llm = await startOpenAiTestServer({
      defaultBehaviour: (request) => ({ kind: "json", value: scriptedAdvice(adviceQuestion(request)) }),
    });
    vi.stubEnv("OPENAI_API_KEY", "sk-test");
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-serve-roles-"));
    dirs.push(dir);
    openWorkspace(dir).close();
    const io = captureIo();
    const exit = runCli(
      [
        "-w",
        dir,
        "serve",
        "--port",
        "0",
        "--threads",
        "0",
        "--roles-model",
        "roles.model",
        "--teacher-model",
        "gpt-4o-mini",
        "--teacher-base-url",
        llm.url,
        "--max-advice-requests",
        "1",
      ],
      io,
    );
    try {
      const url = await waitFor(() => io.stdout.join("\n").match(/at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);
      expect(io.stdout.join("\n")).toContain(
        "roles model loaded: /v1/roles, and /v1/roles/advice by openai/gpt-4o-mini (concurrent questions: at most 1)",
      );
      const post = (path: string) =>
        fetch(`${url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ skills: ["Python", "SQL"], top: 2 }),
        });
      const roles = (await (await post("v1/roles")).json()) as { suggestions: { roles: unknown[] } };
      expect(roles.suggestions.roles).toHaveLength(2);
      const advice = (await (await post("v1/roles/advice")).json()) as {
        roles: unknown[];
        spend: { runId: number; costUsd: number };
      };
      expect(advice.roles).toHaveLength(2);
      expect(advice.spend.costUsd).toBeGreaterThan(0);
      expect(llm.requests).toHaveLength(1);
    } finally {
      process.emit("SIGINT");
      expect(await exit).toBe(0);
      await llm.close();
    }
    const workspace = openWorkspace(dir);
    try {
      expect(workspace.runs.list().map((run) => [run.kind, run.status])).toEqual([["roles-advice", "done"]]);
    } finally {
      workspace.close();
    }
  });
});
