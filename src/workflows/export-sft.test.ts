import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.ts";
import type { SourceDocument } from "../core/types.ts";
import { estimateSftTokens, openAiSftLineSchema, trlSftLineSchema } from "../dataset/formats/chat-sft.ts";
import { importDemoGold } from "../dataset/gold/demo-gold.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { type RequirementsInput, requirementsOutputSchema } from "../tasks/requirements/schema.ts";
import { createSkillsTask, skillsOutputSchema } from "../tasks/skills/task.ts";
import { FakeLanguageModel } from "../teacher/index.ts";
import { exportSft } from "./export-sft.ts";
import { planLabelling, runLabelling } from "./label.ts";

let dir: string;
let workspace: Workspace;
let items: RequirementsInput[];
/** The document of each user message, to check the split from the files alone. */
const documentOfPrompt = new Map<string, string>();
let failedItem: string;
const longAdvert = "long-advert";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-export-sft-"));
  workspace = openWorkspace(join(dir, "ws"));
  importDemoGold(workspace);
  // A long advert the requirements task cuts into chunks: one chunk's call fails below.
  const longText = Array.from(
    { length: 400 },
    (_, line) => `Line ${line}: you know Python and SQL well.`,
  ).join("\n");
  workspace.documents.insert({ id: longAdvert, text: longText });
  const plan = planLabelling(workspace, { task: "requirements" });
  items = plan.items as RequirementsInput[];
  for (const item of items) {
    const user = plan.task.buildMessages(item)[1];
    if (user) documentOfPrompt.set(user.content, item.documentId);
  }
  // One chunk's call fails for good: it has no stored answer and must be left out, not rebuilt
  // from the spans of its document's other chunks.
  const chunks = items.filter((item) => item.documentId === longAdvert);
  expect(chunks.length).toBeGreaterThan(2);
  failedItem = plan.task.itemId(chunks[1] as RequirementsInput);
  const model = new FakeLanguageModel({
    fallback: (request) => {
      const user = request.messages.map((message) => message.content).join("\n");
      const item = items.find((candidate) => user.includes(candidate.text));
      if (item === undefined || plan.task.itemId(item) === failedItem) return "not json";
      return JSON.stringify({
        spans: [{ category: "hard_skills", quote: item.text.slice(0, 24), requirement: "must" }],
      });
    },
  });
  await runLabelling(workspace, plan, { model, limits: { maxRetries: 0 } });
});
afterAll(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (path: string): unknown[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

describe("export sft", () => {
  it("writes the teacher's stored answers to the task's own prompt, in both formats, split by document", () => {
    const out = join(dir, "teacher");
    const report = exportSft(workspace, { task: "requirements", out, validationFraction: 0.25, seed: 3 });
    expect(report.source.kind).toBe("teacher");
    expect(report.leftOut.unanswered).toBe(1);
    expect(report.warnings.join("\n")).toMatch(/1 items have no stored answer/);
    expect(report.answers).toEqual({ fromCalls: items.length - 1, fromAnnotations: 0 });
    expect(report.files).toEqual([
      "openai/train.jsonl",
      "openai/validation.jsonl",
      "trl/train.jsonl",
      "trl/validation.jsonl",
      "report.json",
    ]);
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))).toEqual(report);

    const documentsOf = (file: string): Set<string> =>
      new Set(
        lines(join(out, file)).map((line) => {
          const { messages } = openAiSftLineSchema.parse(line);
          expect(messages.map((message) => message.role)).toEqual(["system", "user", "assistant"]);
          const answer = requirementsOutputSchema.parse(JSON.parse(messages[2]?.content ?? ""));
          expect(answer.spans[0]?.requirement).toBe("must");
          const document = documentOfPrompt.get(messages[1]?.content ?? "");
          expect(document).toBeDefined();
          return document ?? "";
        }),
      );
    const train = documentsOf("openai/train.jsonl");
    const validation = documentsOf("openai/validation.jsonl");
    expect([...train].filter((id) => validation.has(id))).toEqual([]);
    expect(report.documents).toEqual({ train: train.size, validation: validation.size });
    expect(validation.size).toBe(Math.round((train.size + validation.size) * 0.25));

    const openAi = lines(join(out, "openai/train.jsonl")).map((line) => openAiSftLineSchema.parse(line));
    const trl = lines(join(out, "trl/train.jsonl")).map((line) => trlSftLineSchema.parse(line));
    expect(trl).toEqual(
      openAi.map(({ messages }) => ({ prompt: messages.slice(0, 2), completion: messages.slice(2) })),
    );
    const tokens = openAi.map(({ messages }) => estimateSftTokens(messages));
    expect(report.tokens.train.total).toBe(tokens.reduce((sum, value) => sum + value, 0));
    expect(report.tokens.train.max).toBe(Math.max(...tokens));
    expect(report.cost.trainingTokens).toBe(report.tokens.train.total * 3);
    expect(report.cost.estimatedUsd).toBeCloseTo((report.tokens.train.total * 3 * 3) / 1e6, 4);

    const again = exportSft(workspace, {
      task: "requirements",
      out: join(dir, "again"),
      validationFraction: 0.25,
      seed: 3,
    });
    expect(readFileSync(join(dir, "again", "trl/validation.jsonl"), "utf8")).toBe(
      readFileSync(join(out, "trl/validation.jsonl"), "utf8"),
    );
    expect(again.tokens).toEqual(report.tokens);
  });

  it("rebuilds the task's answer from gold spans", () => {
    const out = join(dir, "gold");
    const report = exportSft(workspace, {
      task: "requirements",
      source: "gold",
      out,
      formats: ["openai"],
      validationFraction: 0,
    });
    const goldItems = items.filter((item) => item.documentId !== longAdvert).length;
    expect(report.answers).toEqual({ fromCalls: 0, fromAnnotations: goldItems });
    expect(report.files).toEqual(["openai/train.jsonl", "report.json"]);
    expect(existsSync(join(out, "trl"))).toBe(false);
    const gold = workspace.annotations.list({ task: "requirements", sourceKind: "gold" });
    const goldQuotes = new Set(
      gold.flatMap((annotation) => (annotation.payload.spans ?? []).map((span) => span.text)),
    );
    let quotes = 0;
    for (const line of lines(join(out, "openai/train.jsonl"))) {
      const { messages } = openAiSftLineSchema.parse(line);
      const answer = requirementsOutputSchema.parse(JSON.parse(messages[2]?.content ?? ""));
      for (const span of answer.spans) {
        expect(goldQuotes.has(span.quote)).toBe(true);
        expect(messages[1]?.content).toContain(span.quote);
        quotes++;
      }
    }
    expect(quotes).toBeGreaterThan(0);
  });

  it("leaves out examples over the token limit, and refuses fewer training examples than asked for", () => {
    const out = join(dir, "short");
    const tight = () => exportSft(workspace, { task: "requirements", source: "gold", out, maxTokens: 500 });
    expect(tight).toThrow(UsageError);
    expect(tight).toThrow(/at least 10 training examples, found 0 valid ones \(\d+ examples: \d+ invalid/);
    expect(existsSync(out)).toBe(false);
    const few = () =>
      exportSft(workspace, { task: "requirements", source: "gold", out, minExamples: items.length + 1 });
    expect(few).toThrow(/at least \d+ training examples/);

    const all = exportSft(workspace, {
      task: "requirements",
      source: "gold",
      out: join(dir, "all"),
      validationFraction: 0,
    });
    const tokens = lines(join(dir, "all", "openai/train.jsonl"))
      .map((line) => estimateSftTokens(openAiSftLineSchema.parse(line).messages))
      .sort((a, b) => a - b);
    expect(all.tokens.train.examples).toBe(tokens.length);
    const maxTokens = tokens[Math.floor(tokens.length / 2)] ?? 0;
    const some = exportSft(workspace, {
      task: "requirements",
      source: "gold",
      out,
      maxTokens,
      minExamples: 1,
    });
    expect(some.leftOut.invalid).toBe(some.leftOut.problems["too-long"]);
    expect(some.leftOut.invalid).toBeGreaterThan(0);
    expect(some.leftOut.invalid).toBeLessThan(tokens.length);
    expect(some.tokens.train.max).toBeLessThanOrEqual(maxTokens);
    expect(some.warnings.join("\n")).toMatch(
      /examples break the formats' rules and were left out \(too-long \d+/,
    );
  });

  it("rebuilds classify's prompt from the labels its run recorded", async () => {
    const labels = ["tech", "other"];
    const plan = planLabelling(workspace, {
      task: "classify",
      settings: { labels },
      selection: { limit: 12 },
    });
    const model = new FakeLanguageModel({
      fallback: (request) =>
        JSON.stringify({
          label: request.messages.some((m) => m.content.includes("Python")) ? "tech" : "other",
        }),
    });
    await runLabelling(workspace, plan, { model });
    const out = join(dir, "classify");
    const report = exportSft(workspace, { task: "classify", out, formats: ["trl"], validationFraction: 0 });
    expect(report.answers).toEqual({ fromCalls: 12, fromAnnotations: 0 });
    expect(report.staleAnswers).toBe(0);
    const rows = lines(join(out, "trl/train.jsonl")).map((line) => trlSftLineSchema.parse(line));
    const documents = plan.items as SourceDocument[];
    expect(rows.map((row) => row.prompt)).toEqual(
      documents.map((document) => plan.task.buildMessages(document)),
    );
    expect(rows.map((row) => JSON.parse(row.completion[0]?.content ?? "").label)).toEqual(
      documents.map((document) => (document.text.includes("Python") ? "tech" : "other")),
    );
  });

  it("rebuilds skills' answer (layer and quote per mention) from human spans", () => {
    const documents = [...workspace.documents.iterate()]
      .filter((document) => document.id !== longAdvert)
      .slice(0, 3);
    for (const document of documents) {
      const quote = document.text.slice(0, 12);
      workspace.annotations.insert({
        documentId: document.id,
        task: "skills",
        taskVersion: "human-1",
        source: { kind: "human", name: "reviewer" },
        payload: { spans: [{ start: 0, end: quote.length, label: "knowledge", text: quote }] },
      });
    }
    const out = join(dir, "skills");
    const report = exportSft(workspace, {
      task: "skills",
      out,
      formats: ["openai"],
      validationFraction: 0,
      minExamples: 1,
    });
    expect(report.source).toEqual({ kind: "human", name: "reviewer" });
    expect(report.answers).toEqual({ fromCalls: 0, fromAnnotations: 3 });
    const task = createSkillsTask();
    const rows = lines(join(out, "openai/train.jsonl")).map((line) => openAiSftLineSchema.parse(line));
    expect(rows.map((row) => row.messages.slice(0, -1))).toEqual(
      documents.map((document) => task.buildMessages(document)),
    );
    expect(
      rows.map((row) => skillsOutputSchema.parse(JSON.parse(row.messages.at(-1)?.content ?? ""))),
    ).toEqual(
      documents.map((document) => ({
        mentions: [{ layer: "knowledge", quote: document.text.slice(0, 12) }],
      })),
    );
  });

  it("refuses a task whose items are not single documents, and a bad validation fraction", () => {
    expect(() => exportSft(workspace, { task: "skill-type", out: join(dir, "x") })).toThrow(
      /export sft takes --task requirements, skills, classify/,
    );
    expect(() =>
      exportSft(workspace, { task: "requirements", out: join(dir, "x"), validationFraction: 1 }),
    ).toThrow(/--validation must be a fraction/);
  });
});
