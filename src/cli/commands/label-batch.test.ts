import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { labelArgs, seedWorkspace, spawnCli, storedLabels } from "../../../test/label-cli.ts";
import {
  type BatchLine,
  type BatchTestServer,
  type BatchTestServerOptions,
  type LineAnswer,
  startBatchTestServer,
} from "../../../test/openai-batch-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const dirs: string[] = [];
let server: BatchTestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspaceWith(items: number): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-batch-"));
  dirs.push(dir);
  seedWorkspace(dir, items);
  return dir;
}

/** The right label, read off the advert (seedWorkspace's documents say "cat walker" or "dog walker"). */
const rightLabel = (line: BatchLine): LineAnswer => {
  const text = line.body.messages?.find((message) => message.role === "user")?.content ?? "";
  return { kind: "json", value: { label: text.includes("cat walker") ? "cat" : "dog" } };
};

async function serve(options: BatchTestServerOptions = {}): Promise<BatchTestServer> {
  server = await startBatchTestServer({ answer: rightLabel, ...options });
  return server;
}

const batchArgs = (dir: string, url: string, ...extra: string[]): string[] =>
  labelArgs(dir, url, "--batch", "--poll-interval", "10ms", "--max-retries", "2", ...extra);

function expectAllLabelled(dir: string, items: number): void {
  const stored = storedLabels(dir);
  expect(stored.calls).toBe(items);
  expect(stored.rows).toBe(items);
  for (let index = 0; index < items; index++) {
    expect(stored.byDocument.get(`doc-${index}`)).toEqual([index % 3 === 0 ? "cat" : "dog"]);
  }
}

const submittedTwice = (batches: BatchTestServer): string[] =>
  [...batches.submissions].filter(([, times]) => times > 1).map(([customId]) => customId);

function batchRuns(dir: string): { params: Record<string, unknown>; costUsd: number }[] {
  const workspace = openWorkspace(dir, { create: false });
  try {
    return workspace.runs.list({ kind: "label" }).map((run) => ({
      params: run.params,
      costUsd: (run.report as { costUsd?: number } | undefined)?.costUsd ?? 0,
    }));
  } finally {
    workspace.close();
  }
}

describe("jobdistill label --batch", () => {
  it("submits every item once, and a rerun collects and labels them (batch price in the ledger)", async () => {
    const batches = await serve();
    const dir = workspaceWith(12);
    const args = batchArgs(dir, batches.url).map((arg) => (arg === "test-model" ? "gpt-4o-mini" : arg));
    const first = captureIo();
    expect(await runCli(args, first)).toBe(0);
    expect(first.stdout.join("\n")).toMatch(
      /batches: 1 submitted now, 1 open; 0 labelled, 0 failed, 12 waiting/,
    );
    expect(storedLabels(dir).calls).toBe(0);
    expect(batches.batchCount).toBe(1);

    const list = captureIo();
    expect(await runCli(["--workspace", dir, "batches"], list)).toBe(0);
    expect(list.stdout.join("\n")).toMatch(/submitted\s+validating\s+12\s+0\s+0/);

    const again = captureIo();
    expect(await runCli(args, again)).toBe(0);
    expect(again.stdout.join("\n")).toMatch(/0 submitted now, 0 open; 12 labelled, 0 failed, 0 waiting/);
    expectAllLabelled(dir, 12);
    expect(batches.submissions.size).toBe(12);
    expect(submittedTwice(batches)).toEqual([]);
    // Batch answers are billed at half the online price of gpt-4o-mini.
    const workspace = openWorkspace(dir, { create: false });
    try {
      const spend = workspace.calls.spend();
      const expected = ((spend[0]?.tokensIn ?? 0) * 0.15 + (spend[0]?.tokensOut ?? 0) * 0.6) / 1e6 / 2;
      expect(spend[0]?.costUsd).toBeCloseTo(expected, 10);
      expect(workspace.runs.list()[0]?.params.batch).toBe(true);
    } finally {
      workspace.close();
    }

    const done = captureIo();
    expect(await runCli(["--workspace", dir, "batches", "--json"], done)).toBe(0);
    expect(JSON.parse(done.stdout.join("\n"))[0]).toMatchObject({
      state: "collected",
      providerStatus: "completed",
    });
  });

  it("renders the same request as the online path, under the same cache key (an online rerun calls nothing)", async () => {
    const batches = await serve();
    const dir = workspaceWith(4);
    expect(await runCli(batchArgs(dir, batches.url, "--wait"), captureIo())).toBe(0);
    expectAllLabelled(dir, 4);
    const online = captureIo();
    // Online now: every key is in the cache already, so the (batch-only) server is never asked.
    expect(await runCli(labelArgs(dir, batches.url), online)).toBe(0);
    expect(online.stdout.join("\n")).toMatch(/0 labelled, 4 cached/);
    expect(batches.routeCounts.get("POST /chat/completions")).toBeUndefined();
  });

  it("splits at the request and byte limits", async () => {
    const batches = await serve();
    const dir = workspaceWith(10);
    expect(
      await runCli(batchArgs(dir, batches.url, "--wait", "--batch-max-requests", "4"), captureIo()),
    ).toBe(0);
    expect(batches.batchCount).toBe(3);
    expectAllLabelled(dir, 10);

    const bytes = await startBatchTestServer({ answer: rightLabel });
    try {
      const other = workspaceWith(6);
      // One request line is a little over 1 KB: 2,500 bytes hold two.
      expect(
        await runCli(batchArgs(other, bytes.url, "--wait", "--batch-max-bytes", "2500"), captureIo()),
      ).toBe(0);
      expect(bytes.batchCount).toBeGreaterThan(1);
      expectAllLabelled(other, 6);
      const workspace = openWorkspace(other, { create: false });
      try {
        expect(workspace.batches.list().every((batch) => batch.inputBytes <= 2500)).toBe(true);
      } finally {
        workspace.close();
      }
    } finally {
      await bytes.close();
    }
  });

  it("sends error lines and invalid answers in a follow-up batch, and labels them from it", async () => {
    const batches = await serve({
      answer: (line) => {
        const text = line.body.messages?.at(-1)?.content ?? "";
        if (line.resubmission === 0 && text.includes("Advert 1:")) return { kind: "error", status: 500 };
        // Advert 2's first answer is not a label of the set: the repair request goes in the follow-up.
        if (text.includes("Advert 2:")) return { kind: "json", value: { label: "horse" } };
        return rightLabel(line);
      },
    });
    const dir = workspaceWith(6);
    const io = captureIo();
    expect(await runCli(batchArgs(dir, batches.url, "--wait"), io)).toBe(0);
    expect(batches.batchCount).toBe(2);
    expectAllLabelled(dir, 6);
    // The follow-up held the error line's request again and advert 2's repair, nothing else.
    expect([...batches.submissions.values()].reduce((sum, times) => sum + times, 0)).toBe(8);
    const workspace = openWorkspace(dir, { create: false });
    try {
      const failures = workspace.calls.failures();
      expect(failures.map((failure) => failure.errorCode)).toEqual(["no-object"]);
    } finally {
      workspace.close();
    }
  });

  it("re-asks a truncated answer in a follow-up batch with a larger output limit, as online", async () => {
    const batches = await serve({
      answer: (line) =>
        (line.body.messages?.at(-1)?.content ?? "").includes("Advert 1:") &&
        line.body.max_tokens === undefined
          ? { kind: "text", content: '{"label": "d', finishReason: "length" }
          : rightLabel(line),
    });
    const dir = workspaceWith(3);
    expect(await runCli(batchArgs(dir, batches.url, "--wait"), captureIo())).toBe(0);
    expect(batches.batchCount).toBe(2);
    expectAllLabelled(dir, 3);
  });

  it("with --retry-online asks the failed items online instead", async () => {
    const batches = await serve({
      answer: (line) =>
        (line.body.messages?.at(-1)?.content ?? "").includes("Advert 1:")
          ? { kind: "error", status: 500 }
          : rightLabel(line),
    });
    const dir = workspaceWith(3);
    // The batch server has no chat route: the online retry fails, and says so.
    const io = captureIo();
    expect(
      await runCli(batchArgs(dir, batches.url, "--wait", "--retry-online", "--max-retries", "0"), io),
    ).not.toBe(0);
    expect(batches.batchCount).toBe(1);
    expect(batches.routeCounts.get("POST /chat/completions")).toBe(1);
    expect(storedLabels(dir).calls).toBe(2);
  });

  it("collects the finished part of an expired or cancelled batch and resubmits the rest", async () => {
    for (const status of ["expired", "cancelled"] as const) {
      const batches = await startBatchTestServer({
        answer: rightLabel,
        outcome: (index) => (index === 0 ? { status, finished: 3 } : { status: "completed" }),
      });
      try {
        const dir = workspaceWith(8);
        expect(await runCli(batchArgs(dir, batches.url, "--wait"), captureIo())).toBe(0);
        expect(batches.batchCount).toBe(2);
        expectAllLabelled(dir, 8);
        expect(submittedTwice(batches)).toHaveLength(5);
      } finally {
        await batches.close();
      }
    }
  });

  it("batches cancel cancels on the provider; collect keeps the finished part and resubmits the rest", async () => {
    const batches = await serve({
      pollsInProgress: 3,
      outcome: (index) => (index === 0 ? { status: "cancelled", finished: 2 } : { status: "completed" }),
    });
    const dir = workspaceWith(5);
    expect(await runCli(batchArgs(dir, batches.url), captureIo())).toBe(0);
    const cancel = captureIo();
    const endpoint = ["--base-url", batches.url, "--api-key", "sk-test"];
    expect(await runCli(["--workspace", dir, "batches", "cancel", "1", ...endpoint], cancel)).toBe(0);
    expect(cancel.stdout.join("\n")).toMatch(/batch 1 \(batch_\d+\): cancelling/);
    expect(batches.routeCounts.get("POST /batches/:id/cancel")).toBe(1);
    const collect = captureIo();
    expect(
      await runCli(
        ["--workspace", dir, "batches", "collect", "--wait", "--poll-interval", "10ms", ...endpoint],
        collect,
      ),
    ).toBe(0);
    expect(batches.batchCount).toBe(2);
    expect(submittedTwice(batches)).toHaveLength(3);
    expectAllLabelled(dir, 5);
  });

  it("polls a slow batch until it completes, and `batches collect` labels it", async () => {
    const batches = await serve({ pollsInProgress: 5 });
    const dir = workspaceWith(5);
    expect(await runCli(batchArgs(dir, batches.url), captureIo())).toBe(0);
    const collect = captureIo();
    expect(
      await runCli(
        [
          "--workspace",
          dir,
          "batches",
          "collect",
          "--wait",
          "--poll-interval",
          "10ms",
          "--base-url",
          batches.url,
          "--api-key",
          "sk-test",
        ],
        collect,
      ),
    ).toBe(0);
    expect(collect.stdout.join("\n")).toMatch(
      /classify \(test-model\): batches: 0 submitted now, 0 open; 5 labelled/,
    );
    expect(batches.routeCounts.get("GET /batches/:id")).toBe(6);
    expectAllLabelled(dir, 5);
  });

  it("retries a 5xx on upload without uploading twice", async () => {
    const batches = await serve({ failUploads: 2 });
    const dir = workspaceWith(3);
    expect(await runCli(batchArgs(dir, batches.url, "--wait"), captureIo())).toBe(0);
    expect(batches.uploadCount).toBe(3);
    expect(batches.batchCount).toBe(1);
    expectAllLabelled(dir, 3);
  });

  it("kill -9 before upload, after upload, after batch creation and mid-download: nothing lost, nothing sent twice", async () => {
    const batches = await serve();
    const items = 9;
    const dir = workspaceWith(items);
    const args = batchArgs(dir, batches.url, "--wait", "--batch-max-requests", "5");
    for (const point of [
      "upload-before-store",
      "upload-after-store",
      "create-after-store",
      "content",
    ] as const) {
      const hold = batches.hold(point);
      const run = spawnCli(args);
      await hold.reached;
      run.child.kill("SIGKILL");
      const exit = await run.exited;
      expect(exit.signal).toBe("SIGKILL");
      hold.release();
    }
    const last = await spawnCli(args).exited;
    expect(last.code, last.stderr).toBe(0);
    expectAllLabelled(dir, items);
    expect(batches.submissions.size).toBe(items);
    expect(submittedTwice(batches)).toEqual([]);
    expect(batches.batchCount).toBe(2);
    expect(batches.uploadCount).toBe(3);
    expect(batchRuns(dir).every((run) => run.params.batch === true)).toBe(true);
  }, 40_000);
});
