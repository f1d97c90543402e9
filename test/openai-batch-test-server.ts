/**
 * A local server that speaks the Files and Batches endpoints of the OpenAI wire protocol, for tests
 * of `label --batch`: POST /v1/files (multipart, purpose "batch"), GET /v1/files (list),
 * GET /v1/files/:id/content, POST /v1/batches, GET /v1/batches/:id, GET /v1/batches (list) and
 * POST /v1/batches/:id/cancel. Failure modes: error lines (partial failures), expiry and cancellation
 * with part of a batch done, slow completion (in_progress for N polls), 5xx on upload, and holds at
 * the moments a client may be killed (before and after an upload is stored, after a batch is
 * created, during a download). It counts how often each request (custom_id) was submitted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ChatRequestBody, completion } from "./openai-test-server.ts";

/** How the server answers one request line of a batch. */
export type LineAnswer =
  | { kind: "json"; value: unknown }
  | { kind: "text"; content: string; finishReason?: string }
  | { kind: "error"; status: number; message?: string };

export interface BatchLine {
  customId: string;
  body: ChatRequestBody;
  /** How many times this custom_id had been submitted before this batch (0 the first time). */
  resubmission: number;
}

/** How a batch ends: completed, or expired / cancelled after its first `finished` lines. */
export type BatchOutcome =
  | { status: "completed" }
  | { status: "expired"; finished: number }
  | { status: "cancelled"; finished: number };

export type HoldPoint = "upload-before-store" | "upload-after-store" | "create-after-store" | "content";

export interface BatchTestServerOptions {
  /** @default every line answered `{}` */
  answer?: (line: BatchLine) => LineAnswer;
  /** How batch number `index` (0-based, in creation order) ends. @default completed */
  outcome?: (index: number) => BatchOutcome;
  /** Polls (GET /v1/batches/:id) a batch answers in_progress before it ends. @default 0 */
  pollsInProgress?: number;
  /** The first N uploads answer 500 (nothing stored). @default 0 */
  failUploads?: number;
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
  createdAt: number;
}

interface TestBatch {
  id: string;
  index: number;
  inputFileId: string;
  metadata: Record<string, string>;
  status: string;
  polls: number;
  lines: BatchLine[];
  outputFileId?: string;
  errorFileId?: string;
  completed: number;
  failed: number;
  cancelRequested: boolean;
}

export interface BatchTestServer {
  readonly url: string;
  /** Submissions per custom_id, over every batch created. */
  readonly submissions: Map<string, number>;
  readonly batchCount: number;
  readonly uploadCount: number;
  /** Requests per route ("POST /v1/files", …). */
  readonly routeCounts: Map<string, number>;
  /** The next time the server reaches `point` it waits until `release` (the client is killed meanwhile). */
  hold(point: HoldPoint): { reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/** The fields of a multipart/form-data body: name → { filename?, value }. */
function multipartFields(
  body: Buffer,
  contentType: string,
): Map<string, { filename?: string; value: string }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const fields = new Map<string, { filename?: string; value: string }>();
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) return fields;
  for (const part of body.toString("utf8").split(`--${marker}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const value = part.slice(split + 4).replace(/\r\n$/, "");
    fields.set(name, filename === undefined ? { value } : { filename, value });
  }
  return fields;
}

export async function startBatchTestServer(options: BatchTestServerOptions = {}): Promise<BatchTestServer> {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, TestBatch>();
  const submissions = new Map<string, number>();
  const routeCounts = new Map<string, number>();
  const holds = new Map<HoldPoint, { reached: () => void; gate: Promise<void> }>();
  const open = new Set<ServerResponse>();
  let uploads = 0;
  let failUploads = options.failUploads ?? 0;
  let nextId = 0;
  const answer = options.answer ?? (() => ({ kind: "json", value: {} }));

  const wait = async (point: HoldPoint): Promise<void> => {
    const hold = holds.get(point);
    if (hold === undefined) return;
    holds.delete(point);
    hold.reached();
    await hold.gate;
  };
  const send = (response: ServerResponse, status: number, body: unknown): void => {
    if (response.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    response.writeHead(status, {
      "content-type": typeof body === "string" ? "application/octet-stream" : "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  };
  const error = (response: ServerResponse, status: number, message: string): void =>
    send(response, status, { error: { message, type: "invalid_request_error", code: null } });
  const fileObject = (file: StoredFile) => ({
    id: file.id,
    object: "file",
    bytes: Buffer.byteLength(file.content),
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
  });
  const storeFile = (filename: string, purpose: string, content: string): StoredFile => {
    const file = {
      id: `file-${++nextId}`,
      filename,
      purpose,
      content,
      createdAt: Math.floor(Date.now() / 1000),
    };
    files.set(file.id, file);
    return file;
  };
  const batchObject = (batch: TestBatch) => ({
    id: batch.id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    input_file_id: batch.inputFileId,
    completion_window: "24h",
    status: batch.status,
    output_file_id: batch.outputFileId ?? null,
    error_file_id: batch.errorFileId ?? null,
    created_at: Math.floor(Date.now() / 1000),
    request_counts: { total: batch.lines.length, completed: batch.completed, failed: batch.failed },
    metadata: batch.metadata,
  });

  /** Ends a batch: its first `finished` lines answered (in the output or the error file), the rest not. */
  const finish = (batch: TestBatch, status: string, finished: number): void => {
    const output: string[] = [];
    const errors: string[] = [];
    for (const [index, line] of batch.lines.slice(0, finished).entries()) {
      const answered = answer(line);
      const id = `batch_req_${batch.id}_${index}`;
      if (answered.kind === "error") {
        batch.failed++;
        errors.push(
          JSON.stringify({
            id,
            custom_id: line.customId,
            response: {
              status_code: answered.status,
              request_id: id,
              body: {
                error: { message: answered.message ?? `test error ${answered.status}`, type: "server_error" },
              },
            },
            error: null,
          }),
        );
        continue;
      }
      batch.completed++;
      const content = answered.kind === "json" ? JSON.stringify(answered.value) : answered.content;
      const finishReason = answered.kind === "text" ? (answered.finishReason ?? "stop") : "stop";
      output.push(
        JSON.stringify({
          id,
          custom_id: line.customId,
          response: {
            status_code: 200,
            request_id: id,
            body: completion({ index, body: line.body }, content, finishReason),
          },
          error: null,
        }),
      );
    }
    if (output.length > 0)
      batch.outputFileId = storeFile(`${batch.id}_output.jsonl`, "batch_output", `${output.join("\n")}\n`).id;
    if (errors.length > 0)
      batch.errorFileId = storeFile(`${batch.id}_error.jsonl`, "batch_output", `${errors.join("\n")}\n`).id;
    batch.status = status;
  };

  const poll = (batch: TestBatch): void => {
    if (["completed", "expired", "cancelled", "failed"].includes(batch.status)) return;
    batch.polls++;
    if (batch.cancelRequested) {
      const outcome = options.outcome?.(batch.index);
      finish(batch, "cancelled", outcome?.status === "cancelled" ? outcome.finished : 0);
      return;
    }
    if (batch.polls <= (options.pollsInProgress ?? 0)) {
      batch.status = "in_progress";
      return;
    }
    const outcome = options.outcome?.(batch.index) ?? { status: "completed" };
    finish(batch, outcome.status, outcome.status === "completed" ? batch.lines.length : outcome.finished);
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const url = new URL(incoming.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/^\/v1/, "");
    const route = `${incoming.method} ${path.replace(/\/(file|batch)[-_][^/]+/, "/:id")}`;
    routeCounts.set(route, (routeCounts.get(route) ?? 0) + 1);
    if (route === "POST /files") {
      uploads++;
      if (failUploads > 0) {
        failUploads--;
        return error(response, 500, "the upload failed (test)");
      }
      const fields = multipartFields(body, incoming.headers["content-type"] ?? "");
      const file = fields.get("file");
      const purpose = fields.get("purpose")?.value ?? "";
      if (file === undefined || purpose !== "batch") return error(response, 400, "a batch file is required");
      await wait("upload-before-store");
      // A client that went away before the upload was taken in leaves nothing behind.
      if (response.destroyed) return;
      const stored = storeFile(file.filename ?? "upload.jsonl", purpose, file.value);
      await wait("upload-after-store");
      return send(response, 200, fileObject(stored));
    }
    if (route === "GET /files") {
      const purpose = url.searchParams.get("purpose");
      const data = [...files.values()]
        .filter((file) => purpose === null || file.purpose === purpose)
        .map(fileObject);
      return send(response, 200, { object: "list", data, has_more: false });
    }
    const fileContent = /^\/files\/([^/]+)\/content$/.exec(path);
    if (incoming.method === "GET" && fileContent) {
      const file = files.get(fileContent[1] ?? "");
      if (file === undefined) return error(response, 404, "no such file");
      await wait("content");
      return send(response, 200, file.content);
    }
    if (route === "POST /batches") {
      const request = JSON.parse(body.toString("utf8")) as {
        input_file_id?: string;
        endpoint?: string;
        completion_window?: string;
        metadata?: Record<string, string>;
      };
      const input = files.get(request.input_file_id ?? "");
      if (input === undefined) return error(response, 400, "no such input file");
      if (request.endpoint !== "/v1/chat/completions" || request.completion_window !== "24h") {
        return error(response, 400, "unsupported endpoint or completion window");
      }
      const lines: BatchLine[] = [];
      for (const text of input.content.split("\n")) {
        if (text.trim() === "") continue;
        const line = JSON.parse(text) as {
          custom_id: string;
          method: string;
          url: string;
          body: ChatRequestBody;
        };
        if (line.method !== "POST" || line.url !== "/v1/chat/completions") {
          return error(response, 400, `bad request line ${line.custom_id}`);
        }
        const before = submissions.get(line.custom_id) ?? 0;
        lines.push({ customId: line.custom_id, body: line.body, resubmission: before });
      }
      for (const line of lines) submissions.set(line.customId, line.resubmission + 1);
      const batch: TestBatch = {
        id: `batch_${++nextId}`,
        index: batches.size,
        inputFileId: input.id,
        metadata: request.metadata ?? {},
        status: "validating",
        polls: 0,
        lines,
        completed: 0,
        failed: 0,
        cancelRequested: false,
      };
      batches.set(batch.id, batch);
      await wait("create-after-store");
      return send(response, 200, batchObject(batch));
    }
    if (route === "GET /batches") {
      return send(response, 200, {
        object: "list",
        data: [...batches.values()].reverse().map(batchObject),
        has_more: false,
      });
    }
    const batchRoute = /^\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    const batch = batches.get(batchRoute?.[1] ?? "");
    if (batchRoute && batch === undefined) return error(response, 404, "no such batch");
    if (batch && incoming.method === "GET" && batchRoute?.[2] === undefined) {
      poll(batch);
      return send(response, 200, batchObject(batch));
    }
    if (batch && incoming.method === "POST" && batchRoute?.[2] === "/cancel") {
      if (!["completed", "expired", "cancelled", "failed"].includes(batch.status)) {
        batch.cancelRequested = true;
        batch.status = "cancelling";
      }
      return send(response, 200, batchObject(batch));
    }
    return error(response, 404, `no route ${incoming.method} ${url.pathname}`);
  };

  const server = createServer((incoming, response) => {
    open.add(response);
    response.on("close", () => open.delete(response));
    void handle(incoming, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    submissions,
    get batchCount() {
      return batches.size;
    },
    get uploadCount() {
      return uploads;
    },
    routeCounts,
    hold: (point) => {
      let reached = (): void => undefined;
      let release = (): void => undefined;
      const reachedPromise = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.set(point, { reached, gate });
      return { reached: reachedPromise, release };
    },
    close: async () => {
      for (const holdPoint of holds.values()) holdPoint.reached();
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
