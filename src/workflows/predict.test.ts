import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { loadPredictors } from "../student/load-predictors.ts";
import type { Predictors } from "../student/predictors.ts";
import { trainSpanStudents } from "./index.ts";
import {
  type BadRow,
  type PredictBatchOptions,
  type PredictItem,
  predictBatch,
  predictStream,
  readPredictInputs,
} from "./predict.ts";

const adverts = [
  "5+ years of Python and SQL. We offer 30 days of holiday.",
  "A driving licence is a must. Fluent German required.",
  "You will mentor junior engineers. Degree in computer science preferred.",
  "We offer a pension and flexible hours. Experience with Kubernetes.",
];

/** A writable that keeps what it is given, as text. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("predictBatch", () => {
  let dir: string;
  let workspace: Workspace;
  let local: Predictors;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predict-batch-"));
    workspace = openWorkspace(dir);
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold", epochs: 1 });
    local = await loadPredictors(workspace);
  }, 300_000);
  afterAll(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (
    options: Omit<PredictBatchOptions, "output" | "task"> & { task?: PredictBatchOptions["task"] },
  ) => {
    const out = collector();
    const bad: BadRow[] = [];
    const summary = await predictBatch(workspace, {
      task: "requirements",
      ...options,
      output: out.stream,
      onBadRow: (row) => bad.push(row),
    });
    return { summary, bad, text: out.text() };
  };
  const jsonLines = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const expected = (text: string) => local.highlight({ text });
  const expectedAll = (texts: readonly string[]) => Promise.all(texts.map(expected));

  it("reads JSON lines with chosen fields and writes one JSON line per record, in input order", async () => {
    const file = join(dir, "adverts.jsonl");
    writeFileSync(file, `${adverts.map((body, i) => JSON.stringify({ ref: `r${i}`, body })).join("\n")}\n`);
    const { summary, bad, text } = await run({
      sources: [{ kind: "path", path: file }],
      textField: "body",
      idField: "ref",
    });
    expect(bad).toEqual([]);
    expect(summary).toMatchObject({ items: 4, badRows: 0 });
    expect(jsonLines(text)).toEqual(
      (await expectedAll(adverts)).map((result, i) => ({ id: `r${i}`, input: file, line: i + 1, ...result })),
    );
  });

  it("reads a CSV table by column and writes CSV rows, one per span", async () => {
    const file = join(dir, "adverts.csv");
    writeFileSync(file, `job_id,title,description\n${adverts.map((a, i) => `j${i},T,"${a}"`).join("\n")}\n`);
    const { text } = await run({
      sources: [{ kind: "path", path: file }],
      textColumn: "description",
      idColumn: "job_id",
      format: "csv",
    });
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const want = (await expectedAll(adverts)).flatMap((result, i) =>
      result.spans.map((span) => ({
        id: `j${i}`,
        category: span.category,
        start: String(span.start),
        end: String(span.end),
        score: span.score.toFixed(4),
        text: span.text,
      })),
    );
    expect(want.length).toBeGreaterThan(0);
    expect(rows).toEqual(want);
    await expect(run({ sources: [{ kind: "path", path: file }], textColumn: "body" })).rejects.toThrow(
      /has no column "body"/,
    );
  });

  it("reads a folder, one record per file, and writes CoNLL", async () => {
    const folder = join(dir, "folder");
    mkdirSync(join(folder, "b"), { recursive: true });
    writeFileSync(join(folder, "a.txt"), adverts[0] as string);
    writeFileSync(join(folder, "b", "c.html"), `<p>${adverts[1]}</p>`);
    writeFileSync(join(folder, "ignored.bin"), "x");
    const { summary, text } = await run({ sources: [{ kind: "path", path: folder }], format: "conll" });
    expect(summary.items).toBe(2);
    const documents = text.split("-DOCSTART-").slice(1);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toContain("Python\t");
    // The HTML file is read as HTML: its tags are not tokens.
    expect(documents[1]).toContain("licence\t");
    expect(documents[1]).not.toContain("<p>");
  });

  it("reads the workspace's documents and stdin-like streams, JSON lines or one record per line", async () => {
    const fromWorkspace = await run({
      sources: [
        { kind: "workspace", documents: workspace.documents.iterate(), count: workspace.documents.count() },
      ],
    });
    expect(fromWorkspace.summary.items).toBe(workspace.documents.count());
    expect(jsonLines(fromWorkspace.text)[0]?.id).toBe(workspace.documents.ids()[0]);

    const lines = new PassThrough();
    lines.end(`${adverts[0]}\n\n${adverts[1]}\n`);
    const byLine = await run({ sources: [{ kind: "stream", name: "stdin", stream: lines, form: "auto" }] });
    expect(jsonLines(byLine.text).map((row) => [row.id, row.text])).toEqual([
      ["stdin:1", adverts[0]],
      ["stdin:3", adverts[1]],
    ]);

    const json = new PassThrough();
    json.end(`  ${JSON.stringify({ id: "a", text: adverts[2] })}\n`);
    const byJson = await run({ sources: [{ kind: "stream", name: "stdin", stream: json, form: "auto" }] });
    expect(jsonLines(byJson.text)).toEqual([
      { id: "a", input: "stdin", line: 1, ...(await expected(adverts[2] as string)) },
    ]);
  });

  it("reports every bad row with its file and line, and predicts the rest", async () => {
    const jsonl = join(dir, "bad.jsonl");
    writeFileSync(
      jsonl,
      [
        JSON.stringify({ id: "ok", text: adverts[0] }),
        "{not json",
        JSON.stringify({ id: "no-text" }),
        JSON.stringify({ id: "empty", text: "  " }),
        JSON.stringify({ id: "ok2", text: adverts[1] }),
      ].join("\n"),
    );
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, `id,text\n1,"${adverts[2]}"\n2,one,too many\n`);
    const { summary, bad, text } = await run({
      sources: [
        { kind: "path", path: jsonl },
        { kind: "path", path: csv },
      ],
    });
    expect(summary).toMatchObject({ items: 3, badRows: 4 });
    expect(bad.map((row) => `${row.file}:${row.line}`)).toEqual([
      `${jsonl}:2`,
      `${jsonl}:3`,
      `${jsonl}:4`,
      `${csv}:3`,
    ]);
    expect(bad[0]?.reason).toMatch(/not JSON/);
    expect(bad[2]?.reason).toMatch(/empty or missing text/);
    expect(bad[3]?.reason).toBe("expected 2 fields, found 3");
    expect(jsonLines(text).map((row) => row.id)).toEqual(["ok", "ok2", "1"]);
  });

  it("keeps input order on two worker threads and answers as this thread does", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `${adverts[i % adverts.length]} Ref ${i}.`);
    const file = join(dir, "many.jsonl");
    writeFileSync(file, `${many.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join("\n")}\n`);
    const { summary, text } = await run({ sources: [{ kind: "path", path: file }], threads: 2 });
    expect(summary.items).toBe(60);
    expect(jsonLines(text)).toEqual(
      (await expectedAll(many)).map((result, i) => ({ id: `d${i}`, input: file, line: i + 1, ...result })),
    );
  }, 120_000);

  it("says which command trains a missing student before reading any input", async () => {
    await expect(run({ task: "skills", sources: [{ kind: "text", text: "Python" }] })).rejects.toThrow(
      /run `jobdistill train --task skills` first/,
    );
  });
});

describe("predictStream", () => {
  it("yields the first outcome before its input has ended", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => {
      release = done;
    });
    let secondRead = false;
    async function* items(): AsyncGenerator<PredictItem> {
      yield { kind: "input", input: { id: "1", text: "one", format: "text", file: "stdin" } };
      // The input goes on only once the first outcome is out.
      await gate;
      secondRead = true;
      yield { kind: "input", input: { id: "2", text: "two", format: "text", file: "stdin" } };
    }
    const predictor = {
      batchSize: 1,
      window: 1,
      predict: async (inputs: readonly { text: string }[]) =>
        inputs.map((input) => ({ kind: "highlights" as const, text: input.text, spans: [] })),
    };
    const outcomes = predictStream(items(), predictor);
    const first = await outcomes.next();
    expect(first.value).toMatchObject({ kind: "result", input: { id: "1" } });
    expect(secondRead).toBe(false);
    release();
    const rest = [];
    for await (const outcome of outcomes) rest.push(outcome);
    expect(rest).toMatchObject([{ kind: "result", input: { id: "2" } }]);
  });

  it("reads one record per line from a stream as it arrives", async () => {
    const stream = new PassThrough();
    const read = readPredictInputs([{ kind: "stream", name: "stdin", stream, form: "lines" }]);
    stream.write("first advert\n");
    const first = await read.next();
    expect(first.value).toEqual({
      kind: "input",
      input: { id: "stdin:1", text: "first advert", format: "text", file: "stdin", line: 1 },
    });
    stream.end("second advert\n");
    const rest = [];
    for await (const item of read) rest.push(item);
    expect(rest).toHaveLength(1);
  });
});
