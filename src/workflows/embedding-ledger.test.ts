import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../test/capture-io.ts";
import { setEnv } from "../../test/env.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../test/openai-test-server.ts";
import { runCli } from "../cli/program.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace } from "../store/index.ts";
import { findPrice, priceTable } from "../teacher/prices.ts";
import { EMBEDDINGS_TASK } from "./embedding-ledger.ts";
import { listRunLedger, runLedgerDetail } from "./runs.ts";

// `train --encoder openai:…` against the local test server: the embedding requests (through the
// teacher's retry policy and limiter, in the encoder) are the train run's spend in the ledger.
describe("embedding usage in the ledger", () => {
  let dir: string;
  let server: OpenAiTestServer;
  let restoreEnv: () => void = () => undefined;
  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(["--workspace", dir, ...args], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  const trainOverOpenAi = () =>
    run(
      "train",
      "--task",
      "requirements",
      "--source",
      "gold",
      "--epochs",
      "1",
      "--encoder",
      "openai:text-embedding-3-small",
    );

  beforeAll(async () => {
    server = await startOpenAiTestServer({ embeddingDimensions: 16 });
    restoreEnv = setEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-embeddings-ledger-key" });
    dir = mkdtempSync(join(tmpdir(), "jobdistill-embedding-ledger-"));
    const workspace = openWorkspace(dir);
    importDemoGold(workspace);
    workspace.close();
  });
  afterAll(async () => {
    restoreEnv();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records every /v1/embeddings request of a train run with its prompt tokens and cost, and `runs` shows them", async () => {
    const trained = await trainOverOpenAi();
    expect(trained.code, trained.err).toBe(0);
    const requests = server.requests.filter((request) => request.path.endsWith("/embeddings"));
    expect(requests.length).toBeGreaterThan(1);

    const workspace = openWorkspace(dir);
    try {
      const [entry] = listRunLedger(workspace, { kind: "train" });
      expect(entry?.run.status).toBe("done");
      expect(entry?.tokensIn).toBeGreaterThan(0);
      expect(entry?.tokensOut).toBe(0);
      const price = findPrice(priceTable, "openai", "text-embedding-3-small");
      expect(price?.input).toBeGreaterThan(0);
      expect(entry?.costUsd).toBeCloseTo(((entry?.tokensIn ?? 0) * (price?.input ?? 0)) / 1e6, 12);
      const detail = runLedgerDetail(workspace, entry?.run.id ?? 0);
      expect(detail?.spend).toEqual([
        {
          provider: "openai",
          model: "text-embedding-3-small",
          calls: requests.length,
          tokensIn: entry?.tokensIn,
          tokensOut: 0,
          costUsd: entry?.costUsd,
        },
      ]);
      expect(workspace.calls.count({ task: EMBEDDINGS_TASK })).toBe(requests.length);
    } finally {
      workspace.close();
    }

    // A second run finds every segment in the workspace's embedding cache: only the width probe is sent.
    const again = await trainOverOpenAi();
    expect(again.code, again.err).toBe(0);
    expect(server.requests.filter((request) => request.path.endsWith("/embeddings")).length).toBe(
      requests.length + 1,
    );

    const shown = await run("runs", "show", "1");
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/openai\s+text-embedding-3-small\s+\d+/);
    expect(shown.out).not.toMatch(/sk-test-embeddings-ledger-key/);
  }, 120_000);

  it("records the embedding requests of `train --task screen --encoder openai:…` under its train run", async () => {
    const screenDir = mkdtempSync(join(tmpdir(), "jobdistill-embedding-ledger-screen-"));
    try {
      const rows = ["id,label,text"];
      for (let i = 0; i < 24; i++) {
        const text =
          i % 2 === 0 ? `Ran Kubernetes clusters and Terraform ${i}.` : `Cooked weekly menus ${i}.`;
        rows.push(`r${i},${i % 2 === 0 ? "devops" : "chef"},${text}`);
      }
      const csv = join(screenDir, "labelled.csv");
      writeFileSync(csv, `${rows.join("\n")}\n`);
      const before = server.requests.filter((request) => request.path.endsWith("/embeddings")).length;
      const inScreenWorkspace = async (...args: string[]) => {
        const io = captureIo();
        const code = await runCli(["--workspace", join(screenDir, "ws"), ...args], io);
        return { code, err: io.stderr.join("\n") };
      };
      expect((await inScreenWorkspace("import", csv)).code).toBe(0);
      const trained = await inScreenWorkspace(
        "train",
        "--task",
        "screen",
        "--labels",
        "devops,chef",
        "--student",
        "encoder",
        "--encoder",
        "openai:text-embedding-3-small",
      );
      expect(trained.code, trained.err).toBe(0);
      const sent = server.requests.filter((request) => request.path.endsWith("/embeddings")).length - before;
      expect(sent).toBeGreaterThan(0);
      const workspace = openWorkspace(join(screenDir, "ws"));
      try {
        const [entry] = listRunLedger(workspace, { kind: "train" });
        expect(entry?.run.task).toBe("screen");
        expect(entry?.tokensIn).toBeGreaterThan(0);
        expect(workspace.calls.count({ task: EMBEDDINGS_TASK })).toBe(sent);
        expect(runLedgerDetail(workspace, entry?.run.id ?? 0)?.spend[0]?.calls).toBe(sent);
      } finally {
        workspace.close();
      }
    } finally {
      rmSync(screenDir, { recursive: true, force: true });
    }
  }, 120_000);
});
