import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

let dir: string;
let output: { out: string[]; err: string[] };
let io: CliIo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-import-"));
  output = { out: [], err: [] };
  io = { out: (text) => output.out.push(text), err: (text) => output.err.push(text), interactive: false };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("jobdistill import", () => {
  it("imports a CSV, prints the summary with refused rows, and writes --errors", async () => {
    const csv = join(dir, "postings.csv");
    writeFileSync(
      csv,
      "job_id,title,description\n1,A,First advert\n2,B,\n3,C,Third advert,extra\n4,D,First advert\n",
    );
    const errors = join(dir, "errors.jsonl");
    const code = await runCli(["--workspace", join(dir, "ws"), "import", csv, "--errors", errors], io);
    expect(code).toBe(0);
    expect(output.out[0]).toMatch(/imported 4 rows .*: 1 inserted, 1 duplicates, 0 id conflicts, 2 bad rows/);
    expect(output.out.join("\n")).toContain(`${csv}:3: empty or missing text in column "description"`);
    expect(readFileSync(errors, "utf8").trim().split("\n")).toHaveLength(2);
    const workspace = openWorkspace(join(dir, "ws"));
    expect(workspace.documents.get("1")?.meta).toEqual({ title: "A" });
    workspace.close();
  });

  it("warns about a FIFO it skipped, and reports skipped files and damaged text in the summary", async () => {
    const fifo = join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    const folder = join(dir, "adverts");
    mkdirSync(folder);
    writeFileSync(join(folder, "one.txt"), Buffer.from([0x41, 0x64, 0x20, 0xff, 0x21]));
    writeFileSync(join(folder, "scan.jpg"), "image");
    expect(await runCli(["--workspace", join(dir, "ws"), "import", fifo, folder], io)).toBe(0);
    expect(output.err).toEqual([
      `warning: skipped ${fifo}: not a regular file (a FIFO, socket or device is never read)`,
    ]);
    const text = output.out.join("\n");
    expect(text).toContain("skipped 2 file(s), never read: 1 not a regular file, 1 other extension");
    expect(text).toContain(`${join(folder, "scan.jpg")}: other extension`);
    expect(text).toContain(
      "text issues in imported rows: 1 with invalid UTF-8 (read as U+FFFD), 0 with NUL bytes (kept)",
    );
  });

  it("refuses bad options and missing files with exit code 2 and a message naming the problem", async () => {
    const csv = join(dir, "x.csv");
    writeFileSync(csv, "id,text\n1,hello\n");
    expect(await runCli(["--workspace", join(dir, "ws"), "import", csv, "--limit", "zero"], io)).toBe(2);
    expect(output.err.join("\n")).toMatch(/--limit/);
    expect(await runCli(["--workspace", join(dir, "ws"), "import", csv, "--text-column", "body"], io)).toBe(
      2,
    );
    expect(output.err.join("\n")).toMatch(/no column "body"/);
    expect(await runCli(["--workspace", join(dir, "ws"), "import", join(dir, "nope.csv")], io)).toBe(2);
    expect(output.err.join("\n")).toMatch(/no such file/);
  });
});
