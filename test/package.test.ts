import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The package as a user gets it: packed, installed with plain npm into an empty folder, and run with
 * plain node (no tsx, no sources). It takes minutes (npm builds native modules), so it runs where
 * `JOBDISTILL_PACK_TEST=1` asks for it, as `.ci/run` does.
 */
const repoRoot = resolve(import.meta.dirname, "..");
const enabled = process.env.JOBDISTILL_PACK_TEST === "1";
if (!enabled)
  console.log("skipped: package install test (set JOBDISTILL_PACK_TEST=1 to pack, install and run it)");

/** Predicts with the students the demo trained (training through the library is the demo's own path). */
const libraryExample = `
import { openWorkspace, predict } from "jobdistill";
const students = await predict(openWorkspace("demo-workspace"));
const result = await students.highlight({ text: "You have 5+ years of experience with Python. We offer 30 days of holiday." });
console.log(JSON.stringify(result.spans.map((span) => span.category)));
`;

describe.skipIf(!enabled)("the packed package under plain node", () => {
  let folder = "";
  /** Runs plain node in the user's folder; resolves with the exit status and what it printed. */
  const run = (
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, args, {
      cwd: folder,
      encoding: "utf8",
      env: { ...process.env, ...env, JOBDISTILL_FROM_SOURCE: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "jobdistill-package-"));
    const packs = join(folder, "packs");
    mkdirSync(packs);
    execFileSync("npm", ["pack", "--silent", "--pack-destination", packs], {
      cwd: repoRoot,
      stdio: "ignore",
    });
    const tarball = readdirSync(packs).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack wrote no tarball");
    writeFileSync(
      join(folder, "package.json"),
      JSON.stringify({ name: "user-project", private: true, type: "module" }),
    );
    // Without the optional node-llama-cpp, as a user who never runs a local model installs it.
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=optional", join(packs, tarball)],
      { cwd: folder, stdio: "ignore" },
    );
  }, 900_000);

  it("ships built files only: no sources, tests or benches", () => {
    const installed = join(folder, "node_modules", "jobdistill");
    const top = readdirSync(installed).sort();
    expect(top).toEqual(["README.md", "bin", "corpus", "demo", "dist", "package.json"]);
    const files = readdirSync(join(installed, "dist"), { recursive: true }).map(String);
    expect(files.some((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toBe(false);
    expect(files.some((file) => file.includes(".test."))).toBe(false);
    expect(files).toContain(join("web", "assets", "advert-page.js"));
  });

  it("runs `jobdistill --help`", () => {
    const help = run([join("node_modules", ".bin", "jobdistill"), "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: jobdistill");
    expect(help.stdout).toContain("demo");
  });

  it("runs the demo offline", { timeout: 300_000 }, () => {
    const output = run(
      [join("node_modules", ".bin", "jobdistill"), "demo", "--no-serve", "-w", "demo-workspace"],
      {
        OPENAI_API_KEY: "",
        OPENAI_BASE_URL: "",
        JOBDISTILL_TEACHER_MODEL: "",
        JOBDISTILL_LLAMA_MODEL: "",
      },
    );
    expect(output.status).toBe(0);
    expect(output.stdout + output.stderr).toContain("5/5 evaluate");
  });

  it("imports the library and predicts with the demo's students", { timeout: 300_000 }, () => {
    writeFileSync(join(folder, "example.mjs"), libraryExample);
    const example = run(["example.mjs"]);
    expect(example.status).toBe(0);
    const categories = JSON.parse(example.stdout.trim()) as string[];
    expect(categories).toContain("work_experience");
    expect(categories).toContain("benefits");
  });

  it("says how to install node-llama-cpp when the llama provider is asked for without it", () => {
    const label = run([
      join("node_modules", ".bin", "jobdistill"),
      "label",
      "--task",
      "skills",
      "--provider",
      "llama",
      "--model",
      "x.gguf",
      "-w",
      "demo-workspace",
    ]);
    expect(label.status).toBe(1);
    expect(label.stderr).toContain("npm install node-llama-cpp");
  });
});
