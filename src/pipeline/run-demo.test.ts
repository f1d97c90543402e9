import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  lastUserMessage,
  type OpenAiTestServer,
  startOpenAiTestServer,
} from "../../test/openai-test-server.ts";
import { readableText } from "../align/index.ts";
import type { Span } from "../core/types.ts";
import { openWorkspace } from "../store/index.ts";
import {
  demoDocument,
  demoGoldSpans,
  loadDemoCorpus,
  mergeChunkPayloads,
} from "../tasks/requirements/index.ts";
import { createLanguageModel } from "../teacher/create-language-model.ts";
import { runDemo } from "./run-demo.ts";

/** What a careless teacher does to quotes: case, curly quotes, doubled spaces, a dropped word. */
function perturb(quote: string, index: number): string {
  if (index % 11 === 3) return quote.toLowerCase();
  if (index % 11 === 5) return quote.replace(/'/g, "’").replace(/ /g, "  ");
  if (index % 11 === 7) {
    const words = quote.split(" ");
    return words.length >= 6 ? [...words.slice(0, 2), ...words.slice(3)].join(" ") : quote;
  }
  return quote;
}

const corpus = loadDemoCorpus();
const readable = corpus.map((advert) => ({
  advert,
  text: readableText(demoDocument(advert)),
  spans: demoGoldSpans(advert, (html) => readableText({ text: html, format: "html" })),
}));

/** Answers each request with the hand annotations of the advert it carries, some quotes perturbed. */
function answerFromHandAnnotations(message: string): unknown {
  const chunk = message.slice(message.indexOf("<<<\n") + 4, message.lastIndexOf("\n>>>"));
  const source = readable.find((item) => item.text.includes(chunk));
  if (!source) return { spans: [] };
  const offset = source.text.indexOf(chunk);
  const inChunk = source.spans.filter((span) => span.start >= offset && span.end <= offset + chunk.length);
  return {
    spans: inChunk.map((span, index) => ({
      category: span.label,
      quote: perturb(span.text, index),
      ...(span.attrs?.requirement ? { requirement: span.attrs.requirement } : {}),
    })),
  };
}

describe("runDemo", () => {
  let server: OpenAiTestServer;
  beforeAll(async () => {
    server = await startOpenAiTestServer({
      defaultBehaviour: (request) => ({
        kind: "json",
        value: answerFromHandAnnotations(lastUserMessage(request)),
      }),
    });
  });
  afterAll(async () => server.close());

  it("labels the demo corpus over the OpenAI wire protocol and recovers the hand-annotated spans", {
    timeout: 120_000,
  }, async () => {
    const workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-demo-llm-")));
    const model = await createLanguageModel({
      provider: "openai",
      model: "test-teacher",
      apiKey: "sk-test",
      baseUrl: server.url,
    });
    const result = await runDemo(workspace, { teacher: model, log: () => {} });
    expect(result.teacher.kind).toBe("llm");
    if (result.teacher.kind !== "llm") return;
    expect(result.teacher.summary.failed).toBe(0);
    expect(result.teacher.summary.done).toBe(corpus.length);

    let gold = 0;
    let recovered = 0;
    const stats = { exact: 0, normalised: 0, fuzzy: 0, unaligned: 0 };
    for (const document of workspace.documents.iterate({ source: "demo" })) {
      const goldSpans = workspace.annotations.list({
        task: "requirements",
        sourceKind: "gold",
        documentId: document.id,
      })[0]?.payload.spans as Span[];
      const taught = mergeChunkPayloads(
        workspace.annotations
          .list({ task: "requirements", sourceKind: "teacher", documentId: document.id })
          .map((annotation) => annotation.payload),
      );
      const key = (span: Span) => `${span.label}:${span.start}:${span.end}`;
      const taughtKeys = new Set((taught.spans ?? []).map(key));
      gold += goldSpans.length;
      recovered += goldSpans.filter((span) => taughtKeys.has(key(span))).length;
      for (const span of taught.spans ?? []) {
        if (span.alignment === "exact" || span.alignment === "normalised" || span.alignment === "fuzzy") {
          stats[span.alignment]++;
        }
      }
      stats.unaligned += taught.unaligned?.length ?? 0;
    }
    // Perturbed quotes come back to the very characters the hand annotation marked: all of them.
    expect(gold).toBe(corpus.reduce((sum, advert) => sum + advert.annotations.length, 0));
    expect(recovered).toBe(gold);
    // perturb() is deterministic: these are the alignments its case, quote and dropped-word changes
    // need (exact 694 + normalised 139 + fuzzy 46 = every one of the 879 quotes).
    expect(stats).toEqual({ exact: 694, normalised: 139, fuzzy: 46, unaligned: 0 });
    console.log(
      `demo over the test server: ${recovered}/${gold} hand spans recovered; alignment ${JSON.stringify(stats)}`,
    );
    workspace.close();
  });
});
