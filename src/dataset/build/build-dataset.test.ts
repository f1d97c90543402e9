import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bioToChunks, segmentText, tokenize } from "../../align/index.ts";
import { UsageError } from "../../core/errors.ts";
import { createRandom } from "../../core/random.ts";
import type { Span } from "../../core/types.ts";
import { openWorkspace, type Workspace } from "../../store/index.ts";
import { requirementCategoryIds } from "../../tasks/requirements/labels.ts";
import { labelledText } from "../document-text.ts";
import { importDemoGold } from "../gold/demo-gold.ts";
import { buildDataset } from "./build-dataset.ts";
import { datasetSplits, textKey } from "./examples.ts";
import { readDatasetSplits } from "./read-dataset.ts";
import type { DatasetReport } from "./report.ts";
import { segmentLabels } from "./segment-labels.ts";

let dir: string;
let workspace: Workspace;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-build-"));
  workspace = openWorkspace(join(dir, "ws"));
  importDemoGold(workspace);
});
afterAll(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const fixedNow = new Date("2026-01-02T03:04:05Z");

function conllChunkCounts(path: string, layers: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(layers.map((layer) => [layer, 0]));
  const blocks = readFileSync(path, "utf8").split(/\n\n+/);
  for (const block of blocks) {
    const rows = block
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("-DOCSTART-"))
      .map((line) => line.split("\t"));
    if (rows.length === 0) continue;
    layers.forEach((layer, index) => {
      counts[layer] = (counts[layer] ?? 0) + bioToChunks(rows.map((row) => row[index + 1] ?? "O")).length;
    });
  }
  return counts;
}

/**
 * The dataset invariants, checked against the files as written: offsets round-trip, no document
 * and no identical text in two splits, every negative really is unlabelled (for its category),
 * and every count in the report matches the files.
 */
function expectDatasetInvariants(workspace: Workspace, out: string, report: DatasetReport): void {
  const dataset = readDatasetSplits(out);
  expect(dataset.report).toEqual(report);
  // The checks below loop over categories, segments and pairs: none of them may be empty.
  expect(report.categories.map((category) => category.id)).toEqual([...requirementCategoryIds]);
  for (const split of datasetSplits) {
    expect(dataset.segments[split].length, `${split} segments`).toBeGreaterThan(0);
    expect(dataset.pairs[split].length, `${split} pairs`).toBeGreaterThan(0);
  }
  const texts = new Map<string, string>();
  const textOf = (id: string): string => {
    const document = workspace.documents.get(id);
    if (!document) throw new Error(`missing ${id}`);
    if (!texts.has(id)) texts.set(id, labelledText(document));
    return texts.get(id) ?? "";
  };
  const spansByDocument = new Map(
    workspace.annotations
      .list({ task: report.task, sourceName: report.source.name })
      .map((annotation) => [annotation.documentId, annotation.payload.spans ?? []]),
  );
  const spansOf = (id: string) => spansByDocument.get(id) ?? [];
  const splitOfDocument = new Map<string, string>();
  const splitOfText = new Map<string, string>();
  const note = (id: string, text: string, split: string): void => {
    expect(splitOfDocument.get(id) ?? split).toBe(split);
    splitOfDocument.set(id, split);
    expect(splitOfText.get(textKey(text)) ?? split).toBe(split);
    splitOfText.set(textKey(text), split);
  };
  for (const split of datasetSplits) {
    for (const segment of dataset.segments[split]) {
      expect(textOf(segment.doc_id).slice(segment.start, segment.end)).toBe(segment.text);
      note(segment.doc_id, segment.text, split);
    }
    const positives = new Set(
      dataset.pairs[split]
        .filter((pair) => pair.label === 1)
        .map((pair) => `${pair.category}\u0000${textKey(pair.passage)}`),
    );
    for (const pair of dataset.pairs[split]) {
      expect(textOf(pair.doc_id).slice(pair.start, pair.end)).toBe(pair.passage);
      note(pair.doc_id, pair.passage, split);
      if (pair.label === 1) continue;
      const overlapping = spansOf(pair.doc_id).filter(
        (span) => span.start < pair.end && pair.start < span.end,
      );
      if (pair.kind === "unlabelled-segment") expect(overlapping).toEqual([]);
      else expect(overlapping.filter((span) => span.label === pair.category)).toEqual([]);
      expect(positives.has(`${pair.category}\u0000${textKey(pair.passage)}`)).toBe(false);
    }
    expect(dataset.segments[split].length).toBe(report.segments[split]);
    expect(
      dataset.segments[split].filter((segment) => segment.labels.length === 0).length,
    ).toBeGreaterThanOrEqual(report.unlabelledSegments[split]);
    expect(dataset.pairs[split].filter((pair) => pair.label === 1).length).toBe(report.pairs[split].positive);
    expect(dataset.pairs[split].filter((pair) => pair.label === 0).length).toBe(report.pairs[split].negative);
    const chunks = conllChunkCounts(dataset.conll[split], report.options.layers);
    for (const category of report.categories) {
      const counts = category.bySplit[split];
      expect(dataset.segments[split].filter((segment) => segment.labels.includes(category.id)).length).toBe(
        counts.segments,
      );
      const ofCategory = dataset.pairs[split].filter((pair) => pair.category === category.id);
      expect(ofCategory.filter((pair) => pair.label === 1).length).toBe(counts.pairsPositive);
      expect(ofCategory.filter((pair) => pair.label === 0).length).toBe(counts.pairsNegative);
      expect(chunks[category.id]).toBe(counts.conllChunks);
    }
  }
  const spanTotal = report.categories.reduce(
    (sum, category) => sum + datasetSplits.reduce((inner, split) => inner + category.bySplit[split].spans, 0),
    0,
  );
  const { alignment } = report;
  expect(spanTotal).toBe(
    alignment.exact + alignment.normalised + alignment.fuzzy + alignment.given + alignment.unspecified,
  );
  expect(Object.values(report.documents).reduce((a, b) => a + b, 0)).toBe(spansByDocument.size);
}

describe("segmentLabels", () => {
  it("labels a segment when the overlap covers half the segment or half the span", () => {
    const segment = { start: 0, end: 100 };
    expect(segmentLabels(segment, [{ start: 10, end: 20, label: "a" }], ["a"])).toEqual(["a"]);
    expect(segmentLabels(segment, [{ start: 90, end: 150, label: "a" }], ["a"])).toEqual([]);
    expect(segmentLabels(segment, [{ start: 40, end: 160, label: "a" }], ["a"])).toEqual(["a"]);
    expect(
      segmentLabels(
        segment,
        [
          { start: 0, end: 10, label: "b" },
          { start: 5, end: 8, label: "a" },
        ],
        ["a", "b"],
      ),
    ).toEqual(["a", "b"]);
  });
});

describe("buildDataset invariants (demo gold, several seeds and ratios)", () => {
  for (const [seed, negativeRatio] of [
    [1, 1],
    [2, 2],
    [3, 0.5],
    [13, 1],
  ] as const) {
    it(`holds for seed ${seed}, ratio ${negativeRatio}`, async () => {
      const out = join(dir, `demo-${seed}`);
      const report = buildDataset(workspace, {
        task: "requirements",
        out,
        seed,
        negativeRatio,
        now: fixedNow,
      });
      expectDatasetInvariants(workspace, out, report);
      expect(report.source).toEqual({ kind: "gold", name: "demo" });
      expect(report.alignment.given).toBe(
        workspace.annotations
          .list({ task: "requirements" })
          .reduce((sum, annotation) => sum + (annotation.payload.spans?.length ?? 0), 0),
      );
      const negatives = datasetSplits.reduce((sum, split) => sum + report.pairs[split].negative, 0);
      const positives = datasetSplits.reduce((sum, split) => sum + report.pairs[split].positive, 0);
      expect(negatives + report.dropped.negativesShort).toBeGreaterThanOrEqual(
        Math.floor(negativeRatio * positives) - report.categories.length * 3,
      );
    });
  }

  it("holds on random corpora full of repeated sentences, overlapping spans and HTML", () => {
    const sentences = [
      "Python and SQL required.",
      "Free lunch every day.",
      "You will mentor juniors.",
      "About us.",
      "We value honesty and teamwork.",
      "5+ years in logistics.",
      "Valid driving licence.",
      "Apply now!",
    ];
    const labels = [
      "hard_skills",
      "benefits",
      "job_duties",
      "breadtext",
      "company_culture",
      "work_experience",
      "qualifications",
    ];
    for (const seed of [101, 202, 303]) {
      const random = createRandom(seed);
      const corpus = openWorkspace(join(dir, `random-${seed}`));
      try {
        for (let index = 0; index < 25; index++) {
          const picked = Array.from(
            { length: 2 + random.int(6) },
            () => sentences[random.int(sentences.length)] ?? "",
          );
          const html = random.next() < 0.3;
          const id = `doc-${seed}-${index}`;
          const stored = html
            ? `<ul>${picked.map((sentence) => `<li>${sentence}</li>`).join("")}</ul><p>Ref ${index}</p>`
            : `${picked.join(random.next() < 0.5 ? "\n" : " ")}\nRef ${index}`;
          if (
            corpus.documents.insert({ id, text: stored, format: html ? "html" : "text" }).status !==
            "inserted"
          )
            continue;
          const document = corpus.documents.get(id);
          const text = document ? labelledText(document) : "";
          const spans: Span[] = [];
          for (let count = random.int(6); count > 0; count--) {
            const start = random.int(text.length - 1);
            const end = Math.min(text.length, start + 1 + random.int(30));
            spans.push({
              start,
              end,
              label: labels[random.int(labels.length)] ?? "breadtext",
              text: text.slice(start, end),
              alignment: "given",
            });
          }
          corpus.annotations.insert({
            documentId: id,
            task: "requirements",
            taskVersion: "t",
            source: { kind: "gold", name: "random" },
            payload: { spans },
          });
        }
        const out = join(dir, `random-out-${seed}`);
        const report = buildDataset(corpus, {
          task: "requirements",
          out,
          seed,
          negativeRatio: 1 + random.int(3),
          now: fixedNow,
        });
        expectDatasetInvariants(corpus, out, report);
        expect(report.dropped.crossSplitSegments).toBeGreaterThan(0);
      } finally {
        corpus.close();
      }
    }
  });

  it("writes JSONL, CSV and Parquet with the same rows, and is reproducible from its seed", async () => {
    const out = join(dir, "formats");
    buildDataset(workspace, { task: "requirements", out, now: fixedNow });
    const jsonl = readFileSync(join(out, "segments.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const keys = Object.keys(jsonl[0]);
    expect(keys).toEqual(["doc_id", "split", "segment_id", "start", "end", "text", "labels"]);
    for (const row of jsonl) expect(Object.keys(row)).toEqual(keys);
    const parquet = await parquetReadObjects({
      file: await asyncBufferFromFile(join(out, "segments.parquet")),
    });
    expect(parquet).toEqual(jsonl);
    const csv = parse(readFileSync(join(out, "segments.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((row) => row.text)).toEqual(jsonl.map((row) => row.text));
    expect(csv.map((row) => row.labels)).toEqual(jsonl.map((row) => row.labels.join("|")));
    const pairsParquet = await parquetReadObjects({
      file: await asyncBufferFromFile(join(out, "pairs.parquet")),
    });
    expect(pairsParquet).toEqual(
      readFileSync(join(out, "pairs.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    );
    const again = join(dir, "formats-again");
    buildDataset(workspace, { task: "requirements", out: again, now: fixedNow });
    for (const file of ["segments.jsonl", "pairs.jsonl", "conll/train.conll", "conll/test.conll"]) {
      expect(readFileSync(join(again, file), "utf8")).toBe(readFileSync(join(out, file), "utf8"));
    }
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("| Hard skills |");
    expect(readFileSync(join(out, "conll", "train.conll"), "utf8")).toMatch(/^-DOCSTART-(\tO){10}\n\n/);
  });

  it("writes a chosen subset of CoNLL layers and refuses unknown ones and bad splits", () => {
    const out = join(dir, "layers");
    const report = buildDataset(workspace, {
      task: "requirements",
      out,
      layers: ["hard_skills", "soft_skills"],
      now: fixedNow,
    });
    const line = readFileSync(join(out, "conll", "train.conll"), "utf8").split("\n")[2] ?? "";
    expect(line.split("\t")).toHaveLength(3);
    expect(report.options.layers).toEqual(["hard_skills", "soft_skills"]);
    expect(() => buildDataset(workspace, { task: "requirements", out, layers: ["nope"] })).toThrow(
      UsageError,
    );
    expect(() => buildDataset(workspace, { task: "requirements", out, split: [0.5, 0.2, 0.2] })).toThrow(
      UsageError,
    );
    expect(() => buildDataset(workspace, { task: "requirements", out, source: "teacher" })).toThrow(
      /no teacher annotations/,
    );
    expect(() => buildDataset(workspace, { task: "skills", out })).toThrow(
      /no annotations for task "skills"/,
    );
  });
});

describe("CoNLL files", () => {
  it("hold every segment of the split or list it with a reason, and one conlleval file per layer", () => {
    const own = openWorkspace(join(dir, "conll-ws"));
    try {
      const texts = {
        train: "We need Python.\nApply now at our site.",
        test: "You know SQL.\nApply now at our site.\nGreat team spirit.",
      };
      for (const [split, text] of Object.entries(texts)) {
        own.documents.insert({ id: split, text, meta: { split } });
        const quote = split === "train" ? "Python" : "SQL";
        const start = text.indexOf(quote);
        own.annotations.insert({
          documentId: split,
          task: "requirements",
          taskVersion: "gold",
          source: { kind: "gold", name: "hand" },
          payload: { spans: [{ start, end: start + quote.length, label: "hard_skills", text: quote }] },
        });
      }
      const out = join(dir, "conll-out");
      const report = buildDataset(own, { task: "requirements", splitBy: "given", out, now: fixedNow });
      const sentences = readFileSync(join(out, "conll", "test.conll"), "utf8")
        .split(/\n\n+/)
        .map((block) => block.split("\n").filter((line) => line !== "" && !line.startsWith("-DOCSTART-")))
        .filter((rows) => rows.length > 0)
        .map((rows) => rows.map((row) => row.split("\t")[0]).join(" "));
      const dropped = readFileSync(join(out, "dropped-segments.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { segment_id: string; split: string; reason: string });
      const accounted = segmentText(texts.test).map((segment, index) => {
        const written = sentences.includes(
          tokenize(segment.text)
            .map((token) => token.text)
            .join(" "),
        );
        const listed = dropped.find((entry) => entry.segment_id === `test#${index}`);
        return [segment.text, written ? "written" : listed?.reason];
      });
      expect(accounted).toEqual([
        ["You know SQL.", "written"],
        ["Apply now at our site.", "text-in-train"],
        ["Great team spirit.", "written"],
      ]);
      expect(report.dropped.crossSplitSegments).toBe(dropped.length);
      expect(report.files).toContain("dropped-segments.jsonl");

      // conlleval reads the last two columns as gold and prediction: one layer per file.
      const layerFile = readFileSync(join(out, "conll", "test.hard_skills.conll"), "utf8");
      expect(layerFile.split("\n").slice(0, 6)).toEqual([
        "-DOCSTART-\tO",
        "",
        "You\tO",
        "know\tO",
        "SQL\tB-hard_skills",
        ".\tO",
      ]);
      for (const layer of report.options.layers) expect(report.files).toContain(`conll/test.${layer}.conll`);
      const widths = new Set(
        layerFile
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => line.split("\t").length),
      );
      expect([...widths]).toEqual([2]);
    } finally {
      own.close();
    }
  });
});
