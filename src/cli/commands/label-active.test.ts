import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { writeCorpusSlice } from "../../../test/corpus-slice.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import type { ChatMessage } from "../../core/task.ts";
import {
  corpusGoldSpans,
  importRequirementsCorpusGold,
  loadRequirementsCorpus,
} from "../../dataset/gold/requirements-corpus.ts";
import { openWorkspace } from "../../store/index.ts";
import { requirementsReplayAnswers } from "../../tasks/requirements/replay-answers.ts";
import { runCli } from "../program.ts";

const dirs: string[] = [];
let server: OpenAiTestServer | undefined;

afterEach(async () => {
  await server?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("jobdistill label --select", () => {
  it("buys the budget in rounds from an OpenAI-compatible teacher, one line per round with its held-out F1", async () => {
    const corpus = writeCorpusSlice({ perSplit: { train: 6, dev: 0, test: 2 }, long: 0 });
    const answerFor = requirementsReplayAnswers(
      loadRequirementsCorpus(corpus).map((posting) => ({
        id: posting.id,
        text: posting.text,
        spans: corpusGoldSpans(posting),
      })),
    );
    server = await startOpenAiTestServer({
      defaultBehaviour: (request) => ({
        kind: "json",
        value: JSON.parse(
          answerFor((request.body.messages ?? []) as ChatMessage[]) ?? '{"spans":[]}',
        ) as unknown,
      }),
    });
    const dir = mkdtempSync(join(tmpdir(), "jobdistill-label-active-"));
    dirs.push(dir);
    const workspace = openWorkspace(dir);
    importRequirementsCorpusGold(workspace, corpus);
    workspace.close();
    const args = [
      "--workspace",
      dir,
      "label",
      "--task",
      "requirements",
      "--select",
      "uncertain",
      "--budget",
      "4",
      "--rounds",
      "2",
      "--pool-splits",
      "train",
      "--model",
      "test-model",
      "--base-url",
      server.url,
      "--api-key",
      "sk-test",
    ];
    const io = captureIo();
    expect(await runCli(args, io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toMatch(/round 1 \(run \d+\): bought 2 documents, 2 labelled in all/);
    expect(out).toMatch(
      /round 2 \(run \d+\): bought 2 documents, 4 labelled in all.*highlight loose micro F1 [\d.]+ on 2 held-out/,
    );

    const again = captureIo();
    expect(await runCli(args, again)).toBe(0);
    expect(again.stdout.join("\n")).toMatch(/round 2 \(run \d+, done earlier\)/);

    const usage = captureIo();
    expect(await runCli([...args.slice(0, 5), "--select", "uncertain"], usage)).not.toBe(0);
    expect(usage.stderr.join("\n")).toMatch(/--select needs --budget/);
  }, 120_000);
});
