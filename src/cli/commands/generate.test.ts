import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { createScriptedGenerator } from "../../../test/scripted-generator.ts";
import { spawnCli, waitFor } from "../../../test/spawn-cli.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

const dirs: string[] = [];
const servers: OpenAiTestServer[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-generate-cli-"));
  dirs.push(dir);
  return dir;
}

async function scriptedServer(latencyMs = 0): Promise<OpenAiTestServer> {
  const generator = createScriptedGenerator({ nearDuplicateRate: 0.1, words: 60 });
  const server = await startOpenAiTestServer({ defaultBehaviour: generator.answer, latencyMs });
  servers.push(server);
  return server;
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const generateArgs = (dir: string, url: string, count: number, ...extra: string[]): string[] => [
  "--workspace",
  dir,
  "generate",
  "--label",
  "devops=resumes of senior DevOps engineers",
  "--label",
  "other=resumes for other roles",
  "--count",
  String(count),
  "--grid",
  "seniority=junior,senior",
  "--grid",
  "format=sectioned,prose",
  "--min-words",
  "20",
  "--model",
  "test-model",
  "--base-url",
  url,
  "--api-key",
  "sk-test",
  ...extra,
];

/** The item (`label#index`) each request asked for. */
const requestedItems = (server: OpenAiTestServer): string[] =>
  server.requests.map((request) => {
    const prompt = request.body.messages?.find((message) => message.role === "user")?.content ?? "";
    return `${/Class label: (\S+)/.exec(prompt)?.[1]}#${/\nItem (\d+):/.exec(prompt)?.[1]}`;
  });

function stored(dir: string): { calls: number; documents: string[]; runs: string[] } {
  const workspace = openWorkspace(dir);
  try {
    return {
      calls: workspace.calls.count({ task: "generate" }),
      documents: workspace.documents.ids().sort(),
      runs: workspace.runs.list().map((run) => run.status),
    };
  } finally {
    workspace.close();
  }
}

describe("jobdistill generate", () => {
  it("generates from flags, prints the gates, and `runs show` repeats them", async () => {
    const server = await scriptedServer();
    const dir = tempDir();
    const io = captureIo();
    const out = join(dir, "synthetic.jsonl");
    expect(await runCli(generateArgs(dir, server.url, 10, "--out", out), io)).toBe(0);
    const printed = io.stdout.join("\n");
    expect(printed).toMatch(/finished run 1: generate with openai\/test-model/);
    expect(printed).toMatch(/gates: \d+ checked, 20 accepted; rejected 0 invalid, 0 seed copies/);
    expect(printed).toContain("devops: 10/10 accepted");
    expect(stored(dir).documents).toHaveLength(20);
    expect(printed).toContain(`wrote 20 documents to ${out}`);
    const rows = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({
      synthetic: true,
      label: expect.stringMatching(/^(devops|other)$/),
      model: "test-model",
    });
    expect(rows.filter((row) => row.label === "devops")).toHaveLength(10);

    const show = captureIo();
    expect(await runCli(["--workspace", dir, "runs", "show", "1"], show)).toBe(0);
    expect(show.stdout.join("\n")).toMatch(
      /run 1: generate generate — done[\s\S]*gates: \d+ checked, 20 accepted/,
    );
  });

  it("reads a spec file; --dry-run prints the plan per cell and calls nothing", async () => {
    const server = await scriptedServer();
    const dir = tempDir();
    writeFileSync(join(dir, "seed.txt"), "Ran Kubernetes and Terraform for a bank; led on-call.");
    writeFileSync(
      join(dir, "spec.yaml"),
      [
        "document: resume",
        "count: 3",
        "labels:",
        "  devops: { description: DevOps resumes, seeds: [seed.txt] }",
        "  other: { description: other resumes, count: 2 }",
        "grid: { country: [UK, India, Germany] }",
      ].join("\n"),
    );
    const io = captureIo();
    const args = [
      ...["--workspace", dir, "generate", "--spec", join(dir, "spec.yaml"), "--model", "gpt-4o-mini"],
      ...["--base-url", server.url, "--api-key", "sk-test"],
    ];
    expect(await runCli([...args, "--dry-run"], io)).toBe(0);
    const printed = io.stdout.join("\n");
    expect(printed).toContain("items: 5, cached: 0, to do: 5");
    expect(printed).toContain("devops: country=");
    expect(printed).toMatch(/estimated cost: \$0\.\d{4}/);
    expect(server.requests).toHaveLength(0);

    const both = captureIo();
    expect(await runCli([...args, "--count", "4"], both)).toBe(2);
    expect(both.stderr.join("\n")).toContain("--spec already says what to generate: drop --count");
  });

  it("refuses a bad flag with its name", async () => {
    const io = captureIo();
    expect(
      await runCli(["--workspace", tempDir(), "generate", "--label", "devops", "--count", "3"], io),
    ).toBe(2);
    expect(io.stderr.join("\n")).toContain("--label must look like name=value");
    const noCount = captureIo();
    expect(await runCli(["--workspace", tempDir(), "generate", "--label", "a=b"], noCount)).toBe(2);
    expect(noCount.stderr.join("\n")).toContain("labels.a.count: needs a count");
  });

  it("--help shows an example spec", async () => {
    const io = captureIo();
    await runCli(["generate", "--help"], io);
    const help = [...io.stdout, ...io.stderr].join("\n");
    expect(help).toContain("Example spec (spec.yaml):");
    expect(help).toContain("--max-topup-rounds");
  });
});

describe("jobdistill generate, killed", () => {
  it("resumes after kill -9: no item generated twice but those in flight, each key stored once", async () => {
    const server = await scriptedServer(25);
    const killed = tempDir();
    const { child, exited } = spawnCli(generateArgs(killed, server.url, 30, "--concurrency", "4"));
    await waitFor(() => server.requests.length >= 30, 30_000);
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    const partial = stored(killed);
    expect(partial.calls).toBeGreaterThan(0);
    expect(partial.calls).toBeLessThan(60);
    const requestedBeforeKill = server.requests.length;

    const resumed = captureIo();
    expect(await runCli(generateArgs(killed, server.url, 30), resumed)).toBe(0);
    const items = requestedItems(server);
    const repeated = items.filter((item, at) => items.indexOf(item) !== at);
    // Only calls in flight at the kill (at most --concurrency) are asked again.
    expect(repeated.length).toBeLessThanOrEqual(4);
    expect(
      items.slice(requestedBeforeKill).filter((item) => items.slice(0, requestedBeforeKill).includes(item))
        .length,
    ).toBe(repeated.length);
    const final = stored(killed);
    expect(final.calls).toBe(new Set(items).size);
    expect(new Set(final.documents).size).toBe(60);
    expect(final.runs).toEqual(["done", "interrupted"]);

    // The same documents as a run never interrupted.
    const reference = tempDir();
    expect(await runCli(generateArgs(reference, server.url, 30), captureIo())).toBe(0);
    expect(stored(reference).documents).toEqual(final.documents);
  }, 60_000);
});
