import { execFileSync } from "node:child_process";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { projectRoot } from "../../core/shared-data.ts";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { importDocuments } from "./import-documents.ts";

let dir: string;
let workspace: Workspace;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-import-"));
  workspace = openWorkspace(join(dir, "ws"));
});
afterEach(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const linkedInCsv = [
  "job_id,company_name,title,description,max_salary",
  '101,Acme,Engineer,"Build things.\nLine two, with a comma.",100000',
  "102,Acme,Tester,Test things carefully.,",
  "103,Acme,Broken row,too,many,fields",
  "104,Acme,Empty,,5",
  '105,Beta,Engineer copy,"Build things.\nLine two, with a comma.",1',
  "",
].join("\n");

describe("importDocuments", () => {
  it("imports a LinkedIn-style CSV: job_id as id, description as text, other columns in meta", async () => {
    const path = join(dir, "postings.csv");
    writeFileSync(path, linkedInCsv);
    const errorsFile = join(dir, "errors.jsonl");
    const summary = await importDocuments(workspace, [path], { errorsFile });
    expect(summary).toMatchObject({ rows: 5, inserted: 2, duplicates: 1, idConflicts: 0, badRows: 2 });
    const document = workspace.documents.get("101");
    expect(document?.text).toBe("Build things.\nLine two, with a comma.");
    expect(document?.meta).toEqual({ company_name: "Acme", title: "Engineer", max_salary: "100000" });
    expect(document?.source).toBe("postings.csv");
    const refused = readFileSync(errorsFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(refused.map((row) => [row.line, row.reason])).toEqual([
      [5, "expected 5 fields, found 6"],
      [6, 'empty or missing text in column "description"'],
    ]);
    expect(workspace.documents.get("105")).toBeUndefined();
    expect(summary.refusedSamples).toHaveLength(2);
  });

  it("reports the first line of a multi-line row and skips blank lines without losing count", async () => {
    const path = join(dir, "multi.csv");
    writeFileSync(path, 'id,text\n\n1,"one\ntwo\nthree"\n\n2,"a\nb",extra\n3,fine\n');
    const summary = await importDocuments(workspace, [path], { errorsFile: join(dir, "e.jsonl") });
    expect(summary).toMatchObject({ rows: 3, inserted: 2, badRows: 1 });
    expect(summary.refusedSamples[0]).toMatchObject({ line: 7, reason: "expected 2 fields, found 3" });
    await expect(
      importDocuments(workspace, [path], { errorsFile: join(dir, "missing", "e.jsonl") }),
    ).rejects.toThrow(/cannot write the errors file/);
  });

  it("honours --id-column/--text-column and refuses unknown columns before reading", async () => {
    const path = join(dir, "custom.csv");
    writeFileSync(path, "ref,advert\nA1,Hello there\nA2,General Kenobi\n");
    const summary = await importDocuments(workspace, [path], {
      idColumn: "ref",
      textColumn: "advert",
      source: "mine",
    });
    expect(summary.inserted).toBe(2);
    expect(workspace.documents.get("A2")).toMatchObject({ text: "General Kenobi", source: "mine" });
    await expect(importDocuments(workspace, [path], { textColumn: "nope" })).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it("imports JSONL, reports unparsable lines, counts id conflicts, and stops at --limit", async () => {
    const path = join(dir, "docs.jsonl");
    writeFileSync(
      path,
      [
        JSON.stringify({ id: "a", text: "first", title: "T" }),
        "{not json",
        JSON.stringify({ id: "b", text: "<p>second</p>", format: "html" }),
        JSON.stringify({ id: "a", text: "other text, same id" }),
        JSON.stringify([1, 2]),
        JSON.stringify({ id: "c", text: "third" }),
      ].join("\n"),
    );
    const limited = await importDocuments(workspace, [path], { limit: 2 });
    expect(limited).toMatchObject({ rows: 2, inserted: 1, badRows: 1 });
    const summary = await importDocuments(workspace, [path]);
    expect(summary).toMatchObject({ rows: 6, inserted: 2, duplicates: 1, idConflicts: 1, badRows: 2 });
    expect(summary.refusedSamples.map((row) => row.line)).toEqual([2, 5, 4]);
    expect(workspace.documents.get("b")?.format).toBe("html");
    expect(workspace.documents.get("a")?.meta).toEqual({ title: "T" });
  });

  it("imports Parquet row group by row group, ids hashed when there is no id column", async () => {
    const path = join(dir, "docs.parquet");
    const texts = Array.from({ length: 25 }, (_, index) => `advert number ${index}`);
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: "description", data: texts, type: "STRING" },
        { name: "views", data: texts.map((_, index) => BigInt(index)), type: "INT64" },
      ],
      rowGroupSize: 10,
    });
    const summary = await importDocuments(workspace, [path]);
    expect(summary).toMatchObject({ rows: 25, inserted: 25, badRows: 0 });
    const first = workspace.documents.list({ limit: 1 })[0];
    expect(first?.id).toMatch(/^doc-[0-9a-f]{16}$/);
    expect(first?.meta).toEqual({ views: 0 });
  });

  it("imports a folder of .txt/.md/.html files with relative paths as ids", async () => {
    const folder = join(dir, "adverts");
    mkdirSync(join(folder, "sub"), { recursive: true });
    writeFileSync(join(folder, "one.txt"), "Plain advert");
    writeFileSync(join(folder, "sub", "two.html"), "<p>HTML advert</p>");
    writeFileSync(join(folder, "three.md"), "   ");
    writeFileSync(join(folder, "not-really.pdf"), "binary");
    writeFileSync(join(folder, "ignored.xlsx"), "binary");
    const summary = await importDocuments(workspace, [folder]);
    // The fake PDF is read and reported (no readable PDF), not skipped; .xlsx is no document type.
    expect(summary).toMatchObject({ rows: 4, inserted: 2, badRows: 2 });
    expect(summary.refusedSamples.map((row) => row.reason)).toEqual([
      expect.stringMatching(/^unreadable PDF/),
      "empty file",
    ]);
    expect(workspace.documents.get("sub/two.html")).toMatchObject({ format: "html", source: "adverts" });
    expect(workspace.documents.get("one.txt")?.format).toBe("text");
    const single = await importDocuments(workspace, [join(folder, "one.txt")]);
    expect(single).toMatchObject({ rows: 1, duplicates: 1 });
  });

  it("rejects paths it cannot import", async () => {
    await expect(importDocuments(workspace, [join(dir, "missing.csv")])).rejects.toThrow(/no such file/);
    writeFileSync(join(dir, "x.xlsx"), "");
    await expect(importDocuments(workspace, [join(dir, "x.xlsx")])).rejects.toThrow(/cannot tell/);
  });

  it("streams a large CSV: a 40 MB file imports in a process whose heap is capped at 48 MB", async () => {
    const path = join(dir, "big.csv");
    const stream = createWriteStream(path);
    const filler = 'Responsible for things, with "quotes" and commas. '.repeat(40);
    stream.write("job_id,title,description\n");
    const rows = 20_000;
    for (let index = 0; index < rows; index++) {
      stream.write(`${index},Title ${index},"${filler.replaceAll('"', '""')} #${index}"\n`);
    }
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(statSync(path).size).toBeGreaterThan(40_000_000);
    // Read whole, the file would be ~80 MB of UTF-16 string: more than the heap allows.
    const script = join(dir, "import-big.mts");
    writeFileSync(
      script,
      [
        `import { openWorkspace } from ${JSON.stringify(join(projectRoot, "src/store/index.ts"))};`,
        `import { importDocuments } from ${JSON.stringify(join(projectRoot, "src/dataset/import/index.ts"))};`,
        `const workspace = openWorkspace(${JSON.stringify(join(dir, "big-ws"))});`,
        `const summary = await importDocuments(workspace, [${JSON.stringify(path)}]);`,
        "workspace.close();",
        "console.log(JSON.stringify(summary));",
      ].join("\n"),
    );
    const output = execFileSync(process.execPath, ["--max-old-space-size=48", "--import", "tsx", script], {
      cwd: projectRoot,
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toMatchObject({ rows, inserted: rows, badRows: 0 });
  }, 60_000);
});
