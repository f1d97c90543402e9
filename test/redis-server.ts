/**
 * A throwaway redis-server for tests and benches: Debian's binary on a free loopback port, no
 * persistence (`--save '' --appendonly no`), its files in a temp folder, stopped by `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeOrSkip } from "./shared.ts";

/** The redis-server the tests start: `$JOBDISTILL_REDIS_SERVER`, else the one on PATH. */
export const redisServerPath = process.env.JOBDISTILL_REDIS_SERVER ?? "redis-server";

export function redisServerInstalled(): boolean {
  return spawnSync(redisServerPath, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * `describe` that runs only when redis-server is installed; skipped with one line otherwise, but
 * failed when `JOBDISTILL_REQUIRE_SHARED=1` (CI), so CI is never green by skipping.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const missing = redisServerInstalled() ? undefined : `no ${redisServerPath}; apt-get install redis-server`;
  describeOrSkip(name, missing, "JOBDISTILL_REQUIRE_SHARED", body);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts redis-server and resolves once it accepts connections. `password` sets `requirepass`. */
export async function startTestRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-redis-"));
  const port = await freePort();
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
  if (options.password) args.push("--requirepass", options.password);
  const child: ChildProcess = spawn(redisServerPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
