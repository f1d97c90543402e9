import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { importDocuments } from "./import-documents.ts";

let dir: string;
let workspace: Workspace;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-import-hardening-"));
  workspace = openWorkspace(join(dir, "ws"));
});
afterEach(() => {
  vi.restoreAllMocks();
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const mkfifo = (path: string): string => {
  execFileSync("mkfifo", [path]);
  return path;
};

describe("import hardening", () => {
  it("skips a FIFO named as an input instead of blocking on it forever, and says so", async () => {
    const fifo = mkfifo(join(dir, "pipe.csv"));
    const good = csv("good.csv", "id,text\n1,An advert\n");
    const summary = await importDocuments(workspace, [fifo, good]);
    expect(summary).toMatchObject({ rows: 1, inserted: 1, files: [good] });
    expect(summary.skipped).toEqual({
      total: 1,
      byReason: { "not a regular file": 1 },
      samples: [{ path: fifo, reason: "not a regular file" }],
    });
  });

  it("reports what a folder import skipped: symlinks, FIFOs, other extensions, binary content", async () => {
    const folder = join(dir, "adverts");
    mkdirSync(join(folder, "sub"), { recursive: true });
    writeFileSync(join(folder, "one.txt"), "Plain advert");
    writeFileSync(join(folder, "sub", "photo.jpg"), "not an advert");
    writeFileSync(join(folder, "binary.txt"), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14]));
    symlinkSync(join(folder, "one.txt"), join(folder, "link.txt"));
    mkfifo(join(folder, "pipe.txt"));
    writeFileSync(join(folder, ".hidden.txt"), "left out without a word");
    const summary = await importDocuments(workspace, [folder]);
    expect(summary).toMatchObject({ rows: 1, inserted: 1 });
    expect(summary.skipped.byReason).toEqual({
      "binary content": 1,
      symlink: 1,
      "not a regular file": 1,
      "other extension": 1,
    });
    expect(summary.skipped.samples.map((file) => [file.path.slice(folder.length + 1), file.reason])).toEqual([
      ["link.txt", "symlink"],
      ["pipe.txt", "not a regular file"],
      ["sub/photo.jpg", "other extension"],
      ["binary.txt", "binary content"],
    ]);
  });

  it("a failed commit (disk full, injected at the store) says how many rows were committed and where it stopped", async () => {
    const path = csv("five.csv", "id,text\n1,one\n2,two\n3,three\n4,four\n5,five\n");
    const insertMany = workspace.documents.insertMany.bind(workspace.documents);
    const spy = vi.spyOn(workspace.documents, "insertMany");
    spy.mockImplementationOnce(insertMany).mockImplementationOnce(() => {
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    });
    const error = await importDocuments(workspace, [path], { batchSize: 2 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: "workspace",
      data: { file: path, line: 4, rows: 4, committed: 2 },
    });
    expect((error as Error).message).toBe(
      `import stopped at ${path} line 4: database or disk is full. 2 of the 4 rows read were committed ` +
        "(2 new documents, 0 duplicates); rerun the same command to continue (committed rows are recognised as duplicates)",
    );
    expect(spy).toHaveBeenCalledTimes(2);
    expect(workspace.documents.count()).toBe(2);
    spy.mockRestore();
    expect(await importDocuments(workspace, [path], { batchSize: 2 })).toMatchObject({
      inserted: 3,
      duplicates: 2,
    });
  });

  it("a file that cannot be read further keeps the rows before it and names the file and line", async () => {
    const path = csv("broken.csv", 'id,text\n1,one\n2,two\n3,"never closed\n');
    const error = await importDocuments(workspace, [path]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "input", data: { file: path, line: 3, committed: 2 } });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^import stopped at ${path} after line 3: .*never closed.*2 of the 2 rows read were committed`,
      ),
    );
    expect(workspace.documents.count()).toBe(2);
  });

  it("counts and reports rows with invalid UTF-8 or NUL bytes", async () => {
    const path = csv(
      "dirty.csv",
      Buffer.concat([
        Buffer.from("id,text\n1,clean\n2,bad "),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(" bytes\n3,nul \u0000 inside\n"),
      ]),
    );
    const summary = await importDocuments(workspace, [path]);
    expect(summary).toMatchObject({ rows: 3, inserted: 3 });
    expect(summary.textIssues).toEqual({
      invalidUtf8: 1,
      nul: 1,
      samples: [
        { file: path, line: 3, issue: "invalid UTF-8" },
        { file: path, line: 4, issue: "NUL bytes" },
      ],
    });
  });

  it("refuses a CSV whose header names a column twice, before importing anything", async () => {
    const path = csv("twice.csv", "id,text,text\n1,a,b\n");
    await expect(importDocuments(workspace, [path])).rejects.toThrow(
      /names the column "text" twice \(columns 2 and 3\): rename one/,
    );
    expect(workspace.documents.count()).toBe(0);
  });
});
