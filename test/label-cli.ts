/** Helpers of the tests that run `jobdistill label` against test/openai-test-server.ts. */
import { openWorkspace } from "../src/store/index.ts";
import type { RecordedRequest } from "./openai-test-server.ts";

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
