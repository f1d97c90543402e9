import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  lastUserMessage,
  type OpenAiTestServer,
  startOpenAiTestServer,
} from "../../../test/openai-test-server.ts";
import { labelledText } from "../../dataset/document-text.ts";
import { openWorkspace } from "../../store/index.ts";
import type { CliIo } from "../context.ts";
import { runCli } from "../program.ts";

describe("jobdistill label --task requirements", () => {
  let server: OpenAiTestServer;
  beforeAll(async () => {
    // Quotes the advert's first line as its breadtext, whatever the advert.
    server = await startOpenAiTestServer({
      defaultBehaviour: (request) => {
        const message = lastUserMessage(request);
        const advert = message.slice(message.indexOf("<<<\n") + 4);
        const firstLine = advert.split("\n")[0] ?? "";
        return {
          kind: "json",
          value: { spans: [{ category: "breadtext", quote: firstLine.toUpperCase() }] },
        };
      },
    });
  });
  afterAll(async () => server.close());

  it("labels imported adverts chunk by chunk and stores aligned spans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-label-req-"));
    const out: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(t), interactive: false };
    expect(await runCli(["-w", dir, "gold", "import", "--format", "demo"], io)).toBe(0);
    const args = ["-w", dir, "label", "--task", "requirements", "--model", "test-model", "--limit", "5"];
    const code = await runCli([...args, "--base-url", server.url, "--api-key", "sk-test"], io);
    expect(code, out.join("\n")).toBe(0);
    expect(out.join("\n")).toMatch(/alignment of this run's 5 quotes: /);
    const workspace = openWorkspace(dir);
    const taught = workspace.annotations.list({ task: "requirements", sourceKind: "teacher" });
    expect(taught).toHaveLength(5);
    for (const annotation of taught) {
      const document = workspace.documents.get(annotation.documentId);
      if (!document) throw new Error(`no document ${annotation.documentId}`);
      // One quote per advert: its first line, upper-cased by the fake teacher, found again in the
      // text the spans point into (the visible text of an HTML advert).
      expect(annotation.payload.spans).toHaveLength(1);
      const [span] = annotation.payload.spans ?? [];
      expect(span?.label).toBe("breadtext");
      expect(["exact", "normalised"]).toContain(span?.alignment);
      const text = labelledText(document);
      expect(text.slice(span?.start, span?.end)).toBe(span?.text);
      expect(span?.text.toUpperCase()).toBe((text.split("\n")[0] ?? "").toUpperCase());
    }
    workspace.close();
  });
});
