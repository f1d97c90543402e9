/** Helpers of the tests that run `jobdistill label` against test/openai-test-server.ts. */
import { openWorkspace } from "../src/store/index.ts";
import { type OpenAiTestServer, type RecordedRequest, startOpenAiTestServer } from "./openai-test-server.ts";

export { type CliExit, spawnCli, waitFor } from "./spawn-cli.ts";

/** Documents whose right label can be read off the text: "cat" or "dog". */
export function seedWorkspace(dir: string, count: number): void {
  const workspace = openWorkspace(dir);
  workspace.documents.insertMany(
    Array.from({ length: count }, (_, index) => ({
      id: `doc-${index}`,
      text: `Advert ${index}: we are looking for a ${index % 3 === 0 ? "cat" : "dog"} walker.`,
    })),
  );
  workspace.close();
}

export const answerFromDocument = (request: RecordedRequest) => {
  const document = request.body.messages?.find((message) => message.role === "user")?.content ?? "";
  return { kind: "json" as const, value: { label: document.includes("cat walker") ? "cat" : "dog" } };
};

export function storedLabels(dir: string): {
  byDocument: Map<string, string[]>;
  rows: number;
  calls: number;
} {
  const workspace = openWorkspace(dir);
  try {
    const annotations = workspace.annotations.list({ task: "classify" });
    return {
      byDocument: new Map(
        annotations.map((annotation) => [annotation.documentId, annotation.payload.labels ?? []]),
      ),
      rows: annotations.length,
      calls: workspace.calls.count({ task: "classify" }),
    };
  } finally {
    workspace.close();
  }
}

export const labelArgs = (dir: string, url: string, ...extra: string[]): string[] => [
  "--workspace",
  dir,
  "label",
  "--task",
  "classify",
  "--labels",
  "cat,dog",
  "--model",
  "test-model",
  "--base-url",
  url,
  "--api-key",
  "sk-test",
  ...extra,
];

/** The document an OpenAI-protocol request asked about (its user message): the server's per-item count. */
export const userText = (request: RecordedRequest): string =>
  request.body.messages?.find((message) => message.role === "user")?.content ?? "";

/**
 * A test server that answers from the document after `latencyMs`, but holds every answer until
 * `open()`, so a bench's clock can start once every process has booted.
 */
export async function heldAnswersServer(
  latencyMs: number,
): Promise<{ server: OpenAiTestServer; open(): void }> {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const server = await startOpenAiTestServer({
    latencyMs,
    defaultBehaviour: (request) => ({ kind: "held", until: gate, next: answerFromDocument(request) }),
  });
  return { server, open };
}

/**
 * What a held-answers run cost the server: the requests it received, how many asked an item asked
 * before (must be 0), and items per second from `openedAt` (when the answers were let go) to the
 * last answer.
 */
export function answeredRate(
  server: OpenAiTestServer,
  openedAt: number,
  items: number,
): { requests: number; duplicates: number; seconds: number; itemsPerSecond: number } {
  const lastAnswer = Math.max(...server.requests.map((request) => request.answeredAt ?? 0));
  const seconds = (lastAnswer - openedAt) / 1000;
  const asked = server.requests.map(userText);
  return {
    requests: asked.length,
    duplicates: asked.length - new Set(asked).size,
    seconds: Math.round(seconds * 1000) / 1000,
    itemsPerSecond: Math.round((items / seconds) * 10) / 10,
  };
}
